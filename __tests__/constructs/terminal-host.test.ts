/**
 * The read-only mirror (one TerminalHost construct used twice), extra annotations,
 * Cloudflare DNS, ignored namespace labels, and adopting the original stack's objects.
 */
import { defined } from '../support/synth';
import type { JsonNode } from '../support/synth';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DnsRecords, TerminalHost, TerminalStack, TerminalStackProps, TtydBackend } from '../../lib';
import { configProps } from '../support/config-props';
import { Testing } from '../../lib/private/cdktf';
import { synthResources } from '../support/synth';
import { ValidationError } from '../../lib/private/validation';

const ROOT = path.resolve(__dirname, '..', '..');
const ORIGINAL = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'original-setup.json'), 'utf8')) as {
  config: Record<string, unknown>;
  originalObjects: { kind: string; apiVersion?: string; namespace?: string; name: string; zoneId?: string; recordId?: string }[];
};

/** A configuration with a mirror, annotations, DNS and ignored labels, over the built-in example. */
const MIRROR_JSON = {
  mirror: { host: 'terminal-ro.example.org', hostPort: 7682 },
  annotations: { 'gethomepage.dev/enabled': 'true', 'gethomepage.dev/name': 'Terminal' },
  dns: { provider: 'cloudflare', zoneId: '0123456789abcdef0123456789abcdef', mode: 'proxied', tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef' },
  namespaceIgnoredLabels: ['goldilocks.fairwinds.com/vpa-update-mode'],
};

function stackOf(props: Partial<TerminalStackProps> = {}): TerminalStack {
  return new TerminalStack(Testing.app(), 'terminal', { ...configProps(), ...props });
}

type Json = Record<string, JsonNode>;

function synthStack(props: Partial<TerminalStackProps> = {}): Json {
  return JSON.parse(Testing.synth(stackOf(props))) as Json;
}

function resourceKeys(json: Json): string[] {
  return Object.entries(json.resource as Json)
    .flatMap(([type, byId]) => Object.keys(byId as Json).map((id) => `${type}.${id}`))
    .sort();
}

/** The Terraform addresses of the example configuration before the mirror existed: adopt and upgrades rely on them. */
const EXAMPLE_ADDRESSES = [
  'kubernetes_config_map_v1.Dashboard_9E4231ED',
  'kubernetes_config_map_v1.Probe_Script_129EE375',
  'kubernetes_cron_job_v1.Probe_B22986FB',
  'kubernetes_endpoints_v1.Route-api-sessions_Endpoints_60028BD2',
  'kubernetes_endpoints_v1.Route-clipboard_Endpoints_F7C4E022',
  'kubernetes_endpoints_v1.Ttyd_Endpoints_D2672252',
  'kubernetes_ingress_v1.Ingress_0D3F461F',
  'kubernetes_ingress_v1.Ingress_Route-api-sessions_09502384',
  'kubernetes_ingress_v1.Ingress_Route-clipboard_8B8FF89A',
  'kubernetes_manifest.Alerts_91F83244',
  'kubernetes_manifest.Ingress_ClientHeaders_206FB72D',
  'kubernetes_manifest.Ingress_Strip-api-sessions_26916EA0',
  'kubernetes_manifest.Ingress_Strip-clipboard_DD3622E3',
  'kubernetes_namespace_v1.Namespace',
  'kubernetes_service_v1.Probe_Replicas_9CD93F0D',
  'kubernetes_service_v1.Route-api-sessions_40752B6E',
  'kubernetes_service_v1.Route-clipboard_51F6D7ED',
  'kubernetes_service_v1.Ttyd_56DB7F6D',
];

describe('TerminalHost', () => {
  test('the main host keeps every Terraform address it had before the construct existed', () => {
    expect(resourceKeys(synthStack())).toStrictEqual(EXAMPLE_ADDRESSES);
    // with the mirror and DNS the old addresses stay, and the new objects are added beside them
    const withMirror = resourceKeys(JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', configProps(MIRROR_JSON)))));
    expect(withMirror).toEqual(expect.arrayContaining(EXAMPLE_ADDRESSES));
    expect(withMirror.filter((key) => !EXAMPLE_ADDRESSES.includes(key))).toStrictEqual([
      'cloudflare_dns_record.Dns_CNAME_98B7B9C9',
      'cloudflare_dns_record.Mirror_Dns_CNAME_7038C934',
      'kubernetes_endpoints_v1.Mirror_Ttyd_Endpoints_9C5AD582',
      'kubernetes_ingress_v1.Mirror_Ingress_73512FC6',
      'kubernetes_manifest.Mirror_Ingress_ClientHeaders_96A44949',
      'kubernetes_service_v1.Mirror_Ttyd_3549065A',
    ]);
  });

  test('makes Service, Endpoints and a protected ingress for one host, on its own', () => {
    const resources = synthResources((scope) => {
      new TerminalHost(scope, 'Mirror', {
        namespace: 'terminal',
        host: 'terminal-ro.example.org',
        name: 'terminal-ro',
        tlsSecretName: 'terminal-ro-tls',
        ttyd: TtydBackend.externalHost({ address: '10.0.10.10', port: 7682 }),
      });
    });
    // kubernetes_manifest: the headers middleware that removes client-sent X-authentik-* before auth
    expect(Object.keys(resources).sort()).toStrictEqual([
      'kubernetes_endpoints_v1',
      'kubernetes_ingress_v1',
      'kubernetes_manifest',
      'kubernetes_service_v1',
    ]);
    const [ingress] = Object.values(resources.kubernetes_ingress_v1);
    expect(ingress.spec.tls).toStrictEqual([{ hosts: ['terminal-ro.example.org'], secret_name: 'terminal-ro-tls' }]);
    const [endpoints] = Object.values(resources.kubernetes_endpoints_v1);
    expect(endpoints.subset[0]).toStrictEqual({ address: [{ ip: '10.0.10.10' }], port: [{ name: 'http', port: 7682, protocol: 'TCP' }] });
  });
});

describe('TerminalStack: the read-only mirror', () => {
  const props: Partial<TerminalStackProps> = {
    host: 'terminal.example.org',
    mirror: { host: 'terminal-ro.example.org', hostPort: 7682 },
    annotations: MIRROR_JSON.annotations,
    auth: 'public',
  };

  test('gets its own Service and Endpoints on the ttyd host, and an ingress with TLS, posture and annotations like the main host', () => {
    const json = synthStack(props);
    const ingresses = Object.values(json.resource.kubernetes_ingress_v1 as Json);
    const main = defined(
      ingresses.find((i) => i.metadata.name === 'terminal'),
      'main',
    );
    const mirror = defined(
      ingresses.find((i) => i.metadata.name === 'terminal-ro'),
      'mirror',
    );
    expect(mirror.spec.rule[0].host).toBe('terminal-ro.example.org');
    expect(mirror.spec.rule[0].http.path[0].backend.service).toStrictEqual({ name: 'terminal-ro', port: { number: 80 } });
    expect(mirror.spec.tls).toStrictEqual([{ hosts: ['terminal-ro.example.org'], secret_name: 'terminal-ro-tls' }]);
    // everything but the host-specific parts is the same as on the main host
    const middlewares = 'traefik.ingress.kubernetes.io/router.middlewares';
    const { [middlewares]: mirrorChain, ...mirrorRest } = mirror.metadata.annotations as Record<string, string>;
    const { [middlewares]: mainChain, ...mainRest } = main.metadata.annotations as Record<string, string>;
    expect(mirrorRest).toStrictEqual(mainRest);
    // the same chain, with the mirror's own client-headers middleware first
    expect(mirrorChain).toBe(mainChain.replace('-terminal-client-headers@', '-terminal-ro-client-headers@'));
    expect(mirror.metadata.annotations).toMatchObject({
      'gethomepage.dev/enabled': 'true',
      'gethomepage.dev/name': 'Terminal',
      'webterminal.dev/auth-posture': 'public',
      'traefik.ingress.kubernetes.io/router.middlewares':
        '${kubernetes_namespace_v1.Namespace.metadata[0].name}-terminal-ro-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd',
    });
    const endpoints = defined(
      Object.values(json.resource.kubernetes_endpoints_v1 as Json).find((e) => e.metadata.name === 'terminal-ro'),
      'endpoints',
    );
    expect(endpoints.subset[0].address).toStrictEqual([{ ip: '192.0.2.10' }]);
    expect(endpoints.subset[0].port[0].port).toBe(7682);
  });

  test('is checked by the same probe run, not a second probe', () => {
    const stack = stackOf(props);
    expect(stack.webterminalProbe?.environment.PROBE_MIRROR_EDGE_URL).toBe('https://terminal-ro.example.org');
    expect(Object.keys(JSON.parse(Testing.synth(stack)).resource.kubernetes_cron_job_v1)).toHaveLength(1);
    expect(stackOf().webterminalProbe?.environment.PROBE_MIRROR_EDGE_URL).toBeUndefined();
  });

  test('annotations go on every ingress object, IngressRoute included, and cannot replace ours', () => {
    const json = synthStack({ ...props, ingressKind: 'IngressRoute', routes: [] });
    const routes = Object.values(json.resource.kubernetes_manifest as Json)
      .map((m) => m.manifest)
      .filter((m) => m.kind === 'IngressRoute');
    expect(routes.map((r) => r.metadata.annotations['gethomepage.dev/name'])).toStrictEqual(['Terminal', 'Terminal']);
    // Every problem, each line led by the construct's path.
    const bad = () => stackOf({ annotations: { 'webterminal.dev/auth-posture': 'none', 'bad key!': 'x' } });
    expect(bad).toThrow(
      'terminal/Default/Default/Ingress: protected-ingress: annotations key "webterminal.dev/auth-posture" is written by this library; ' +
        'it cannot be set\nterminal/Default/Default/Ingress: protected-ingress: annotations key "bad key!" is not an annotation key',
    );
  });

  test('needs ttyd on an external host', () => {
    expect(() => stackOf({ ...props, ttyd: TtydBackend.inCluster(), routes: [] })).toThrow(
      'terminal-stack: mirror.hostPort 7682 needs ttyd on an external host',
    );
  });
});

describe('TerminalStack: ignored namespace labels', () => {
  test("become lifecycle.ignore_changes on the namespace, in the provider's address syntax", () => {
    const json = synthStack({ namespaceIgnoredLabels: ['goldilocks.fairwinds.com/vpa-update-mode'] });
    expect(json.resource.kubernetes_namespace_v1.Namespace.lifecycle).toStrictEqual({
      ignore_changes: ['metadata[0].labels["goldilocks.fairwinds.com/vpa-update-mode"]'],
    });
    expect(synthStack().resource.kubernetes_namespace_v1.Namespace.lifecycle).toBeUndefined();
  });

  test('a bad key is an error naming it', () => {
    expect(() => stackOf({ namespaceIgnoredLabels: ['not a key'] })).toThrow('terminal-stack: namespaceIgnoredLabels[0]');
  });
});

describe('DnsRecords', () => {
  const zoneId = '0123456789abcdef0123456789abcdef';
  const tunnelId = '6ff42ae2-765d-4adf-8112-31c55c1551ef';

  function records(props: Partial<ConstructorParameters<typeof DnsRecords>[2]>): Json {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        new DnsRecords(scope, 'Dns', { host: 'terminal.example.org', zoneId, mode: 'proxied', tunnelId, ...props });
      }),
    ) as Json;
    return json;
  }

  test('proxied: one proxied CNAME to the tunnel, ttl 1 (automatic)', () => {
    const json = records({});
    expect(Object.values(json.resource.cloudflare_dns_record)).toStrictEqual([
      expect.objectContaining({
        zone_id: zoneId,
        name: 'terminal.example.org',
        type: 'CNAME',
        content: `${tunnelId}.cfargotunnel.com`,
        proxied: true,
        ttl: 1,
      }),
    ]);
  });

  test('non-proxied: A and AAAA to the public addresses, not proxied, with a ttl', () => {
    const json = records({ mode: 'non-proxied', tunnelId: undefined, publicIp: '203.0.113.7', publicIpv6: '2001:db8::7' });
    const made = Object.values(json.resource.cloudflare_dns_record as Json)
      .map((r) => [r.type, r.content, r.proxied, r.ttl])
      .sort();
    expect(made).toStrictEqual([
      ['A', '203.0.113.7', false, 300],
      ['AAAA', '2001:db8::7', false, 300],
    ]);
  });

  test('none: no record and no Cloudflare provider', () => {
    const json = records({ mode: 'none', tunnelId: undefined });
    expect(json.resource).toBeUndefined();
    expect(json.provider).toBeUndefined();
  });

  // That CLOUDFLARE_API_TOKEN in the environment reaches no output is the app's test (app.test.ts).
  test('the provider has no API token in the synthesized JSON: Terraform reads CLOUDFLARE_API_TOKEN when it runs', () => {
    const text = Testing.synth(stackOf({ dns: { zoneId, mode: 'proxied', tunnelId } }));
    const json = JSON.parse(text) as Json;
    expect(json.provider.cloudflare).toStrictEqual([{}]);
    expect(json.terraform.required_providers.cloudflare.source).toBe('cloudflare/cloudflare');
    expect(text).not.toContain('api_token');
  });

  test('bad settings: every problem at once, naming field and value', () => {
    expect(() => records({ zoneId: 'zone', tunnelId: 'tunnel', ttl: 300 })).toThrow(
      'dns: dns.zoneId "zone" is not a Cloudflare zone id (32 lowercase hex digits)\n' +
        'dns: dns.tunnelId "tunnel" is not a Cloudflare tunnel id (a lowercase UUID); mode "proxied" needs it\n' +
        'dns: dns.ttl 300 is not allowed for proxied records: Cloudflare requires 1 (automatic)',
    );
    expect(() => records({ mode: 'non-proxied', tunnelId: undefined })).toThrow('dns: dns.mode "non-proxied" needs publicIp and/or publicIpv6');
    expect(() => records({ mode: 'non-proxied', tunnelId: undefined, publicIp: '203.0.113.300', publicIpv6: '2001:db8::zz' })).toThrow(
      'dns: dns.publicIp "203.0.113.300" is not an IPv4 address (like 192.0.2.10)\ndns: dns.publicIpv6 "2001:db8::zz" is not an IPv6 address',
    );
  });

  test('a stack without DNS declares no Cloudflare provider', () => {
    const json = synthStack();
    expect(json.provider.cloudflare).toBeUndefined();
    expect(json.terraform.required_providers.cloudflare).toBeUndefined();
  });
});

