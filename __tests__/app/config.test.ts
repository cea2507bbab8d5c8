import { defined, type JsonNode } from '../support/synth';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runApp } from '../../app/app';
import { filesUnder } from '../support/processes';
import { configProps } from '../support/config-props';
import { ValidationError } from '../../lib/private/validation';

/**
 * The app's configuration, run in process through the same function `main.ts` calls: every bad
 * input exits 2, names the field, writes nothing and prints no stack trace; good input synthesizes.
 */

const VALID = { host: 'terminal.lab.example.org', ttyd: { mode: 'external', address: '10.0.10.10' } };
const IN_CLUSTER = { host: 'terminal.lab.example.org', ttyd: { mode: 'in-cluster' } };

interface Case {
  /** What is wrong. */
  readonly name: string;
  /** The `terminal` context value (merged over VALID unless `bare`), or cdktf.json text. */
  readonly terminal?: unknown;
  readonly bare?: boolean;
  readonly cdktfJson?: string;
  readonly env?: Record<string, string>;
  /** Text the error must contain: the field, and usually the value as given. */
  readonly expect: string;
  /** Set up the output folder before the run (relative to the case's folder). */
  readonly outdir?: (dir: string) => string;
}

function withValid(terminal: Record<string, unknown>): Record<string, unknown> {
  return { ...VALID, ...terminal };
}

const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
const longPath = `/${'p'.repeat(298)}/`;

