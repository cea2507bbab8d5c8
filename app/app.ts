import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JsonObject, JsonValue, isJsonObject } from './json-source';
import { App } from '../lib/private/cdktf';
import { TerminalStack } from '../lib/terminal-stack';
import { Problems, ValidationError } from '../lib/private/validation';
import { TerminalConfig, loadTerminalConfig } from './config';
import { CONFIG_ENV, CONFIG_JSON_ENV, parseSource } from './config-sources';

/**
 * The app: synthesizes the terminal stack from `cdktf.json` context (key `terminal`) and the
 * environment, or from the built-in example when nothing is configured. `main.ts` runs it; tests
 * run it in process.
 *
 * Nothing is written unless the whole input is valid: configuration first, then every construct's
 * checks, then synthesis into a scratch folder. Only then are the files synth makes copied into the
 * output folder, each replaced in one rename; whatever else is there (Terraform's `.terraform/`,
 * lock file, state) is left alone.
 */

/** What a run printed and how it ended. */
export interface AppResult {
  /** Exit code: 0 done, 2 bad input (nothing written). */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where and with what a run happens. */
export interface AppOptions {
  /** Arguments after the script (`rules [file]`). */
  readonly argv?: readonly string[];
  /** The environment (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** The folder relative paths start from (default `process.cwd()`). */
  readonly cwd?: string;
  /** Where `cdktf.json` is (default: the project root, above this folder). */
  readonly projectDir?: string;
}

/** Variables that start with `TERMINAL_` but are set by other programs (JetBrains' terminal). */
const FOREIGN_ENV = ['TERMINAL_EMULATOR'];

/** Message of a plan of the example: what it is and how to configure. */
const EXAMPLE_GUARD_MESSAGE =
  'This stack was synthesized from the built-in example (host terminal.example.com, ttyd at 192.0.2.10), which is not meant for a cluster. ' +
  'Configure it first: set "terminal" in the context of cdktf.json (host, ttyd, ...; see docs/configuration.md), or TERMINAL_HOST and ' +
  'TERMINAL_TTYD_ADDRESS, then synthesize again.';

/** The cdktf context: the CLI's CDKTF_CONTEXT_JSON, or the `context` of cdktf.json when run directly. */
function readContext(env: NodeJS.ProcessEnv, projectDir: string, problems: Problems): JsonObject | undefined {
  const fromCli = env.CDKTF_CONTEXT_JSON;
  if (fromCli !== undefined && fromCli !== '') {
    const parsed = parseSource('CDKTF_CONTEXT_JSON', fromCli, problems);
    if (parsed !== undefined && !isJsonObject(parsed)) problems.add('CDKTF_CONTEXT_JSON is not a JSON object');
    return isJsonObject(parsed) ? parsed : undefined;
  }
  const file = path.join(projectDir, 'cdktf.json');
  if (!fs.existsSync(file)) return undefined;
  const parsed = parseSource('cdktf.json', fs.readFileSync(file, 'utf8'), problems);
  if (parsed === undefined) return undefined;
  if (!isJsonObject(parsed)) {
    problems.add('cdktf.json is not a JSON object');
    return undefined;
  }
  const context = parsed.context;
  if (context !== undefined && !isJsonObject(context)) problems.add('cdktf.json "context" is not an object');
  return isJsonObject(context) ? context : undefined;
}

/** Problems of a `TERMINAL_*` variable the app does not know (a typo would otherwise be ignored). */
function unknownVariables(env: NodeJS.ProcessEnv, problems: Problems): void {
  const known = [...Object.keys(CONFIG_ENV), CONFIG_JSON_ENV];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('TERMINAL_') || known.includes(name) || FOREIGN_ENV.includes(name)) continue;
    problems.add(`${name}: unknown variable; the known ones are ${known.filter((k) => k.startsWith('TERMINAL_')).join(', ')}`);
  }
}

