import * as path from 'path';
import * as ts from 'typescript';
import { CONFIG_ENV, CONFIG_FILE, CONFIG_TYPE, Key, SCHEMA } from './sources';

/**
 * The configuration keys, from the app's schema (key, type, variable) and the TSDoc of the props each
 * key is read into (what it is, `@default`). A key whose prop the configuration's own type does not
 * carry is looked up in the types named in {@link ELSEWHERE}; the few keys that are the app's alone
 * (no prop) are described in {@link APP_ONLY}.
 */
/** Where the TSDoc of a key lives when the configuration redeclares its type without docs. */
const ELSEWHERE: Readonly<Record<string, readonly string[]>> = {
  '': ['WebterminalProps', 'TerminalStackProps'],
  ttyd: ['ExternalTtydOptions', 'InClusterTtydOptions'],
  routes: ['TerminalRouteOptions'],
};

/** Keys with no prop behind them: the app's own. */
const APP_ONLY: Readonly<Record<string, { text: string; default?: string }>> = {
  stackName: { text: 'Stack name: the folder under `cdktf.out/stacks/` and the `pg` schema.', default: '"terminal"' },
  'ttyd.mode': {
    text: 'Where ttyd runs: on a host outside the cluster (`external`, `TtydBackend.externalHost`) or as a Deployment (`TtydBackend.inCluster`).',
    default: '"external"',
  },
  'ttyd.mutualTls.clientCertSecret': { text: "Secret with the client pair (`tls.crt`, `tls.key`) and `ca.crt`, in the stack's namespace." },
  'dns.provider': { text: 'The DNS provider; `cloudflare` is the only one.' },
};

interface Doc {
  readonly text: string;
  readonly default?: string;
}

export interface ConfigKeyRow {
  readonly key: string;
  readonly type: string;
  readonly variable?: string;
  readonly doc: Doc;
}

/** The rows of the table, one per key, depth first in the schema's order. */
export function configKeyRows(root: string): ConfigKeyRow[] {
  const docs = new TsDocs(root);
  const variables = Object.fromEntries(Object.entries(CONFIG_ENV).map(([name, key]) => [key, name]));
  const rows: ConfigKeyRow[] = [];
  const walk = (schema: Readonly<Record<string, Key>>, prefix: string, types: readonly ts.Type[]): void => {
    for (const [name, key] of Object.entries(schema)) {
      const keyPath = prefix === '' ? name : `${prefix}.${name}`;
      const found = docs.property(types, name);
      const documented = found?.doc.text ? found : docs.property(docs.named(ELSEWHERE[prefix.replace(/\[\]$/, '')] ?? []), name);
      const doc = APP_ONLY[keyPath] ?? documented?.doc;
      if (doc === undefined || doc.text === '')
        throw new Error(`docs: configuration key ${keyPath} has no TSDoc on its prop and no entry in APP_ONLY`);
      rows.push({ key: keyPath, type: `${typeOf(key)}${key.required ? ', required' : ''}`, variable: variables[keyPath], doc });
      if (key.keys !== undefined) walk(key.keys, key.type === 'list' ? `${keyPath}[]` : keyPath, documented?.types ?? found?.types ?? []);
    }
  };
  walk(SCHEMA, '', docs.named([CONFIG_TYPE]));
  return rows;
}

/** The table in Markdown. */
export function configKeysTable(root: string): string {
  const cell = (s: string): string =>
    s
      .replace(/\{@link\s*([^}]*?)\s*\}/g, '`$1`')
      .replace(/\*\\\//g, '*/')
      .replace(/\|/g, '\\|')
      .replace(/\s*\n\s*/g, ' ');
  const lines = ['| key | type | default | what it is |', '| --- | --- | --- | --- |'];
  for (const row of configKeyRows(root)) {
    const key = `\`${row.key}\`${row.variable !== undefined ? ` (\`${row.variable}\`)` : ''}`;
    lines.push(`| ${key} | ${cell(row.type)} | ${cell(row.doc.default ?? '')} | ${cell(row.doc.text)} |`);
  }
  return lines.join('\n');
}

function typeOf(key: Key): string {
  switch (key.type) {
    case 'string':
      return key.oneOf !== undefined ? key.oneOf.map((v: string) => `\`${v}\``).join(' | ') : 'string';
    case 'integer':
      return `integer ${key.min}–${key.max}`;
    case 'labels':
      return 'labels';
    case 'map':
      return 'string map';
    case 'strings':
      return 'string list';
    case 'list':
      return 'list of objects';
    case 'object':
      return 'object';
    case 'dict':
      return `by host: { ${Object.keys(key.values?.keys ?? {}).join(', ')} }`;
    default:
      return key.type;
  }
}

/** TSDoc of properties, read with the TypeScript checker from the configuration file and what it imports. */
class TsDocs {
  private readonly checker: ts.TypeChecker;
  private readonly declarations = new Map<string, ts.Type>();

  constructor(root: string) {
    const file = path.join(root, CONFIG_FILE);
    const program = ts.createProgram([file], {
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: [],
      resolveJsonModule: true,
      esModuleInterop: true,
    });
    this.checker = program.getTypeChecker();
    for (const source of program.getSourceFiles()) {
      if (source.isDeclarationFile || source.fileName.includes('node_modules')) continue;
      ts.forEachChild(source, (node) => {
        if ((ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && !this.declarations.has(node.name.text))
          this.declarations.set(node.name.text, this.checker.getTypeAtLocation(node.name));
      });
    }
  }

  named(names: readonly string[]): ts.Type[] {
    return names.map((name) => {
      const type = this.declarations.get(name);
      if (type === undefined) throw new Error(`docs: no type ${name} in ${CONFIG_FILE} or what it imports`);
      return type;
    });
  }

  /** The first of `types` with a documented property `name`: its doc and the types of its value. */
  property(types: readonly ts.Type[], name: string): { doc: Doc; types: ts.Type[] } | undefined {
    let undocumented: { doc: Doc; types: ts.Type[] } | undefined;
    for (const type of types) {
      const symbol = this.checker.getPropertyOfType(type, name);
      if (symbol === undefined) continue;
      const found = { doc: this.doc(symbol), types: this.valueTypes(symbol) };
      if (found.doc.text !== '') return found;
      undocumented ??= found;
    }
    return undocumented;
  }

  private doc(symbol: ts.Symbol): Doc {
    const text = ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).trim();
    const tag = symbol.getJsDocTags(this.checker).find((t) => t.name === 'default');
    const value = tag?.text !== undefined ? ts.displayPartsToString(tag.text).trim() : undefined;
    return { text: firstParagraph(text), default: value?.replace(/^- /, '') };
  }

  /** The object types a property's value may be: optional, unions and arrays unwrapped. */
  private valueTypes(symbol: ts.Symbol): ts.Type[] {
    const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
    if (declaration === undefined) return [];
    const type = this.checker.getNonNullableType(this.checker.getTypeOfSymbolAtLocation(symbol, declaration));
    const parts = type.isUnion() ? type.types : [type];
    return parts.map((t) => (this.checker.isArrayType(t) ? this.checker.getTypeArguments(t as ts.TypeReference)[0] : t));
  }
}

/** The first paragraph of a comment, joined to one line: the table's cell, the rest stays in the API reference. */
function firstParagraph(text: string): string {
  return (text.split(/\n\s*\n/)[0] ?? '').replace(/\s*\n\s*/g, ' ');
}