const CASES: Case[] = [
  // Malformed sources
  { name: 'malformed cdktf.json', cdktfJson: '{"context": {', expect: 'cdktf.json is not valid JSON: expected a "quoted" key at line 1' },
  { name: 'cdktf.json context that is a list', cdktfJson: '{"context": []}', expect: 'cdktf.json "context" is not an object' },
  {
    name: 'cdktf.json nested 60,000 deep',
    cdktfJson: `{"context": {"terminal": ${deep(60000)}}}`,
    expect: 'cdktf.json is not valid JSON: nested deeper than 32 levels',
  },
  {
    name: 'malformed CDKTF_CONTEXT_JSON',
    env: { CDKTF_CONTEXT_JSON: '{"terminal": {host: 1}}' },
    expect: 'CDKTF_CONTEXT_JSON is not valid JSON: expected a "quoted" key',
  },
  { name: 'CDKTF_CONTEXT_JSON that is a list', env: { CDKTF_CONTEXT_JSON: '[]' }, expect: 'CDKTF_CONTEXT_JSON is not a JSON object' },
  { name: 'malformed TERMINAL_CONFIG', env: { TERMINAL_CONFIG: '{host:' }, expect: 'TERMINAL_CONFIG is not valid JSON' },
  { name: 'TERMINAL_CONFIG that is a list', env: { TERMINAL_CONFIG: '[1]' }, expect: 'TERMINAL_CONFIG [1] is not a JSON object' },
  {
    name: 'TERMINAL_CONFIG nested 60,000 deep',
    env: { TERMINAL_CONFIG: deep(60000) },
    expect: 'TERMINAL_CONFIG is not valid JSON: nested deeper than 32 levels',
  },
  {
    name: 'a key given twice in TERMINAL_CONFIG',
    env: { TERMINAL_CONFIG: '{"host": "a.example.org", "host": "b.example.org"}' },
    expect: 'TERMINAL_CONFIG is not valid JSON: key "host" given twice',
  },
  {
    name: 'trailing text after the JSON',
    env: { TERMINAL_CONFIG: '{} x' },
    expect: 'TERMINAL_CONFIG is not valid JSON: unexpected "x" after the value',
  },
  {
    name: 'a terminal context that is not an object',
    terminal: 'terminal.example.org',
    bare: true,
    expect: 'terminal "terminal.example.org" (the cdktf context key) is not an object',
  },
  {
    name: 'an output folder under a file',
    terminal: {},
    outdir: (dir) => {
      fs.writeFileSync(path.join(dir, 'file'), '');
      return path.join(dir, 'file', 'cdktf.out');
    },
    expect: 'output folder',
  },
  { name: 'an unknown command', terminal: {}, env: { ARGV: 'synthesize' }, expect: 'usage: unknown command "synthesize"' },
  // Unknown keys, at every level
  { name: 'a misspelt top-level key', terminal: { hots: 'x' }, expect: 'config: hots: unknown key; did you mean "host"?' },
  {
    name: 'a key of another level (an alerts key at the top)',
    terminal: { restartGuardSelector: 'job="x"' },
    expect: 'restartGuardSelector: unknown key; did you mean "alerts.restartGuardSelector"?',
  },
  {
    name: 'a probe key inside ttyd',
    terminal: { ttyd: { schedule: '*/5 * * * *' } },
    expect: 'ttyd.schedule: unknown key; did you mean "probe.schedule"?',
  },
  { name: '__proto__', terminal: '{"__proto__": {"host": "x"}}', expect: 'config: __proto__: unknown key' },
  { name: 'constructor', terminal: { constructor: 1 }, expect: 'config: constructor: unknown key' },
  { name: 'prototype', terminal: { prototype: {} }, expect: 'config: prototype: unknown key' },
  {
    name: 'a misspelt ttyd key',
    terminal: { ttyd: { mode: 'external', adress: '10.0.10.10' } },
    expect: 'ttyd.adress: unknown key; did you mean "address"?',
  },
  { name: 'a misspelt probe key', terminal: { probe: { schedul: '*/5 * * * *' } }, expect: 'probe.schedul: unknown key; did you mean "schedule"?' },
  {
    name: 'a key in the wrong case',
    terminal: { alerts: { runbookBaseURL: 'https://runbooks.example.org/' } },
    expect: 'alerts.runbookBaseURL: unknown key; did you mean "runbookBaseUrl"?',
  },
  {
    name: 'a misspelt route key',
    terminal: { routes: [{ path: '/a/', hostport: 7683 }] },
    expect: 'routes[0].hostport: unknown key; did you mean "hostPort"?',
  },
  {
    name: 'a misspelt Secret key',
    terminal: { probe: { pushgatewayCredentialsSecret: { name: 'pg', user: 'x' } } },
    expect: 'probe.pushgatewayCredentialsSecret.user: unknown key',
  },
  {
    name: 'a misspelt middleware key',
    terminal: { authMiddleware: { namespce: 'traefik' } },
    expect: 'authMiddleware.namespce: unknown key; did you mean "namespace"?',
  },
  {
    name: 'an unknown key in TERMINAL_CONFIG',
    env: { TERMINAL_HOST: 'a.example.org', TERMINAL_TTYD_ADDRESS: '10.0.10.10', TERMINAL_CONFIG: '{"probe": {"enabeld": false}}' },
    expect: 'probe.enabeld: unknown key; did you mean "enabled"?',
  },
  { name: 'an unknown TERMINAL_ variable', terminal: {}, env: { TERMINAL_HOTS: 'x' }, expect: 'TERMINAL_HOTS: unknown variable' },
  {
    name: 'a misspelt traefik key',
    terminal: { traefik: { namespce: 'kube-system' } },
    expect: 'traefik.namespce: unknown key; did you mean "namespace"?',
  },
  { name: 'a Traefik port that is not a port', terminal: { traefik: { websecurePort: 0 } }, expect: 'traefik.websecurePort 0' },
  {
    name: 'mutual TLS with an in-cluster ttyd',
    terminal: { ttyd: { mode: 'in-cluster', mutualTls: { clientCertSecret: 'c' } } },
    expect: 'ttyd.mutualTls {"clientCertSecret":"c"} needs ttyd.mode "external" (it is "in-cluster")',
  },
  { name: 'an unknown remediation mode', terminal: { probe: { remediation: { mode: 'yes' } } }, expect: 'probe.remediation.mode "yes"' },
  {
    name: 'remediation runs that are not a number',
    terminal: { probe: { remediation: { afterRuns: 'three' } } },
    expect: 'probe.remediation.afterRuns "three"',
  },
  { name: 'a misspelt remediation key', terminal: { probe: { remediation: { evictAll: true } } }, expect: 'probe.remediation.evictAll: unknown key' },
  // Required once anything is configured
  { name: 'no host', terminal: { ttyd: { address: '10.0.10.10' } }, bare: true, expect: 'host is not set' },
  { name: 'no ttyd', terminal: { host: 'a.example.org' }, bare: true, expect: 'ttyd is not set' },
  {
    name: 'an external ttyd without address',
    terminal: { host: 'a.example.org', ttyd: { port: 7681 } },
    bare: true,
    expect: 'ttyd.address is not set',
  },
  { name: 'only a namespace from the environment', env: { TERMINAL_NAMESPACE: 'shell' }, expect: 'host is not set' },
  // Values as given
  {
    name: 'a negative port from the environment',
    terminal: {},
    env: { TERMINAL_TTYD_PORT: '-1' },
    expect: 'ttyd.port -1 is not an integer from 1 to 65535',
  },
  {
    name: 'a huge port from the environment',
    terminal: {},
    env: { TERMINAL_TTYD_PORT: '99999999999999999999999' },
    expect: 'ttyd.port 99999999999999999999999 is not',
  },
  { name: 'a port that is a word', terminal: {}, env: { TERMINAL_TTYD_PORT: 'http' }, expect: 'ttyd.port "http" is not a number' },
  { name: 'a fractional port', terminal: {}, env: { TERMINAL_TTYD_PORT: '7681.5' }, expect: 'ttyd.port 7681.5 is not' },
  {
    name: 'a port in exponent form',
    terminal: '{"host": "a.example.org", "ttyd": {"address": "10.0.10.10", "port": 7.681e3}}',
    expect: 'ttyd.port 7.681e3 is not an integer',
  },
  { name: 'a port as a string', terminal: { ttyd: { address: '10.0.10.10', port: '7681' } }, expect: 'ttyd.port "7681" is not a number' },
  { name: 'zero samples', terminal: { probe: { samples: 0 } }, expect: 'probe.samples 0 is not an integer from 1 to 100' },
  {
    name: 'samples beyond a double',
    terminal: '{"host": "a.example.org", "ttyd": {"address": "10.0.10.10"}, "probe": {"samples": 1.0E+400}}',
    expect: 'probe.samples 1.0E+400 is not',
  },
  { name: 'a timeout of zero', terminal: { probe: { timeoutSeconds: 0 } }, expect: 'probe.timeoutSeconds 0 is not' },
  { name: 'a boolean as a word', terminal: { probe: { enabled: 'yes' } }, expect: 'probe.enabled "yes" is not true or false' },
  { name: 'routes that are not a list', terminal: { routes: {} }, expect: 'routes {} is not a list' },
  { name: 'a route that is not an object', terminal: { routes: ['/a/'] }, expect: 'routes[0]' },
  { name: 'a label value that is a number', terminal: { namespaceLabels: { team: 1 } }, expect: 'namespaceLabels' },
  { name: 'a bad label key', terminal: { namespaceLabels: { 'bad key': 'x' } }, expect: 'namespaceLabels key "bad key"' },
  { name: 'an unknown ingress kind', terminal: { ingressKind: 'Ingres' }, expect: 'ingressKind "Ingres" is not one of "Ingress", "IngressRoute"' },
  { name: 'an unknown auth posture', terminal: {}, env: { TERMINAL_AUTH: 'maybe' }, expect: 'auth "maybe" is not one of' },
  { name: 'an unknown state backend', terminal: {}, env: { TERMINAL_STATE_BACKEND: 's3' }, expect: 'stateBackend "s3" is not one of "local", "pg"' },
  { name: 'auth none without a reason', terminal: { auth: 'none' }, expect: 'auth "none" is refused for a shell host' },
  {
    name: 'a reason with a control character',
    terminal: { auth: 'app', authReason: 'ttyd\u0007' },
    expect: 'authReason "ttyd\\u0007" is not free of control characters',
  },
  {
    name: 'an unknown parity source',
    terminal: { alerts: { paritySource: 'traefik-v4' } },
    expect: 'alerts.paritySource "traefik-v4" is not one of',
  },
  { name: 'a pg schema with the local backend', terminal: { pgSchemaName: 'terminal' }, expect: 'pgSchemaName needs stateBackend "pg"' },
  // Names
  { name: 'a stack name in upper case', terminal: { stackName: 'Terminal' }, expect: 'stackName "Terminal" is not a DNS-1123 label' },
  { name: 'a TLS Secret name with a space', terminal: { tlsSecretName: 'TLS secret' }, expect: 'tlsSecretName "TLS secret"' },
  { name: 'a TLS Secret name over 253 characters', terminal: { tlsSecretName: 'a'.repeat(254) }, expect: 'tlsSecretName "aaaa' },
  {
    name: 'a namespace over 63 characters',
    terminal: { namespace: 'n'.repeat(64) },
    expect: `namespace "${'n'.repeat(64)}" is not a DNS-1123 label`,
  },
  { name: 'namespace default', terminal: { namespace: 'default' }, expect: 'namespace "default" belongs to the cluster' },
  {
    name: 'namespace kube-system',
    terminal: {},
    env: { TERMINAL_NAMESPACE: 'kube-system' },
    expect: 'namespace "kube-system" belongs to the cluster',
  },
  { name: 'namespace kube-public', terminal: { namespace: 'kube-public' }, expect: 'namespace "kube-public" belongs to the cluster' },
  { name: 'namespace kube-node-lease', terminal: { namespace: 'kube-node-lease' }, expect: 'namespace "kube-node-lease" belongs to the cluster' },
  { name: 'an alerts namespace in upper case', terminal: { alerts: { namespace: 'Monitoring' } }, expect: 'alerts.namespace "Monitoring"' },
  // Routes
  {
    name: 'routes that differ in case',
    terminal: {
      routes: [
        { path: '/A/', hostPort: 7683 },
        { path: '/a/', hostPort: 7684 },
      ],
    },
    expect: 'routes[1].path "/a/" makes the same object names as "/A/"',
  },
  {
    name: 'routes that differ in punctuation',
    terminal: {
      routes: [
        { path: '/a.b/', hostPort: 7683 },
        { path: '/a-b/', hostPort: 7684 },
      ],
    },
    expect: 'routes[1].path "/a-b/" makes the same object names as "/a.b/"',
  },
  { name: 'a route /./', terminal: { routes: [{ path: '/./', hostPort: 7683 }] }, expect: 'routes[0].path "/./" has a "." or ".." segment' },
  { name: 'a route /../', terminal: { routes: [{ path: '/../', hostPort: 7683 }] }, expect: 'routes[0].path "/../" has a "." or ".." segment' },
  { name: 'a 300-character route path', terminal: { routes: [{ path: longPath, hostPort: 7683 }] }, expect: 'routes[0].path "/ppp' },
  {
    name: 'a route given twice',
    terminal: {
      routes: [
        { path: '/a/', hostPort: 7683 },
        { path: '/a/', hostPort: 7684 },
      ],
    },
    expect: 'routes[1].path "/a/" is given twice',
  },
  { name: 'a route on /', terminal: { routes: [{ path: '/', hostPort: 7683 }] }, expect: 'routes[0].path "/" is the main route' },
  {
    name: 'a route without trailing slash',
    terminal: { routes: [{ path: '/clipboard', hostPort: 7683 }] },
    expect: 'routes[0].path "/clipboard" is not a path prefix',
  },
  {
    name: 'a route with hostPort and service',
    terminal: { routes: [{ path: '/a/', hostPort: 1, service: { name: 'a', port: 80 } }] },
    expect: 'routes[0] needs exactly one of hostPort',
  },
  { name: 'a route with neither', terminal: { routes: [{ path: '/a/' }] }, expect: 'routes[0] needs exactly one of hostPort' },
  {
    name: 'a route Service without port',
    terminal: { routes: [{ path: '/a/', service: { name: 'a' } }] },
    expect: 'routes[0].service.port is required',
  },
  {
    name: 'a route with the 0.1.0 key serviceName',
    terminal: { routes: [{ path: '/a/', serviceName: 'a', servicePort: 80 }] },
    expect: 'routes[0].serviceName was renamed in 0.2.0: use routes[0].service.name',
  },
  { name: 'a 0.2.0 props key in the configuration', terminal: { enableProbe: false }, expect: 'enableProbe was renamed in 0.2.0: use probe.enabled' },
  {
    name: 'the 0.1 list of middlewares',
    terminal: { middlewares: [{ namespace: 'traefik', name: 'headers' }] },
    expect: 'middlewares[] was renamed in 0.2.0: use middlewares.afterAuth',
  },
  {
    name: 'a public carve-out without a reason',
    terminal: { routes: [{ name: 'assets', paths: ['/favicon.ico'], hostPort: 7690, auth: 'public' }] },
    expect: 'routes[0].auth "public" turns Authentik off',
  },
  {
    name: 'a route posture that does not exist',
    terminal: { routes: [{ name: 'assets', paths: ['/favicon.ico'], hostPort: 7690, auth: 'none' }] },
    expect: 'routes[0].auth "none" is not one of "required", "public"',
  },
  {
    name: 'a host-port route with in-cluster ttyd',
    terminal: { ...IN_CLUSTER, routes: [{ path: '/a/', hostPort: 7683 }] },
    bare: true,
    expect: 'routes[0].hostPort 7683 needs ttyd on an external host (ttyd.mode "external")',
  },
  { name: 'a route without a path', terminal: { routes: [{ hostPort: 7683 }] }, expect: 'routes[0] needs paths (exact) or prefixes' },
  { name: 'a route port of 70000', terminal: { routes: [{ path: '/a/', hostPort: 70000 }] }, expect: 'routes[0].hostPort 70000 is not' },
  // Host and ttyd address
  { name: 'a host that is an IPv4 address', terminal: { host: '10.0.0.1' }, expect: 'host "10.0.0.1" is an IP address' },
  { name: 'a host that is an IPv6 address', terminal: {}, env: { TERMINAL_HOST: '::1' }, expect: 'host "::1" is an IP address' },
  { name: 'a host with an empty label', terminal: { host: 'terminal..example.com' }, expect: 'host "terminal..example.com" is not a valid DNS name' },
  { name: 'a host over 253 characters', terminal: { host: `${'a'.repeat(60)}.`.repeat(5) + 'org' }, expect: 'host "aaaa' },
  { name: 'a loopback ttyd address', terminal: { ttyd: { address: '127.0.0.1' } }, expect: 'ttyd.address "127.0.0.1" is a loopback address' },
  {
    name: 'a link-local ttyd address',
    terminal: { ttyd: { address: '169.254.10.1' } },
    expect: 'ttyd.address "169.254.10.1" is a link-local address',
  },
  {
    name: 'an unspecified ttyd address',
    terminal: {},
    env: { TERMINAL_TTYD_ADDRESS: '0.0.0.0' },
    expect: 'ttyd.address "0.0.0.0" is a unspecified address',
  },
  { name: 'a multicast ttyd address', terminal: { ttyd: { address: '224.0.0.1' } }, expect: 'ttyd.address "224.0.0.1" is a multicast address' },
  { name: 'a ttyd address that is a name', terminal: { ttyd: { address: 'ttyd.lan' } }, expect: 'ttyd.address "ttyd.lan" is not an IPv4 address' },
  {
    name: 'an image for an external ttyd',
    terminal: { ttyd: { address: '10.0.10.10', image: 'tsl0922/ttyd:1.7.7' } },
    expect: 'ttyd.image "tsl0922/ttyd:1.7.7" needs ttyd.mode "in-cluster" (it is "external")',
  },
  // Images
  {
    name: 'an image with a space',
    terminal: { ...IN_CLUSTER, ttyd: { mode: 'in-cluster', image: 'tsl0922/ttyd 1.7.7' } },
    bare: true,
    expect: 'ttyd.image "tsl0922/ttyd 1.7.7" is not a valid image reference: it contains " "',
  },
  {
    name: 'an image with shell characters',
    terminal: { ...IN_CLUSTER, ttyd: { mode: 'in-cluster', image: 'ttyd:1.7.7;id' } },
    bare: true,
    expect: 'it contains ";"',
  },
  {
    name: 'an image with upper case',
    terminal: { ...IN_CLUSTER, ttyd: { mode: 'in-cluster', image: 'Tsl0922/ttyd:1.7.7' } },
    bare: true,
    expect: 'ttyd.image "Tsl0922/ttyd:1.7.7" is not a valid image reference: the repository path has upper case',
  },
  {
    name: 'an image with an empty tag',
    terminal: { ...IN_CLUSTER, ttyd: { mode: 'in-cluster', image: 'tsl0922/ttyd:' } },
    bare: true,
    expect: 'the tag after ":" is empty',
  },
  {
    name: 'an image tagged latest',
    terminal: { ...IN_CLUSTER, ttyd: { mode: 'in-cluster', image: 'tsl0922/ttyd:latest' } },
    bare: true,
    expect: 'ttyd.image "tsl0922/ttyd:latest" is not pinned',
  },
  {
    name: 'an untagged image',
    terminal: { ...IN_CLUSTER, ttyd: { mode: 'in-cluster', image: 'tsl0922/ttyd' } },
    bare: true,
    expect: 'ttyd.image "tsl0922/ttyd" is not pinned',
  },
  { name: 'a probe image with $()', terminal: { probe: { image: 'node:$(id)' } }, expect: 'probe.image "node:$(id)" is not a valid image reference' },
  { name: 'a digest that is too short', terminal: { probe: { image: 'node@sha256:abc' } }, expect: 'the digest "sha256:abc"' },
  // Probe
  {
    name: 'a replica that is not a name',
    terminal: { probe: { replicas: 'traefik_replicas' } },
    expect: 'replicas[0] "traefik_replicas" is neither a DNS name nor an IPv4 address',
  },
  { name: 'a replica list with a bad entry', terminal: { probe: { replicas: '10.0.0.1, bad host' } }, expect: 'replicas[1] "bad host"' },
  { name: 'a schedule that never fires', terminal: { probe: { schedule: '0 0 30 2 *' } }, expect: 'schedule "0 0 30 2 *" never fires' },
  {
    name: 'a weekday-only schedule',
    terminal: { probe: { schedule: '*/5 * * * MON-FRI' } },
    expect: 'schedule "*/5 * * * MON-FRI" does not run every day',
  },
  { name: 'a schedule with uneven gaps', terminal: { probe: { schedule: '*/7 * * * *' } }, expect: 'schedule "*/7 * * * *" has uneven gaps' },
  { name: 'a schedule with four fields', terminal: { probe: { schedule: '*/5 * * *' } }, expect: 'schedule "*/5 * * *" is not a cron schedule' },
  { name: 'a schedule with a bad name', terminal: { probe: { schedule: '*/5 * * * MOON' } }, expect: 'day of week "MOON" is not a number or a name' },
  {
    name: 'a Pushgateway URL ending in /metrics',
    terminal: { probe: { pushgatewayUrl: 'http://pushgateway:9091/metrics' } },
    expect: 'pushgatewayUrl "http://pushgateway:9091/metrics" has a path',
  },
  {
    name: 'a Pushgateway URL with a control character',
    terminal: {},
    env: { TERMINAL_PUSHGATEWAY_URL: 'http://pushgateway:9091/\n' },
    expect: 'probe.pushgatewayUrl "http://pushgateway:9091/\\n" contains a control character',
  },
  {
    name: 'a Pushgateway URL over ftp',
    terminal: { probe: { pushgatewayUrl: 'ftp://pushgateway:9091' } },
    expect: 'probe.pushgatewayUrl "ftp://pushgateway:9091" is not an http or https URL',
  },
  {
    name: 'a Pushgateway URL with userinfo',
    terminal: { probe: { pushgatewayUrl: 'http://probe:s3cr%2Ft#?@pg:9091' } },
    expect: 'probe.pushgatewayUrl "http://***@pg:9091"',
  },
  {
    name: 'a javascript: runbook base',
    terminal: { alerts: { runbookBaseUrl: 'javascript:alert(1)' } },
    expect: 'alerts.runbookBaseUrl "javascript:alert(1)" is not an http or https URL',
  },
  {
    name: 'a javascript: outpost URL',
    terminal: { authOutpostUrl: 'javascript:alert(1)' },
    expect: 'authOutpostUrl "javascript:alert(1)" is not an http or https URL',
  },
  {
    name: 'alerts on with the probe off',
    terminal: { probe: { enabled: false }, alerts: { enabled: true } },
    expect: 'alerts.enabled is true with probe.enabled false',
  },
  {
    name: 'a credentials Secret name with a space',
    terminal: { probe: { pushgatewayCredentialsSecret: { name: 'My Secret' } } },
    expect: 'probe.pushgatewayCredentialsSecret.name "My Secret"',
  },
  {
    name: 'a credentials Secret key with a space',
    terminal: { probe: { pushgatewayCredentialsSecret: { name: 'pg', usernameKey: 'user name' } } },
    expect: 'pushgatewayCredentialsSecret.usernameKey "user name" is not a Secret key',
  },
  { name: 'annotations over 256 KiB', terminal: { auth: 'public', authReason: 'r'.repeat(300 * 1024) }, expect: 'annotations total 307' },
  {
    name: 'a state file where the old version kept it',
    terminal: {},
    outdir: (dir) => {
      const out = path.join(dir, 'cdktf.out');
      fs.mkdirSync(path.join(out, 'stacks', 'terminal'), { recursive: true });
      fs.writeFileSync(path.join(out, 'stacks', 'terminal', 'terraform.terminal.tfstate'), '{"version": 4}');
      return out;
    },
    expect: 'found Terraform state at',
  },
];

