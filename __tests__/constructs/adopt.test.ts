/** `adopt`: import blocks that take over the original stack's objects without recreating them. */
import { defined } from '../support/synth';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerminalStack } from '../../lib';
import { configProps } from '../support/config-props';
import { Testing } from '../../lib/private/cdktf';
import { Json, ORIGINAL, ROOT, stackOf, synthStack } from '../support/original-setup';

describe('adopt', () => {
  const config = configProps(ORIGINAL.config);

  function originalStack(): Json {
    return JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', config))) as Json;
  }

  /** What each import id should be, from the original's objects, in the provider's formats. */
  function expectedId(o: (typeof ORIGINAL.originalObjects)[number]): string {
    if (o.kind === 'Namespace') return o.name;
    if (o.kind === 'DNSRecord') return `${o.zoneId}/${o.recordId}`;
    if (o.apiVersion !== undefined) return `apiVersion=${o.apiVersion},kind=${o.kind},namespace=${o.namespace},name=${o.name}`;
    return `${o.namespace}/${o.name}`;
  }

  const RESOURCE_TYPE: Record<string, string> = {
    Namespace: 'kubernetes_namespace_v1',
    Service: 'kubernetes_service_v1',
    Endpoints: 'kubernetes_endpoints_v1',
    Ingress: 'kubernetes_ingress_v1',
    Middleware: 'kubernetes_manifest',
    CronJob: 'kubernetes_cron_job_v1',
    DNSRecord: 'cloudflare_dns_record',
  };

  test("imports every object the original has, with the provider's id format per kind, into the resource that stands for it", () => {
    const json = originalStack();
    const imports = json.import;
    expect(imports.map((i) => i.id).sort()).toStrictEqual(ORIGINAL.originalObjects.map(expectedId).sort());
    for (const object of ORIGINAL.originalObjects) {
      const block = defined(
        imports.find((i) => i.id === expectedId(object) && i.to.startsWith(`${RESOURCE_TYPE[object.kind]}.`)),
        'block',
      );
      expect({ object, block }).toStrictEqual({ object, block: expect.anything() });
      // the import target exists and is the object of that name
      const [type, id] = block.to.split('.');
      const resource = json.resource[type][id];
      const name =
        type === 'kubernetes_manifest' ? resource.manifest.metadata.name : type === 'cloudflare_dns_record' ? resource.name : resource.metadata.name;
      expect(name).toBe(object.name);
    }
  });

  test('leaves out what the original did not have: the probe script ConfigMap, the replica Service, the PrometheusRule', () => {
    const json = originalStack();
    const targets = json.import.map((i) => i.to);
    expect(targets.filter((t) => t.startsWith('kubernetes_config_map_v1.') || t.includes('Replicas') || t.includes('Alerts'))).toStrictEqual([]);
    expect(Object.keys(json.resource.kubernetes_config_map_v1).sort()).toStrictEqual(['Dashboard_9E4231ED', 'Probe_Script_129EE375']);
  });

  test("creates, never imports, what this version adds: the client-headers Middlewares and mutual TLS's ServersTransports", () => {
    const config = ORIGINAL.config as Json;
    const props = configProps({ ...config, ttyd: { ...(config.ttyd as Json), mutualTls: { clientCertSecret: 'ttyd-client' } } });
    const json = JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', props))) as Json;
    const kinds = Object.fromEntries(Object.entries(json.resource.kubernetes_manifest).map(([id, m]) => [`kubernetes_manifest.${id}`, m.manifest]));
    const added = Object.entries(kinds).filter(([, m]) => m.kind === 'ServersTransport' || m.metadata.name.endsWith('-client-headers'));
    expect(added.map(([, m]) => m.kind).sort()).toStrictEqual([
      'Middleware',
      'Middleware',
      'ServersTransport',
      'ServersTransport',
      'ServersTransport',
      'ServersTransport',
    ]);
    const targets = json.import.map((i) => i.to);
    for (const [address] of added) expect(targets).not.toContain(address);
    // what the original had is still imported
    expect(targets.filter((t) => t.startsWith('kubernetes_manifest.') && kinds[t].metadata.name.includes('-strip-'))).toHaveLength(2);
  });

  test('creates, never imports, the compress Middleware of an original route and the carve-outs’ header Middleware', () => {
    const config = ORIGINAL.config as Json;
    const routes = [
      { path: '/clipboard/', hostPort: 7683, compress: true },
      { path: '/api/sessions/', hostPort: 7684 },
      { name: 'assets', paths: ['/favicon.ico'], hostPort: 7690, auth: 'public', authReason: 'icon fetchers carry no cookies' },
    ];
    const adoptSkip = [
      'kubernetes_service_v1 terminal/terminal-assets',
      'kubernetes_endpoints_v1 terminal/terminal-assets',
      'kubernetes_ingress_v1 terminal/terminal-assets',
    ];
    const props = configProps({ ...config, createAuthMiddleware: true, routes, adoptSkip });
    const json = JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', props))) as Json;
    const names = Object.fromEntries(
      Object.entries(json.resource.kubernetes_manifest).map(([id, m]) => [`kubernetes_manifest.${id}`, m.manifest.metadata.name]),
    );
    const added = Object.entries(names).filter(([, name]) => ['terminal-compress-clipboard', 'terminal-public-headers'].includes(name));
    expect(added.map(([, name]) => name).sort()).toStrictEqual(['terminal-compress-clipboard', 'terminal-public-headers']);
    const targets = json.import.map((i) => i.to);
    for (const [address] of added) expect(targets).not.toContain(address);
    expect(targets.filter((t) => names[t]?.includes('-strip-'))).toHaveLength(2);
  });

  test('adopts DNS records only when their ids are given', () => {
    const withoutIds = configProps({ ...ORIGINAL.config, dns: { ...(ORIGINAL.config.dns as Json), recordIds: undefined } });
    const json = JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', withoutIds))) as Json;
    expect(json.import.filter((i) => i.to.startsWith('cloudflare_dns_record.'))).toStrictEqual([]);
    expect(Object.keys(json.resource.cloudflare_dns_record)).toHaveLength(2);
  });

  test('a record id for a host the stack does not have is an error', () => {
    expect(() =>
      stackOf({
        dns: {
          zoneId: '0123456789abcdef0123456789abcdef',
          mode: 'proxied',
          tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef',
          recordIds: { 'other.example.org': { CNAME: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } },
        },
      }),
    ).toThrow('terminal-stack: dns.recordIds host "other.example.org" is not one of this stack\'s hosts ("terminal.example.com")');
  });

  test('adoptSkip leaves out imports of objects the original has under another kind; an unknown id is an error', () => {
    const skip = ['kubernetes_ingress_v1 terminal/terminal-clipboard', 'kubernetes_ingress_v1 terminal/terminal-api-sessions'];
    const json = JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', { ...config, adoptSkip: skip }))) as Json;
    const imports = json.import;
    // the Services and Endpoints of those names are still adopted; only the Ingresses are left out
    const sameNames = imports.filter((i) => ['terminal/terminal-clipboard', 'terminal/terminal-api-sessions'].includes(i.id));
    expect(sameNames.map((i) => i.to.split('.')[0]).sort()).toStrictEqual([
      'kubernetes_endpoints_v1',
      'kubernetes_endpoints_v1',
      'kubernetes_service_v1',
      'kubernetes_service_v1',
    ]);
    expect(imports).toHaveLength(ORIGINAL.originalObjects.length - 2);
    expect(() => new TerminalStack(Testing.app(), 'terminal', { ...config, adoptSkip: ['kubernetes_ingress_v1 terminal/nope'] })).toThrow(
      'terminal-stack: adoptSkip "kubernetes_ingress_v1 terminal/nope" is not an import of this stack',
    );
  });

  test('without adopt there is no import block', () => {
    expect(synthStack().import).toBeUndefined();
  });

  test('synthesizes with no terraform on PATH, with the import blocks', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-adopt-'));
    try {
      const bin = path.join(tmp, 'bin');
      fs.mkdirSync(bin);
      fs.symlinkSync(process.execPath, path.join(bin, 'node'));
      const env = { ...process.env, PATH: bin, TERMINAL_CONFIG: JSON.stringify(ORIGINAL.config), CHECKPOINT_DISABLE: '1' };
      // the test's PATH really hides terraform (this machine has one in /usr/local/bin)
      expect(spawnSync('terraform', ['version'], { env }).error).toMatchObject({ code: 'ENOENT' });
      const run = (extra: Record<string, string>) =>
        spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.cjs'), 'main.ts'] /* as npm run synth */, {
          cwd: ROOT,
          env: { ...env, ...extra },
          encoding: 'utf8',
          timeout: 60_000,
        });
      const json = run({ CDKTF_OUTDIR: path.join(tmp, 'json') });
      expect(json.stderr).toBe('');
      expect(json.status).toBe(0);
      const stack = JSON.parse(fs.readFileSync(path.join(tmp, 'json', 'stacks', 'terminal', 'cdk.tf.json'), 'utf8')) as Json;
      expect(stack.import).toHaveLength(ORIGINAL.originalObjects.length);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
