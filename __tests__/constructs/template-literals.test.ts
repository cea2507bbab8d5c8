/**
 * Terraform evaluates `${...}` and `%{...}` in every string of a JSON configuration. Free text from a
 * user must reach Terraform escaped (`$${`, `%%{`), so a plan writes it as given and never runs it
 * (`${file("/etc/hostname")}` would read the deploy machine's file into the cluster object). This walks
 * every string of the synthesized JSON for several configurations, with a marker in every free-text
 * setting, and allows only the references the library means.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerminalStack, type TerminalStackProps, TtydBackend } from '../../lib';
import { ConfigMapV1, TerraformStack, Testing } from '../../lib/private/cdktf';
import { treeProblems } from '../../lib/private/tree-checks';
import { EXAMPLE_PROPS } from '../support/example-props';
import { defined, type JsonNode as Json, terraformLiteral } from '../support/synth';
import { tools } from '../support/tools';

const MARK = '${file("/etc/hostname")}';
const DIRECTIVE = '%{ if true }x%{ endif }';
/** In a URL's host, where a slash cannot go: Terraform's working directory. */
const HOST_MARK = '${path.cwd}';
/** References the library writes on purpose: another resource's attribute, a local. */
const REFERENCE = /\$\{(?:kubernetes_[a-z0-9_]+|cloudflare_[a-z0-9_]+|terraform_data)\.[A-Za-z0-9_-]+(?:\.[a-z_]+|\[\d+\])*\}|\$\{local\.[a-z_]+\}/g;

function strings(node: unknown, path: string, out: [string, string][]): [string, string][] {
  if (typeof node === 'string') out.push([path, node]);
  else if (Array.isArray(node)) node.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (typeof node === 'object' && node !== null) for (const [k, v] of Object.entries(node)) strings(v, `${path}.${k}`, out);
  return out;
}

/** Every string that Terraform would read as a template, other than the library's own references. */
function templatesIn(props: Partial<TerminalStackProps>): string[] {
  const json: unknown = JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, ...props })));
  return strings(json, '', []).flatMap(([path, text]) => {
    try {
      terraformLiteral(text.replace(REFERENCE, ''));
      return [];
    } catch {
      return [`${path}: ${text.slice(0, 120)}`];
    }
  });
}

const marked = (what: string) => `${what} ${MARK} ${DIRECTIVE}`;

describe('free text reaches Terraform as a literal', () => {
  test.each<[string, Partial<TerminalStackProps>]>([
    ['annotations', { annotations: { 'gethomepage.dev/description': marked('a') } }],
    ['authReason', { auth: 'public', authReason: marked('reason') }],
    ['kubeConfigPath', { kubeConfigPath: `/home/${MARK}/config` }],
    ['kubeContext', { kubeContext: marked('ctx') }],
    ['authOutpostUrl', { createAuthMiddleware: true, authOutpostUrl: `http://outpost.example/${MARK}` }],
    ['the Pushgateway URL', { probe: { createReplicaService: true, pushgatewayUrl: `http://pg${HOST_MARK}.example:9091/` } }],
    ['authOutpostUrl in the host', { createAuthMiddleware: true, authOutpostUrl: `http://outpost${HOST_MARK}.example:9000/` }],
    ['alert labels and the runbook URL', { alerts: { alertLabels: { team: 'a' }, runbookBaseUrl: `https://runbooks.example/${MARK}/` } }],
    ['the mirror and sibling routes', { mirror: { host: 'terminal-ro.example.com', hostPort: 7682 }, annotations: { 'x.example/y': marked('m') } }],
    ['an in-cluster ttyd', { ttyd: TtydBackend.inCluster(), routes: [], annotations: { 'x.example/y': marked('m') } }],
  ])('%s', (_what, props) => {
    expect(templatesIn(props)).toStrictEqual([]);
  });

  test('real Terraform reads the escaped strings as the literal text, and runs nothing', () => {
    const json = JSON.parse(
      Testing.synth(
        new TerminalStack(Testing.app(), 'terminal', {
          ...EXAMPLE_PROPS,
          annotations: { 'x.example/y': marked('m') },
          kubeContext: marked('ctx'),
          probe: { createReplicaService: true, pushgatewayUrl: `http://pg${HOST_MARK}.example:9091/` },
        }),
      ),
    ) as Json;
    const ingress = Object.values(json.resource.kubernetes_ingress_v1)[0];
    const [cronJob] = Object.values(json.resource.kubernetes_cron_job_v1);
    const env = cronJob.spec.job_template.spec.template.spec.container[0].env.find((e) => e.name === 'PROBE_PUSHGATEWAY_URL');
    const given = {
      annotation: ingress.metadata.annotations['x.example/y'],
      context: json.provider.kubernetes[0].config_context,
      pushgateway: defined(env, 'PROBE_PUSHGATEWAY_URL').value,
    };
    // A configuration of outputs only: no provider to download, so real Terraform can apply it here.
    const dir = mkdtempSync(join(tmpdir(), 'literals-'));
    writeFileSync(
      join(dir, 'main.tf.json'),
      JSON.stringify({ output: Object.fromEntries(Object.entries(given).map(([k, v]) => [k, { value: v }])) }),
    );
    const tf = (...args: string[]) =>
      execFileSync(tools().terraform.path, args, {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, TF_CLI_CONFIG_FILE: '', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
      });
    tf('init', '-input=false');
    tf('apply', '-auto-approve', '-input=false');
    const outputs = JSON.parse(tf('output', '-json')) as Record<string, { value: string }>;
    expect(outputs.annotation.value).toBe(marked('m'));
    expect(outputs.context.value).toBe(marked('ctx'));
    expect(outputs.pushgateway.value).toBe(`http://pg${HOST_MARK}.example:9091/`);
  });

  test('the walk finds an unescaped template (it can fail)', () => {
    expect(() => terraformLiteral(MARK)).toThrow('Terraform would read a template');
    expect(strings({ a: [{ b: MARK }] }, '', [])).toStrictEqual([['.a[0].b', MARK]]);
  });
});

describe("the tree check catches a site that forgot to escape (any construct's, not only those tested above)", () => {
  const problemsOf = (data: Record<string, string>): string[] => {
    const stack = new TerraformStack(Testing.app(), 'scratch');
    new ConfigMapV1(stack, 'Unescaped', { metadata: { name: 'x', namespace: 'y' }, data });
    return treeProblems(stack, stack, [], []);
  };

  test('unescaped free text is a problem naming the resource and the field; escaped text and references are not', () => {
    expect(problemsOf({ note: `a ${MARK}` })).toStrictEqual([
      "scratch/Unescaped: data.note holds a Terraform template that is not the library's own reference; escape the text ($${, %%{)",
    ]);
    expect(problemsOf({ note: `a ${DIRECTIVE}` })).toHaveLength(1);
    expect(problemsOf({ note: 'a $${file("x")} %%{ if true }' })).toStrictEqual([]);
    expect(problemsOf({ ns: '${kubernetes_namespace_v1.Namespace.metadata[0].name}', l: '${local.webterminal_configured}' })).toStrictEqual([]);
  });
});