describe('the configuration: bad input', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-config-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the table has at least 80 cases, with distinct names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s: exit 2, names the field, writes nothing, no stack trace', (_name, c) => {
    const project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    let cdktfJson = c.cdktfJson;
    if (cdktfJson === undefined && c.terminal !== undefined) {
      const terminal =
        typeof c.terminal === 'string' && c.terminal.startsWith('{')
          ? c.terminal
          : JSON.stringify(c.bare || typeof c.terminal !== 'object' ? c.terminal : withValid(c.terminal as Record<string, unknown>));
      cdktfJson = `{"context": {"terminal": ${terminal}}}`;
    }
    if (cdktfJson !== undefined) fs.writeFileSync(path.join(project, 'cdktf.json'), cdktfJson);
    const outdir = c.outdir?.(tmp) ?? path.join(tmp, 'cdktf.out');
    if (fs.existsSync(path.dirname(outdir)) && fs.statSync(path.dirname(outdir)).isDirectory()) {
      fs.mkdirSync(outdir, { recursive: true });
      fs.writeFileSync(path.join(outdir, 'previous.txt'), 'keep me');
    }
    const before = filesUnder(tmp, { folders: true });
    const { ARGV, ...env } = c.env ?? {};
    const result = runApp({ argv: ARGV ? [ARGV] : [], env: { ...env, CDKTF_OUTDIR: outdir }, cwd: tmp, projectDir: project });
    expect(result.stderr).toContain(c.expect);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/nothing was written\.\n$/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(filesUnder(tmp, { folders: true })).toStrictEqual(before);
  });
});