describe('configuration: the mirror, annotations, DNS and ignored-label keys', () => {
  test('the configuration synthesizes: mirror, annotations, DNS for both hosts, ignored labels', () => {
    const stack = new TerminalStack(Testing.app(), 'terminal', configProps(MIRROR_JSON));
    const json = JSON.parse(Testing.synth(stack)) as Json;
    const dns = Object.values(json.resource.cloudflare_dns_record as Json).map((r) => [r.name, r.type, r.content, r.proxied]);
    expect(dns).toStrictEqual([
      ['terminal.example.com', 'CNAME', '6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com', true],
      ['terminal-ro.example.org', 'CNAME', '6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com', true],
    ]);
    expect(json.resource.kubernetes_namespace_v1.Namespace.lifecycle.ignore_changes).toHaveLength(1);
    expect(
      Object.values(json.resource.kubernetes_ingress_v1 as Json).every((i) => i.metadata.annotations['gethomepage.dev/enabled'] === 'true'),
    ).toBe(true);
    expect(stack.mirrorHost?.host).toBe('terminal-ro.example.org');
    expect(json.import).toBeUndefined();
  });

  test('bad values: every problem at once, with the field and the value', () => {
    const bad = {
      mirror: { host: 'ro..example.org', hostPort: 0, extra: 1 },
      annotations: { 'gethomepage.dev/enabled': true },
      dns: { provider: 'route53', zoneId: 'x', mode: 'proxied', tunnelId: 'y', recordIds: { 'terminal.example.com': { MX: 'z' } } },
      namespaceIgnoredLabels: [3],
      adopt: 'yes',
    };
    let error: unknown;
    try {
      configProps(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual(
      expect.arrayContaining([
        'mirror.extra: unknown key; did you mean "host"?',
        'mirror.host "ro..example.org" is not a valid DNS name (lowercase letters, digits and \'-\', in dot-separated labels of 1-63 characters)',
        'mirror.hostPort 0 is not an integer from 1 to 65535',
        'annotations {"gethomepage.dev/enabled":true} is not an object of names to strings ("gethomepage.dev/enabled" is true)',
        'dns.provider "route53" is not one of "cloudflare"',
        'dns.recordIds.terminal.example.com.MX: unknown key; did you mean "A"?',
        'namespaceIgnoredLabels[0] 3 is not a string',
        'adopt "yes" is not true or false',
      ]),
    );
  });

  test('dns needs a mode and a provider: a missing setting is an error', () => {
    expect(() => configProps({ dns: { zoneId: '0123456789abcdef0123456789abcdef' } })).toThrow(
      'config: dns.provider is required\nconfig: dns.mode is required',
    );
  });

  test('bad DNS values are named with the value', () => {
    expect(() =>
      configProps({
        dns: { provider: 'cloudflare', zoneId: 'x', mode: 'proxied', tunnelId: 'y', recordIds: { 'terminal.example.com': { CNAME: 'z' } } },
      }),
    ).toThrow(
      [
        'config: dns.zoneId "x" is not a Cloudflare zone id (32 lowercase hex digits)',
        'config: dns.tunnelId "y" is not a Cloudflare tunnel id (a lowercase UUID); mode "proxied" needs it',
        'config: dns.recordIds.terminal.example.com.CNAME "z" is not a Cloudflare record id (32 lowercase hex digits)',
      ].join('\n'),
    );
  });
});

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