/** The first existing folder at or above `dir`, to tell early whether `dir` can be made. */
function checkOutdir(outdir: string, problems: Problems): void {
  let dir = outdir;
  while (!fs.existsSync(dir)) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    problems.add(`output folder ${JSON.stringify(outdir)} cannot be written: ${(e as Error).message}`);
  }
}

/** A state file where the previous version kept it (inside cdktf.out, which its synth replaced). */
function checkOldState(outdir: string, stackName: string, projectDir: string, problems: Problems): void {
  const old = path.join(outdir, 'stacks', stackName, `terraform.${stackName}.tfstate`);
  if (!fs.existsSync(old)) return;
  const target = path.join(projectDir, `terraform.${stackName}.tfstate`);
  problems.add(
    `found Terraform state at ${old}, where the previous version kept it (a synth could delete it there). ` +
      `The state now lives in the project root. Move ` +
      `it${fs.existsSync(target) ? ' (a file of that name is already there: compare them first)' : ''}: ` +
      `mv ${JSON.stringify(old)} ${JSON.stringify(target)}`,
  );
}

/**
 * HCL output is refused: cdktf's HCL renderer (archived with cdktf) writes multi-line strings, such as
 * the alerts' PromQL and the dashboard's JSON, as bare strings Terraform cannot parse (`terraform fmt`
 * on this stack's `cdk.tf`: 189 errors; terraform-cdk #3911, #3529, #3531). Terraform reads the JSON
 * as it is.
 */
function checkHclOutput(env: NodeJS.ProcessEnv, problems: Problems): void {
  const hcl = env.SYNTH_HCL_OUTPUT;
  if (hcl === undefined || hcl === '' || hcl === 'false') return;
  problems.add(
    `SYNTH_HCL_OUTPUT=${JSON.stringify(hcl)}: HCL output is not offered: cdktf's HCL renderer writes this stack's multi-line ` +
      'strings (alert expressions, the dashboard) as HCL that Terraform cannot parse. Terraform reads cdk.tf.json as it is: ' +
      'unset SYNTH_HCL_OUTPUT (or drop --hcl), then run terraform in cdktf.out/stacks/<stack>/',
  );
}

/** The first lines of the HCL cdktf's renderer writes: how a `cdk.tf` of an earlier HCL synth is told from a user's file. */
const CDKTF_HCL_START = 'terraform {\nrequired_providers {\n';

/**
 * A `cdk.tf` beside the JSON makes Terraform read both (every resource twice). One an earlier HCL
 * synth wrote is removed after the synth; any other is the user's, and the synth stops.
 */
function hclLeftover(outdir: string, stackName: string, problems: Problems): string | undefined {
  const file = path.join(outdir, 'stacks', stackName, 'cdk.tf');
  if (!fs.existsSync(file)) return undefined;
  const head = Buffer.alloc(CDKTF_HCL_START.length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.toString('utf8') === CDKTF_HCL_START) return file;
  problems.add(`${file} is not one a synth wrote, and Terraform would read it beside cdk.tf.json: move it out of the stack folder`);
  return undefined;
}