describe('the configuration: good input', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-config-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function synth(terminal: unknown, env: Record<string, string> = {}): { stdout: string; stack: JsonNode } {
    const project = path.join(tmp, 'project');
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, 'cdktf.json'), JSON.stringify(terminal === undefined ? {} : { context: { terminal } }));
    const outdir = path.join(tmp, 'cdktf.out');
    const result = runApp({ env: { ...env, CDKTF_OUTDIR: outdir }, cwd: tmp, projectDir: project });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return { stdout: result.stdout, stack: JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'terminal', 'cdk.tf.json'), 'utf8')) };
  }

  test('with nothing configured, synthesizes the example and says so', () => {
    const { stdout, stack } = synth(undefined);
    expect(stdout).toContain('synthesized the BUILT-IN EXAMPLE (nothing is configured)');
    expect(stack.resource.terraform_data.webterminal_example_guard.lifecycle.precondition[0].error_message).toContain('Configure it first');
    expect(Object.keys(stack.resource.kubernetes_service_v1)).toHaveLength(4); // ttyd, two sibling routes, the replica Service
  });

  test("another program's TERMINAL_EMULATOR is neither configuration nor an error", () => {
    expect(synth(undefined, { TERMINAL_EMULATOR: 'JetBrains-JediTerm' }).stdout).toContain('BUILT-IN EXAMPLE');
  });

  test('with anything configured, the example contributes nothing: no host, address or sibling routes of its own', () => {
    const { stdout, stack } = synth(VALID);
    expect(stdout).toBe('synthesized stack "terminal" into cdktf.out/stacks/terminal/cdk.tf.json\n');
    expect(stack.resource.terraform_data).toBeUndefined();
    expect(stack.locals).toBeUndefined();
    delete stack.resource.kubernetes_config_map_v1; // the probe script's comments name example hosts
    for (const [key, m] of Object.entries(stack.resource.kubernetes_manifest as Record<string, JsonNode>)) {
      if (m.manifest.kind === 'PrometheusRule') delete stack.resource.kubernetes_manifest[key]; // so do the runbooks' first steps
    }
    const text = JSON.stringify(stack);
    for (const example of ['terminal.example.com', '192.0.2.10', 'clipboard', 'api-sessions']) expect(text).not.toContain(example);
    expect(text).toContain('terminal.lab.example.org');
  });

  test('takes the context, then the variables, then TERMINAL_CONFIG', () => {
    const { stack } = synth(
      { ...VALID, namespace: 'shell' },
      { TERMINAL_NAMESPACE: 'webterm', TERMINAL_TTYD_PORT: '7690', TERMINAL_CONFIG: JSON.stringify({ ingressKind: 'IngressRoute' }) },
    );
    expect(stack.resource.kubernetes_namespace_v1.Namespace.metadata.name).toBe('webterm');
    const endpoints = Object.values(stack.resource.kubernetes_endpoints_v1 as Record<string, JsonNode>)[0];
    expect(endpoints.subset[0].port[0].port).toBe(7690);
    expect(Object.values(stack.resource.kubernetes_manifest as Record<string, JsonNode>).map((m) => m.manifest.kind)).toContain('IngressRoute');
  });

  test('accepts cron names, ranges and macros as Kubernetes does, and pinned references with digests', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    for (const schedule of ['*/5 * * JAN-DEC SUN-SAT', '@hourly', '*/5 * ? * *']) {
      synth({ ...VALID, probe: { schedule, image: `node:24.22.3-alpine3.23@${digest}` } });
    }
    const { stack } = synth({ ...IN_CLUSTER, ttyd: { mode: 'in-cluster', image: `tsl0922/ttyd@${digest}` } });
    expect(JSON.stringify(stack.resource.kubernetes_deployment_v1)).toContain(`tsl0922/ttyd@${digest}`);
  });

  test('sets the Pushgateway credentials from a named Secret, never as values', () => {
    const { stack } = synth({ ...VALID, probe: { pushgatewayCredentialsSecret: { name: 'pushgateway-auth', passwordKey: 'pw' } } });
    const [cronJob] = Object.values(stack.resource.kubernetes_cron_job_v1 as Record<string, JsonNode>);
    const env = cronJob.spec.job_template.spec.template.spec.container[0].env;
    expect(env.filter((e) => e.name.startsWith('PROBE_PUSHGATEWAY_') && e.name !== 'PROBE_PUSHGATEWAY_URL')).toStrictEqual([
      { name: 'PROBE_PUSHGATEWAY_USERNAME', value_from: { secret_key_ref: { name: 'pushgateway-auth', key: 'username' } } },
      { name: 'PROBE_PUSHGATEWAY_PASSWORD', value_from: { secret_key_ref: { name: 'pushgateway-auth', key: 'pw' } } },
    ]);
  });

  test('passes the alerts restart-guard selector from the configuration', () => {
    const { stack } = synth({ ...VALID, alerts: { restartGuardSelector: 'job="prometheus-k8s"' } });
    const rule = defined(
      Object.values(stack.resource.kubernetes_manifest as Record<string, JsonNode>)
        .map((m) => m.manifest)
        .find((m) => m.kind === 'PrometheusRule'),
      'rule',
    );
    expect(JSON.stringify(rule)).toContain('prometheus-k8s');
  });

  test('passes the Traefik location, the Authentik outpost and mutual TLS to the stack', () => {
    const { stack } = synth({
      ...VALID,
      probe: { createReplicaService: true },
      traefik: { namespace: 'kube-system', podSelector: { 'app.kubernetes.io/name': 'traefik' }, websecurePort: 8443 },
      authentikOutpost: { namespace: 'authentik', name: 'ak-outpost-authentik-embedded-outpost', port: 9000 },
      ttyd: { mode: 'external', address: '10.0.10.10', mutualTls: { clientCertSecret: 'ttyd-client' } },
    });
    const text = JSON.stringify(stack);
    expect(text).toContain('ak-outpost-authentik-embedded-outpost');
    const transports = Object.values(stack.resource.kubernetes_manifest as Record<string, JsonNode>)
      .map((m) => m.manifest)
      .filter((m) => m.kind === 'ServersTransport');
    expect(transports.map((t) => t.spec.certificatesSecrets)).toContainEqual(['ttyd-client']);
    const replicas = defined(
      Object.values(stack.resource.kubernetes_service_v1 as Record<string, JsonNode>).find((s) => s.metadata.name === 'traefik-replicas'),
      'replicas',
    );
    expect(replicas.metadata.namespace).toBe('kube-system');
  });

  test('dashboard: its namespace, name and labels are settings, and it can be turned off', () => {
    const placed = synth({ ...VALID, dashboard: { namespace: 'grafana', name: 'terminal-board', labels: { grafana_dashboard: 'yes' } } }).stack;
    const maps = Object.values(placed.resource.kubernetes_config_map_v1 as Record<string, JsonNode>).filter(
      (m) => m.metadata.name === 'terminal-board',
    );
    expect(maps.map((m) => [m.metadata.namespace, m.metadata.labels])).toStrictEqual([['grafana', { grafana_dashboard: 'yes' }]]);
    const off = synth({ ...VALID, dashboard: { enabled: false } }).stack;
    const names = Object.values(off.resource.kubernetes_config_map_v1 as Record<string, JsonNode>).map((m) => m.metadata.name);
    expect(names).not.toContain('webterminal-dashboard');
  });

  test('hands probe.remediation to the probe', () => {
    const { stack } = synth({
      ...VALID,
      probe: { createReplicaService: true, remediation: { mode: 'dry-run', afterRuns: 4, minIntervalSeconds: 7200 } },
    });
    const [cronJob] = Object.values(stack.resource.kubernetes_cron_job_v1 as Record<string, JsonNode>);
    const env = Object.fromEntries(cronJob.spec.job_template.spec.template.spec.container[0].env.map((e) => [e.name, e.value]));
    expect([env.PROBE_REMEDIATE, env.PROBE_REMEDIATE_AFTER_RUNS, env.PROBE_REMEDIATE_MIN_INTERVAL_SECONDS]).toStrictEqual(['dry-run', '4', '7200']);
    // Pods (in Traefik's namespace) and the remediation state's Lease (in the probe's).
    expect(Object.keys(stack.resource.kubernetes_role_v1 ?? {}).sort()).toStrictEqual([
      'Probe_RemediationRole_D3D21867',
      'Probe_RemediationStateRole_501713AC',
    ]);
  });

  test('reports every problem at once', () => {
    const project = path.join(tmp, 'p');
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, 'cdktf.json'),
      JSON.stringify({ context: { terminal: { hots: 'x', ttyd: { address: '127.0.0.1', port: 0 }, namespace: 'default' } } }),
    );
    const result = runApp({ env: { CDKTF_OUTDIR: path.join(tmp, 'out') }, cwd: tmp, projectDir: project });
    expect(result.stderr.split('\n').filter((l) => l.startsWith('config: '))).toHaveLength(5);
  });
});

