import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from './lib/cdktf';
import { TerminalConfig, ValidationError, loadTerminalConfig, terminalStackProps, TerminalStack } from './lib';

/**
 * The app: synthesizes the terminal stack from the built-in example, `cdktf.json` context (key
 * `terminal`) and the environment. Run directly (`npm run synth`) or by the cdktf CLI.
 *
 * Nothing is written unless the whole app is valid: the configuration is checked before the App
 * exists (its constructor already creates the output folder), construct validations run before
 * synthesis (cdktf runs them only after writing), and the output is synthesized into a scratch
 * folder that replaces the old one in one rename.
 */

/** Context the CLI passes in CDKTF_CONTEXT_JSON; when run directly, the `context` of cdktf.json. */
function readContext(): Record<string, unknown> {
  const fromCli = process.env.CDKTF_CONTEXT_JSON;
  if (fromCli) return JSON.parse(fromCli) as Record<string, unknown>;
  const file = path.join(__dirname, 'cdktf.json');
  if (!fs.existsSync(file)) return {};
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
  return json.context ?? {};
}

/** Builds the app's constructs into `outdir`. */
function build(config: TerminalConfig, context: Record<string, unknown>, outdir: string): App {
  const app = new App({ context, outdir });
  new TerminalStack(app, config.stackName, terminalStackProps(config));
  return app;
}

/** Throws every construct validation problem before anything is written. */
function validate(app: App): void {
  const problems = app.node.findAll().flatMap((c) => c.node.validate().map((msg) => `${c.node.path}: ${msg}`));
  if (problems.length > 0) throw new ValidationError('validation', problems);
}

/** Synthesizes into a scratch folder beside `outdir`, then swaps it in. */
function synthAtomically(config: TerminalConfig, context: Record<string, unknown>): string {
  const outdir = path.resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  const scratch = `${outdir}.tmp-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  try {
    const app = build(config, context, scratch);
    validate(app);
    app.synth();
    const old = `${outdir}.old-${process.pid}`;
    if (fs.existsSync(outdir)) fs.renameSync(outdir, old);
    fs.renameSync(scratch, outdir);
    fs.rmSync(old, { recursive: true, force: true });
    return outdir;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Writes the stack's alert groups as a plain Prometheus rule file (for `serverFiles` of the
 * prometheus-community chart, or any Prometheus that loads rule files), from the same
 * configuration as the stack, so job name and interval match the probe.
 */
function writeRules(config: TerminalConfig, context: Record<string, unknown>, file: string): void {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-rules-'));
  try {
    const stack = build(config, context, scratch).node.findChild(config.stackName) as TerminalStack;
    if (stack.alerts === undefined) throw new ValidationError('rules', ['alerts are off in this configuration (alerts.enabled, probe.enabled)']);
    const partial = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(partial, stack.alerts.toYaml());
    fs.renameSync(partial, file);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function main(): void {
  const context = readContext();
  const [command, file = 'webterminal.rules.yaml'] = process.argv.slice(2);
  try {
    const config = loadTerminalConfig(context.terminal ?? {}, process.env);
    if (command === 'rules') {
      writeRules(config, context, file);
      console.log(`wrote the alert groups of stack "${config.stackName}" to ${file}`);
      return;
    }
    const outdir = synthAtomically(config, context);
    // cdktf writes HCL (`cdk.tf`) instead of JSON when SYNTH_HCL_OUTPUT=true: name the file it wrote.
    const written = process.env.SYNTH_HCL_OUTPUT === 'true' ? 'cdk.tf' : 'cdk.tf.json';
    console.log(`synthesized stack "${config.stackName}" into ${path.relative(process.cwd(), outdir) || '.'}/stacks/${config.stackName}/${written}`);
  } catch (e) {
    if (e instanceof ValidationError) {
      console.error(`${e.message}\nnothing was written.`);
      process.exit(2);
    }
    throw e;
  }
}

main();