/** Builds the app's constructs into a scratch folder. */
function build(config: TerminalConfig, scratch: string): { app: App; stack: TerminalStack } {
  const app = new App({ outdir: scratch, context: {} });
  const stack = new TerminalStack(app, config.stackName, config.props);
  if (config.example) {
    // A plan of the example fails: a precondition that is false, with the way out in its message.
    stack.addOverride('locals.webterminal_configured', false);
    stack.addOverride('resource.terraform_data.webterminal_example_guard', {
      lifecycle: { precondition: [{ condition: '${local.webterminal_configured}', error_message: EXAMPLE_GUARD_MESSAGE }] },
    });
  }
  const problems = app.node.findAll().flatMap((c) => c.node.validate().map((msg) => `${c.node.path}: ${msg}`));
  if (problems.length > 0) throw new ValidationError('validation', problems);
  return { app, stack };
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

/** Copies what synth wrote into `outdir`, each file replaced in one rename; nothing else is touched. */
function install(scratch: string, outdir: string): void {
  for (const file of filesUnder(scratch)) {
    const dest = path.join(outdir, file);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const partial = `${dest}.tmp-${process.pid}`;
    fs.copyFileSync(path.join(scratch, file), partial);
    fs.renameSync(partial, dest);
  }
}

/** Synthesizes into `outdir`; returns the constructs' warnings (`@cdktf/warn`), one line each. */
function synth(config: TerminalConfig, outdir: string): string[] {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-synth-'));
  try {
    const { app, stack } = build(config, scratch);
    app.synth();
    install(scratch, outdir);
    return stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => `warning: ${c.node.path}: ${String(m.data)}`));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Writes the stack's alert groups as a plain Prometheus rule file, from the same configuration as
 * the stack, so job name and interval match the probe.
 */
function writeRules(config: TerminalConfig, file: string): void {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-rules-'));
  try {
    const { stack } = build(config, scratch);
    if (stack.ruleSet === undefined) throw new ValidationError('rules', ['alerts are off in this configuration (alerts.enabled, probe.enabled)']);
    const partial = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(partial, stack.ruleSet.toYaml());
    fs.renameSync(partial, file);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs the app; never exits the process, never throws for bad input. */
export function runApp(options: AppOptions = {}): AppResult {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const projectDir = options.projectDir ?? path.join(__dirname, '..');
  const [command, ruleFile = 'webterminal.rules.yaml'] = options.argv ?? [];
  const out: string[] = [];
  const warnings: string[] = [];
  try {
    if (command !== undefined && command !== 'rules')
      throw new ValidationError('usage', [`unknown command ${JSON.stringify(command)}; run with no argument to synthesize, or "rules [file]"`]);
    const problems = new Problems('config');
    const context = readContext(env, projectDir, problems);
    unknownVariables(env, problems);
    const terminal: JsonValue | undefined = context?.terminal;
    const outdir = path.resolve(cwd, env.CDKTF_OUTDIR ?? 'cdktf.out');
    const config = loadTerminalConfig(terminal, env, problems);
    let leftover: string | undefined;
    if (command === undefined) {
      checkHclOutput(env, problems);
      checkOutdir(outdir, problems);
      checkOldState(outdir, config.stackName, projectDir, problems);
      leftover = hclLeftover(outdir, config.stackName, problems);
    }
    problems.throwIfAny();
    if (command === 'rules') {
      const file = path.resolve(cwd, ruleFile);
      writeRules(config, file);
      out.push(`wrote the alert groups of stack "${config.stackName}" to ${ruleFile}`);
    } else {
      warnings.push(...synth(config, outdir));
      if (leftover !== undefined) {
        fs.rmSync(leftover);
        out.push(`removed ${path.relative(cwd, leftover)}, the HCL an earlier synth wrote (Terraform would read it beside the JSON)`);
      }
      const where = `${path.relative(cwd, outdir) || '.'}/stacks/${config.stackName}/cdk.tf.json`;
      if (config.example) {
        out.push(
          `synthesized the BUILT-IN EXAMPLE (nothing is configured) into ${where}.`,
          'It is for trying the library, not for a cluster: a plan of it fails on purpose.',
          'To configure: set "terminal" in the context of cdktf.json (host, ttyd, ...; see docs/configuration.md), ' +
            'or TERMINAL_HOST and TERMINAL_TTYD_ADDRESS.',
        );
      } else {
        out.push(`synthesized stack "${config.stackName}" into ${where}`);
      }
    }
    return { status: 0, stdout: `${out.join('\n')}\n`, stderr: warnings.map((w) => `${w}\n`).join('') };
  } catch (e) {
    if (e instanceof ValidationError) return { status: 2, stdout: '', stderr: `${e.message}\nnothing was written.\n` };
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && typeof err.syscall === 'string') {
      return { status: 2, stdout: '', stderr: `output: ${err.syscall} ${err.path ?? ''} failed: ${err.code}\n` };
    }
    throw e;
  }
}