describe('a nested object without its required key is refused, not a crash', () => {
  test.each<[string, Record<string, unknown>, string]>([
    [
      'the credentials Secret without a name',
      { probe: { pushgatewayCredentialsSecret: { usernameKey: 'u' } } },
      'probe.pushgatewayCredentialsSecret.name is required',
    ],
    [
      'mutual TLS without the client Secret',
      { ttyd: { mode: 'external', address: '198.51.100.1', mutualTls: {} } },
      'ttyd.mutualTls.clientCertSecret is required',
    ],
    [
      'mutual TLS with only a server name',
      { ttyd: { mode: 'external', address: '198.51.100.1', mutualTls: { serverName: 'x.example.org' } } },
      'ttyd.mutualTls.clientCertSecret is required',
    ],
  ])('%s', (_what, config, message) => {
    expect(() => configProps(config)).toThrow(ValidationError);
    expect(() => configProps(config)).toThrow(message);
  });
});

describe('messages name the field and the value', () => {
  test.each<[string, Record<string, unknown>, string]>([
    [
      'ttyd.address with an in-cluster ttyd',
      { ttyd: { mode: 'in-cluster', address: '198.51.100.1' } },
      'ttyd.address "198.51.100.1" needs ttyd.mode "external" (it is "in-cluster")',
    ],
    [
      'a proxied record without the tunnel',
      { dns: { provider: 'cloudflare', zoneId: '0123456789abcdef0123456789abcdef', mode: 'proxied' } },
      'dns.tunnelId is not set; mode "proxied" needs the Cloudflare tunnel id',
    ],
  ])('%s', (_what, config, message) => {
    expect(() => configProps(config)).toThrow(message);
    expect(() => configProps(config)).not.toThrow('undefined');
  });
});
