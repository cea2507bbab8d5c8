import * as os from 'os';
/** What a user of the library reads before using it: help, LICENSE, CHANGELOG, the README's examples. */
import type { JsonNode } from '../support/synth';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TerminalStack } from '../../lib';
import { configProps } from '../support/config-props';
import { Testing } from '../../lib/private/cdktf';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { license: string; scripts: Record<string, string>; files: string[]; version: string };

describe('help', () => {
  const help = read('help');

  test('every npm script it names exists', () => {
    const named = [...help.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const script of named) expect({ script, exists: script in pkg.scripts }).toStrictEqual({ script, exists: true });
  });

  test('lists no cdktf command that does nothing for this stack', () => {
    // the stack declares no outputs, so `cdktf output` would print nothing
    const stack = JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', configProps({})))) as { output?: unknown };
    expect(stack.output).toBeUndefined();
    expect(help).not.toMatch(/cdktf output/);
    const commands = [...help.matchAll(/npx cdktf ([a-z]+)/g)].map((m) => m[1]);
    expect([...new Set(commands)].sort()).toStrictEqual(['deploy', 'destroy', 'diff', 'synth']);
  });
});

describe('licence and changes', () => {
  test('LICENSE is the full MPL-2.0 text that package.json names', () => {
    expect(pkg.license).toBe('MPL-2.0');
    const license = read('LICENSE');
    expect(license.startsWith('Mozilla Public License, version 2.0\n')).toBe(true);
    // the same text as the MPL-2.0 that @cdktf/provider-kubernetes ships, after its copyright line
    const shipped = fs.readFileSync(require.resolve('@cdktf/provider-kubernetes/LICENSE'), 'utf8');
    expect(shipped.endsWith(license)).toBe(true);
    expect(license).toContain('Exhibit B - “Incompatible With Secondary Licenses” Notice');
  });

  test('CHANGELOG.md is shipped and names the released version', () => {
    expect(pkg.files).toContain('CHANGELOG.md');
    expect(read('CHANGELOG.md')).toContain(`## ${pkg.version}`);
  });
});

describe('the synthesized stack', () => {
  test("no string would be read as a Terraform template, except cdktf's own references", () => {
    // the original setup (probe script, rules with runbook steps, mirror, DNS, imports): every `${`
    // Terraform sees must be a reference cdktf wrote, every other one escaped (`$${`, `%%{`)
    const config = JSON.parse(read('__tests__/fixtures/original-setup.json')).config;
    const text = Testing.synth(new TerminalStack(Testing.app(), 'terminal', configProps(config)));
    const templates = [...text.matchAll(/(?<![$%])[$%]\{[^}]*\}?/g)].map((m) => m[0]);
    expect(templates.length).toBeGreaterThan(0);
    const references = /^\$\{(kubernetes|cloudflare)_[a-z0-9_]+\.[A-Za-z0-9_-]+(\.[a-z_]+|\[\d+\])+\}$/;
    expect(templates.filter((t) => !references.test(t))).toStrictEqual([]);
  });
});

describe('README', () => {
  test("the front page's cdktf.json synthesizes as written", () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('\n## The app in a few lines of `cdktf.json`\n'));
    const block = section.match(/```json\n([\s\S]*?)\n```/);
    expect(block).not.toBeNull();
    const cdktf = JSON.parse((block as RegExpMatchArray)[1]) as { app: string; context: { terminal: Record<string, unknown> } };
    expect(cdktf.app).toBe((JSON.parse(read('cdktf.json')) as { app: string }).app);
    const stack = new TerminalStack(Testing.app(), 'terminal', configProps(cdktf.context.terminal, { overExample: false }));
    expect(stack.node.findAll().length).toBeGreaterThan(0);
    expect(JSON.parse(Testing.synth(stack)).resource.kubernetes_ingress_v1).toBeDefined();
  });

  test('the original-setup example of docs/configuration.md synthesizes as written, mirror and DNS included', () => {
    const readme = read('docs/configuration.md');
    const at = readme.indexOf('An example for the original setup');
    expect(at).toBeGreaterThan(0);
    const block = readme.slice(at).match(/```json\n([\s\S]*?)\n```/);
    expect(block).not.toBeNull();
    const context = (JSON.parse((block as RegExpMatchArray)[1]) as { context: { terminal: Record<string, unknown> } }).context.terminal;
    const stack = new TerminalStack(Testing.app(), 'terminal', configProps(context, { overExample: false }));
    const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, JsonNode>> };
    expect(stack.mirrorHost?.host).toBe('terminal-ro.example.org');
    expect(
      Object.values(json.resource.cloudflare_dns_record)
        .map((r) => r.name)
        .sort(),
    ).toStrictEqual(['terminal-ro.example.org', 'terminal.example.org']);
  });

  test('SYNTH_HCL_OUTPUT=true is refused, with the way out, and nothing is written', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-hcl-'));
    try {
      const run = synthInto(out, { SYNTH_HCL_OUTPUT: 'true' });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('SYNTH_HCL_OUTPUT="true": HCL output is not offered');
      expect(run.stderr).toContain('Terraform reads cdk.tf.json as it is');
      expect(fs.existsSync(path.join(out, 'cdktf.out'))).toBe(false);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test("a JSON synth removes the cdk.tf an earlier HCL synth wrote, and stops at a cdk.tf that is the user's", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-hcl-'));
    try {
      const stackDir = path.join(out, 'cdktf.out', 'stacks', 'terminal');
      fs.mkdirSync(stackDir, { recursive: true });
      // what cdktf 0.21's HCL renderer writes first
      fs.writeFileSync(path.join(stackDir, 'cdk.tf'), 'terraform {\nrequired_providers {\n  kubernetes = {\n');
      const first = synthInto(out, {});
      expect(first.status).toBe(0);
      expect(first.stdout).toContain('removed cdktf.out/stacks/terminal/cdk.tf, the HCL an earlier synth wrote');
      expect(fs.readdirSync(stackDir)).toStrictEqual(['cdk.tf.json']);

      fs.writeFileSync(path.join(stackDir, 'cdk.tf'), 'output "mine" {\n  value = 1\n}\n');
      const json = fs.readFileSync(path.join(stackDir, 'cdk.tf.json'));
      fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), 'stale');
      const second = synthInto(out, {});
      expect(second.status).toBe(2);
      expect(second.stderr).toContain(`${path.join(stackDir, 'cdk.tf')} is not one a synth wrote`);
      expect(fs.readFileSync(path.join(stackDir, 'cdk.tf'), 'utf8')).toContain('output "mine"');
      expect(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')).toBe('stale'); // nothing written
      expect(json.length).toBeGreaterThan(0);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

/** `npm run synth` into `<dir>/cdktf.out`, run from `dir` so messages name paths relative to it. */
function synthInto(dir: string, env: Record<string, string>) {
  return spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.cjs'), path.join(ROOT, 'main.ts')] /* as npm run synth */, {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CDKTF_OUTDIR: path.join(dir, 'cdktf.out'), ...env },
  });
}
