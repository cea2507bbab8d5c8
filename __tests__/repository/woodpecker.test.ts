import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import Ajv, { ErrorObject } from 'ajv';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const PIPELINE_FILE = join(ROOT, '.woodpecker', 'terminal.yaml');
// The suite's own copy (see fixtures/SOURCE.md), so it runs without the shared folder.
const SCHEMA_FILE = join(__dirname, '..', 'fixtures', 'woodpecker-pipeline.schema.json');
const README_FILE = join(ROOT, 'README.md');

const TEST_COMMAND_FALLBACK = 'npm ci && npm test';
const DEPLOY_COMMAND = 'npx cdktf deploy terminal --auto-approve';
const DEFAULT_BRANCH = '${CI_REPO_DEFAULT_BRANCH}';
const SECRET_NAME = /KUBE|PG_CONN|TOKEN|PASSWORD|SECRET|KEY/i;

type FromSecret = { from_secret: string };
type Condition = { event?: string | string[]; branch?: unknown; path?: unknown; [key: string]: unknown };
interface Step {
  name?: string;
  image?: string;
  commands?: string | string[];
  environment?: Record<string, unknown>;
  when?: Condition | Condition[];
}
interface Pipeline {
  when?: Condition | Condition[];
  steps: Step[] | Record<string, Step>;
  services?: Step[] | Record<string, Step>;
}

function loadPipeline(): Pipeline {
  return parse(readFileSync(PIPELINE_FILE, 'utf8')) as Pipeline;
}

type NamedStep = Step & { name: string; depends_on?: string | string[] };

/** Steps in file order, each with its name (map keys become names, as Woodpecker does). */
function stepsOf(list: Pipeline['steps'] | undefined): NamedStep[] {
  if (list === undefined) return [];
  const steps = Array.isArray(list) ? list : Object.entries(list).map(([name, step]) => ({ ...step, name }));
  return steps.map((step, i) => ({ ...step, name: step.name ?? `step ${i}` }));
}

function commandsOf(step: Step): string[] {
  if (step.commands === undefined) return [];
  return Array.isArray(step.commands) ? step.commands : [step.commands];
}

