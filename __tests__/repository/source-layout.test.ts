import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { AUTHENTIK_OUTPOST_PATH, DEFAULT_TTYD_AUTH_HEADER } from '../../lib';
import { HTTP_HEADER_NAME } from '../../lib/private/vocabulary';

/**
 * The repository's shape: lib/ imports without cycles, private helpers take only types from public
 * files, each file holds one idea (400 lines at most), and each shared fact is written in one place.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const LIB = path.join(ROOT, 'lib');
const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

/** Every file under `dir`, as absolute paths. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
}

const SOURCES = filesUnder(LIB).filter((f) => /\.(ts|mjs)$/.test(f));

interface Edge {
  readonly from: string;
  readonly to: string;
  /** `import type` / `export type`, or every named binding marked `type`: erased at run time. */
  readonly typeOnly: boolean;
}

/** The relative imports and re-exports of a source file, resolved to files. */
function edgesOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const edges: Edge[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    let typeOnly = false;
    if (ts.isImportDeclaration(statement)) {
      specifier = statement.moduleSpecifier;
      const clause = statement.importClause;
      const named = clause?.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly || (clause.name === undefined && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined) {
      specifier = statement.moduleSpecifier;
      const named = statement.exportClause !== undefined && ts.isNamedExports(statement.exportClause) ? statement.exportClause.elements : undefined;
      typeOnly = statement.isTypeOnly || (named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly));
    }
    if (specifier === undefined || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), specifier.text);
    const to = [base, `${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f) && fs.statSync(f).isFile()) ?? base;
    edges.push({ from: file, to, typeOnly });
  }
  return edges;
}

const EDGES = SOURCES.flatMap(edgesOf);
const isPrivate = (file: string): boolean => rel(file).startsWith('lib/private/');

/** Every import cycle, each as its files in order (Tarjan's strongly connected components). */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (stack.includes(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(rel(member));
    } while (member !== node);
    if (component.length > 1 || (next.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const file of SOURCES) if (!index.has(file)) visit(file);
  return found;
}

describe('lib/ imports', () => {
  test('the reader sees every kind of import (sanity check of the test itself)', () => {
    const vocabulary = path.join(LIB, 'private', 'vocabulary.ts');
    expect(EDGES.some((e) => e.to === vocabulary && !e.typeOnly)).toBe(true);
    expect(EDGES.some((e) => e.typeOnly)).toBe(true);
    expect(cycles([...EDGES, { from: vocabulary, to: path.join(LIB, 'traefik.ts'), typeOnly: true }]).length).toBeGreaterThan(0);
  });

  test('have no cycle, not even through type-only imports', () => {
    expect(cycles(EDGES)).toStrictEqual([]);
  });

  test('a private file takes only types from public files (vocabulary low, behaviour high)', () => {
    const offending = EDGES.filter(
      (e) => isPrivate(e.from) && rel(e.to).startsWith('lib/') && !isPrivate(e.to) && /\.(ts|mjs)$/.test(e.to) && !e.typeOnly,
    );
    expect(offending.map((e) => `${rel(e.from)} imports values from ${rel(e.to)}`)).toStrictEqual([]);
  });

  test('the vocabulary imports nothing', () => {
    expect(EDGES.filter((e) => rel(e.from) === 'lib/private/vocabulary.ts').map((e) => rel(e.to))).toStrictEqual([]);
  });
});

/** JSON written by a program (`npm run dashboard`), not by hand. */
const GENERATED = ['lib/webterminal-dashboard.grafana.json'];

describe('files of one idea', () => {
  const lines = (file: string): number => fs.readFileSync(file, 'utf8').split('\n').length - 1;
  const checked = [...filesUnder(LIB), ...filesUnder(path.join(ROOT, 'app'))].filter((f) => !GENERATED.includes(rel(f)));

  test('no file in lib/ or app/ is over 400 lines', () => {
    const long = checked.filter((f) => lines(f) > 400).map((f) => `${rel(f)}: ${lines(f)} lines`);
    expect(long).toStrictEqual([]);
  });
});

describe('each fact once', () => {
  /** Literal values that have one home; any other source in lib/ or app/ that writes one repeats it. */
  const FACTS: readonly { readonly literal: RegExp; readonly home: string }[] = [
    { literal: /'app\.kubernetes\.io\/part-of': 'webterminal'/, home: 'lib/private/defaults.ts' },
    { literal: /'X-authentik-username'/, home: 'lib/private/vocabulary.ts' },
    { literal: /name: 'authentik-forward-auth'/, home: 'lib/private/defaults.ts' },
    { literal: /\[A-Za-z0-9-\]\+/, home: 'lib/private/vocabulary.ts' },
    { literal: /'kube-system', 'kube-public'/, home: 'lib/private/vocabulary.ts' },
    { literal: /'Ingress', 'IngressRoute'/, home: 'lib/private/vocabulary.ts' },
  ];
  const sources = [...SOURCES, ...filesUnder(path.join(ROOT, 'app'))];

  test.each(FACTS.map((f) => [f.literal.source, f] as const))('%s is written only in its home', (_name, fact) => {
    const writers = sources.filter((f) => fact.literal.test(fs.readFileSync(f, 'utf8'))).map(rel);
    expect(writers).toStrictEqual([fact.home]);
  });

  test("the probe's contract, which the script reads in the pod, has the library's auth header and outpost path", () => {
    const contract = JSON.parse(fs.readFileSync(path.join(LIB, 'probe', 'contract.json'), 'utf8'));
    expect(contract.defaults.authHeader).toBe(DEFAULT_TTYD_AUTH_HEADER);
    expect(contract.outpostPath).toBe(AUTHENTIK_OUTPOST_PATH);
    expect(AUTHENTIK_OUTPOST_PATH).toBe('/outpost.goauthentik.io/');
    // the script checks PROBE_AUTH_HEADER with the rule the construct and the configuration use
    expect(contract.headerNamePattern).toBe(HTTP_HEADER_NAME.source);
  });

  test("TSDoc does not repeat an alert's severity or `for`: the alert definitions are their source", () => {
    const repeats = SOURCES.flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .filter((line) => /^\s*(\/\*\*|\*)/.test(line) && /\((critical|warning|info)\b|\b(critical|warning|info), (for|at once)\b/.test(line))
        .map((line) => `${rel(f)}: ${line.trim()}`),
    );
    expect(repeats).toStrictEqual([]);
  });
});

describe('the code speaks for itself', () => {
  test('no issue numbers in code, scripts or tests (what a change is for is said in words; upstream references such as traefik#10458 stay)', () => {
    const folders = ['lib', 'app', 'scripts', 'bench', 'tools', 'dashboards', '__tests__'].map((f) => path.join(ROOT, f));
    const files = [...folders.flatMap((dir) => filesUnder(dir)), path.join(ROOT, 'main.ts')].filter((f) => /\.(ts|mjs|cjs|js|sh|yaml)$/.test(f));
    const mentions = files.flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .filter((line) => /\bissue\s*#?\d+|(^|[^\w/-])#\d{1,3}\b(?![\w-])/i.test(line) && !/\w#\d/.test(line))
        .map((line) => `${rel(f)}: ${line.trim()}`),
    );
    expect(files.length).toBeGreaterThan(100);
    expect(mentions).toStrictEqual([]);
  });
});