function conditionsOf(when: Step['when']): Condition[] {
  if (when === undefined) return [];
  return Array.isArray(when) ? when : [when];
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Events a step can run on: its own `event` filter, else the workflow's. */
function eventsOf(pipeline: Pipeline, step: Step): Set<string> {
  const own = conditionsOf(step.when);
  const conditions = own.some((c) => c.event !== undefined) ? own : conditionsOf(pipeline.when);
  return new Set(conditions.flatMap((c) => asList(c.event)));
}

function isFromSecret(value: unknown): value is FromSecret {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 1 && typeof (value as FromSecret).from_secret === 'string';
}

function isDeployCommand(command: string): boolean {
  return /\bcdktf\s+deploy\b|\bterraform\s+apply\b/.test(command);
}

function deploysHere(step: Step): boolean {
  return commandsOf(step).some(isDeployCommand);
}

function validator() {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  // The schema is draft-07 (Ajv's default class). strict: false because it uses keywords Ajv's strict
  // mode rejects (minLength on arrays); formats off because the only one (`uri`) is on `$schema`.
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

/**
 * The test command of the README's quick start: the last command line of the fenced block under
 * `## Quick start`. Until the README exists, the command the README is to carry.
 */
function readmeTestCommand(): string {
  if (!existsSync(README_FILE)) return TEST_COMMAND_FALLBACK;
  const readme = readFileSync(README_FILE, 'utf8');
  const section = /^##\s+Quick start\s*$([\s\S]*?)(?=^##\s|(?![\s\S]))/im.exec(readme);
  const block = section && /```[^\n]*\n([\s\S]*?)```/.exec(section[1]);
  if (!block) throw new Error(`${README_FILE}: no fenced block under "## Quick start"`);
  const lines = block[1]
    .split('\n')
    .map((l) => l.trim().replace(/^\$\s+/, ''))
    .filter((l) => l !== '' && !l.startsWith('#'));
  return lines[lines.length - 1];
}

/** Every string in the document, with where it is. */
function stringsIn(value: unknown, where = ''): [string, string][] {
  if (typeof value === 'string') return [[where, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, `${where}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => stringsIn(v, `${where}.${k}`));
  return [];
}

/** What Woodpecker's pre-processing leaves for the shell: `$$` becomes `$`. */
function unescapeForShell(command: string): string {
  return command.replace(/\$\$/g, '$');
}

describe('Woodpecker pipeline', () => {
  const pipeline = loadPipeline();
  const steps = stepsOf(pipeline.steps);
  const allSteps = [...steps, ...stepsOf(pipeline.services)];
  const deploy = steps.find((s) => s.name === 'deploy');
  // Compiling the schema is most of this suite's time: once.
  const validate = validator();
  const secretVars = allSteps.flatMap((s) =>
    Object.entries(s.environment ?? {})
      .filter(([, v]) => isFromSecret(v))
      .map(([k]) => k),
  );

  test("validates against Woodpecker's JSON Schema", () => {
    const ok = validate(pipeline);
    if (!ok) throw new Error(`${PIPELINE_FILE} does not match the schema:\n${describeErrors(validate.errors)}`);
  });

  test('the schema check rejects a pipeline Woodpecker would reject', () => {
    const removedKeyword = structuredClone(pipeline) as { steps: Step[] };
    (removedKeyword.steps[0] as Record<string, unknown>).secrets = ['kubeconfig']; // gone in Woodpecker 3
    expect(validate(removedKeyword)).toBe(false);
    const wrongType = structuredClone(pipeline) as { steps: Step[] };
    (wrongType.steps[0] as Record<string, unknown>).image = 20;
    expect(validate(wrongType)).toBe(false);
    expect(validate({ ...pipeline, when: { event: 'merge' } })).toBe(false);
  });

  test('runs on pull requests and on pushes to the default branch only', () => {
    const conditions = conditionsOf(pipeline.when);
    expect(new Set(conditions.flatMap((c) => asList(c.event)))).toStrictEqual(new Set(['pull_request', 'push']));
    for (const push of conditions.filter((c) => asList(c.event).includes('push'))) expect(push.branch).toBe(DEFAULT_BRANCH);
    for (const c of conditions) expect(c.path).toBeDefined();
  });

  test('the test step runs on a change to any file npm test reads: all but LICENSE, CHANGELOG.md and .ci/', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
    for (const c of conditionsOf(pipeline.when)) {
      const include = (c.path as { include: string[] }).include;
      const covered = (file: string) => include.some((glob) => (glob.endsWith('/**') ? file.startsWith(glob.slice(0, -2)) : file === glob));
      const uncovered = tracked.filter((file) => !covered(file) && !['LICENSE', 'CHANGELOG.md'].includes(file) && !file.startsWith('.ci/'));
      expect(uncovered).toStrictEqual([]);
    }
  });

  test('deploys only on push to the default branch', () => {
    expect(deploy).toBeDefined();
    const conditions = conditionsOf(deploy!.when);
    expect(conditions.length).toBeGreaterThan(0);
    for (const c of conditions) {
      expect(asList(c.event)).toStrictEqual(['push']);
      expect(c.branch).toBe(DEFAULT_BRANCH);
    }
    expect(asList(deploy!.depends_on)).toContain('test');
    expect(steps.filter(deploysHere).map((s) => s.name)).toStrictEqual(['deploy']);
  });

  test('pull requests copy the Go toolchain, then install and test only, without secrets', () => {
    const onPullRequest = allSteps.filter((s) => eventsOf(pipeline, s).has('pull_request'));
    expect(onPullRequest.map((s) => s.name)).toStrictEqual(['go-toolchain', 'test']);
    const go = steps.find((s) => s.name === 'go-toolchain');
    expect(go?.image).toMatch(/^golang:1\.2[6-9]\.\d+-bookworm$/);
    expect(commandsOf(go!)).toStrictEqual(['rm -rf .go && cp -a /usr/local/go .go']);
    expect(String(steps.find((s) => s.name === 'test')?.environment?.PATH)).toMatch(/^\$\{CI_WORKSPACE\}\/\.go\/bin:/);
    for (const step of onPullRequest) {
      expect(deploysHere(step)).toBe(false);
      expect(Object.values(step.environment ?? {}).filter(isFromSecret)).toStrictEqual([]);
    }
  });

  test("the test step runs exactly the README's test command", () => {
    const test = steps.find((s) => s.name === 'test');
    expect(test).toBeDefined();
    expect(commandsOf(test!)).toStrictEqual([readmeTestCommand()]);
  });

  test('the deploy step runs cdktf deploy for the terminal stack', () => {
    expect(commandsOf(deploy!).filter(isDeployCommand)).toStrictEqual([DEPLOY_COMMAND]);
  });

  test('takes secrets only through from_secret', () => {
    const plain = allSteps.flatMap((s) =>
      Object.entries(s.environment ?? {})
        .filter(([name, value]) => SECRET_NAME.test(name) && !isFromSecret(value))
        .map(([name]) => `${s.name}: ${name}`),
    );
    expect(plain).toStrictEqual([]);
    const objects = allSteps.flatMap((s) => Object.entries(s.environment ?? {}).filter(([, v]) => typeof v === 'object' && !isFromSecret(v)));
    expect(objects).toStrictEqual([]);
    expect(secretVars.sort()).toStrictEqual(['KUBECONFIG_CONTENT', 'PG_CONN_STR']);
  });

  test('carries no literal credential anywhere in the file', () => {
    const credential = [
      /postgres(?:ql)?:\/\/[^\s:/@]+:[^\s@]+@/i, // connection string with a password
      /YXBpVmVyc2lvbj|Y2x1c3RlcnM6|LS0tLS1CRUdJTi/, // base64 of "apiVersion", "clusters:", "-----BEGIN"
      /-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/,
      /(client-key-data|client-certificate-data|certificate-authority-data|token):\s*\S/,
    ];
    // Comments too: a credential pasted into a comment is as public as one in a value.
    const raw = readFileSync(PIPELINE_FILE, 'utf8').split('\n');
    const hits = [...stringsIn(pipeline), ...raw.map((l, i): [string, string] => [`line ${i + 1}`, l])].filter(([, s]) =>
      credential.some((re) => re.test(s)),
    );
    expect(hits).toStrictEqual([]);
  });

  test('never prints a secret', () => {
    const offending: string[] = [];
    for (const step of allSteps) {
      for (const line of commandsOf(step)) {
        if (/\bset\s+(-[a-z]*x|-o\s+xtrace)|\bprintenv\b|^\s*env\s*$/.test(line)) offending.push(line);
        // Simple commands: split at ; && || | and at the braces of { ...; } groups (not of ${VAR}).
        for (const simple of line.split(/;|&&|\|\||\||(?:^|\s)\{\s|\s\}(?=\s|$)/).map((s) => s.trim())) {
          const usesSecret = secretVars.some((v) => new RegExp(`\\$\\$\\{?${v}\\b`).test(simple));
          if (!usesSecret) continue;
          if (/^(echo|cat)\b/.test(simple)) offending.push(simple);
          // printf may only write a secret into a file, never to the log.
          if (/^printf\b/.test(simple) && !/>\s*"?\$\$\{?[A-Z_]+\}?"?\s*$/.test(simple)) offending.push(simple);
        }
      }
    }
    expect(offending).toStrictEqual([]);
  });

  test('writes the kubeconfig to a private file named by KUBE_CONFIG_PATH', () => {
    const commands = commandsOf(deploy!);
    const umask = commands.findIndex((c) => /^umask 0?077$/.test(c.trim()));
    const write = commands.findIndex((c) => /KUBECONFIG_CONTENT\}?"?\s*>\s*"?\$\$\{?KUBE_CONFIG_PATH/.test(c));
    const exportPath = commands.findIndex((c) => /^export KUBE_CONFIG_PATH=/.test(c));
    expect(umask).toBeGreaterThanOrEqual(0);
    expect(exportPath).toBeGreaterThan(umask);
    expect(write).toBeGreaterThan(exportPath);
    expect(commands.findIndex((c) => c === DEPLOY_COMMAND)).toBeGreaterThan(write);
  });

  test('pins every image to an exact version', () => {
    const images = allSteps.map((s) => s.image ?? '');
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) {
      expect(image).not.toMatch(/:latest\b/);
      expect(image).toMatch(/(:[^:@/]*\d+\.\d+\.\d+[^:@/]*)|(@sha256:[0-9a-f]{64})$/);
    }
  });

  test("escapes shell variables from Woodpecker's pre-processing", () => {
    // Woodpecker substitutes $NAME / ${NAME} before the step runs; only its own CI_ variables may be
    // left for it, everything meant for the shell is written $$.
    const unescaped = allSteps.flatMap((s) => commandsOf(s)).filter((c) => /\$(?!\{?CI_)/.test(c.replace(/\$\$/g, '')));
    expect(unescaped).toStrictEqual([]);
  });

  test('the deploy commands are valid POSIX shell once Woodpecker has unescaped them', () => {
    const script = `set -e\n${commandsOf(deploy!).map(unescapeForShell).join('\n')}\n`;
    expect(() => execFileSync('sh', ['-n'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] })).not.toThrow();
  });
});
