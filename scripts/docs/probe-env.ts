import { TerraformStack, Testing, WebterminalProbe, probeContract } from './sources';

/**
 * The probe's environment table, from the probe's contract (`lib/probe/contract.json`: the names and
 * the defaults the script applies) and the descriptions below; whether the CronJob sets a variable is
 * read from a probe with every option on.
 */
export interface ProbeEnvRow {
  readonly name: string;
  /** The value a probe with defaults gets, or undefined when only an option sets it. */
  readonly value?: string;
  readonly what: string;
}

/** What each variable is, and which prop sets it when the defaults do not. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  PROBE_EDGE_URL: 'The terminal host as browsers reach it (the public path: CDN, Traefik, Authentik).',
  PROBE_ORIGIN_URL: "ttyd's in-cluster Service, asked directly with and without the auth header.",
  PROBE_PUSHGATEWAY_URL: 'Pushgateway base URL.',
  PROBE_PUSHGATEWAY_USERNAME: 'Basic-auth user for the Pushgateway, from `pushgatewayCredentialsSecret` (`secretKeyRef`).',
  PROBE_PUSHGATEWAY_PASSWORD: 'Basic-auth password for the Pushgateway, from `pushgatewayCredentialsSecret` (`secretKeyRef`).',
  PROBE_JOB: 'The Pushgateway job the series are pushed under (the alerts select it).',
  PROBE_REPLICAS: 'Headless Service name or comma list of IPs of the Traefik replicas; empty: per-replica checks off.',
  PROBE_REPLICA_PORT: "The replicas' `websecure` port on the pods.",
  PROBE_MAX_REPLICAS: 'Replicas checked per run; the rest are counted in `webterminal_probe_replicas_left_out`.',
  PROBE_SAMPLES: 'Requests per edge check per run, each on a fresh connection.',
  PROBE_TIMEOUT_SECONDS: 'Time limit of one request (and of one DNS lookup).',
  PROBE_DEADLINE_SECONDS: 'Time limit of the whole run of checks; then what is known is pushed.',
  PROBE_AUTH_HEADER: 'The header ttyd trusts, sent on the in-cluster checks.',
  PROBE_AUTH_USER: 'The user name sent in that header.',
  PROBE_INSECURE_TLS: '`1`: skip TLS certificate checks.',
  PROBE_ROUTER_INVENTORY: "`1`: read each replica's router list from the Traefik API.",
  PROBE_OWN_ROUTERS: "The stack's own router names (as Traefik names them), with the inventory on.",
  PROBE_TTYD_ROUTERS: "The stack's routers that lead to ttyd: another router reaching their servers is foreign.",
  PROBE_ROUTES:
    'The routes checked on every replica, as JSON: `[{"name", "host", "path", "expect": "gated" | "public", "status"?}]` ' +
    '(`Webterminal` passes its routes).',
  PROBE_TRAEFIK_API_PORT: "Port of Traefik's `traefik` entrypoint (API) on the pods.",
  PROBE_ORIGIN_CLIENT_CERT_FILE: "Client certificate for ttyd's mutual TLS (with `ttyd.mutualTls`).",
  PROBE_ORIGIN_CLIENT_KEY_FILE: 'Its key (with `ttyd.mutualTls`).',
  PROBE_ORIGIN_CA_FILE: "The CA that signed ttyd's server certificate (with `ttyd.mutualTls`).",
  PROBE_AUTHENTIK_HOST: "Authentik's own host, when its outpost redirects there (`authentikHost`).",
  PROBE_REMEDIATE: 'Self-healing mode: `off`, `dry-run` or `on` (`remediation.mode`).',
  PROBE_REMEDIATE_AFTER_RUNS: 'Failing runs in a row before an eviction (`remediation.afterRuns`).',
  PROBE_REMEDIATE_MIN_INTERVAL_SECONDS: 'At most one eviction per this many seconds (`remediation.minIntervalSeconds`).',
  PROBE_REMEDIATE_LEASE: "`<namespace>/<name>` of the Lease that holds remediation's memory.",
  PROBE_REPLICA_NAMESPACE: 'Namespace of the Traefik pods, for the eviction.',
  PROBE_REPLICA_SELECTOR: 'Labels a Traefik pod must carry to be evicted.',
  PROBE_MIRROR_EDGE_URL: "The read-only mirror's host, sampled in the same run (with `mirror`).",
  PROBE_MIRROR_ORIGIN_URL: "The mirror's ttyd Service, for its `origin_open` checks (with `mirror`).",
};

/** Variables the script reads that the CronJob never sets: for runs outside a pod (the drill, the tests). */
const OUTSIDE_A_POD: Readonly<Record<string, string>> = {
  PROBE_DNS_SERVERS: "DNS servers (comma list) instead of the pod's `/etc/resolv.conf`.",
  PROBE_RESOLV_CONF: 'Another `resolv.conf` to read (its `nameserver`, `search` and `ndots`).',
  PROBE_KUBE_API_URL: 'Kubernetes API URL instead of the in-pod one.',
  PROBE_KUBE_TOKEN_FILE: 'Service-account token file instead of the mounted one.',
  PROBE_KUBE_CA_FILE: "The API server's CA file instead of the mounted one.",
};

/** The probe's variables, by contract key, and which of them the CronJob sets (a probe with every option on). */
function probeVariables(): { readonly key: string; readonly name: string; readonly setInPod: boolean; readonly probeDefault?: string }[] {
  const base = { namespace: 'terminal', edgeUrl: 'https://terminal.example.com', originUrl: 'http://terminal.terminal.svc.cluster.local' };
  const defaults = new WebterminalProbe(new TerraformStack(Testing.app(), 'defaults'), 'Probe', base).environment;
  const everything = new WebterminalProbe(new TerraformStack(Testing.app(), 'everything'), 'Probe', {
    ...base,
    mirrorEdgeUrl: 'https://terminal-ro.example.com',
    mirrorOriginUrl: 'http://terminal-ro.terminal.svc.cluster.local',
    ownRouters: ['terminal@kubernetes'],
    ttydRouters: ['terminal@kubernetes'],
    routes: [{ name: 'clipboard', host: 'terminal.example.com', path: '/clipboard/', expect: 'gated' }],
    routerInventory: true,
    createReplicaService: true,
    authentikHost: 'auth.example.com',
    remediation: { mode: 'on' },
    originClientCertSecret: 'ttyd-client',
    pushgatewayCredentialsSecret: { name: 'pushgateway-auth' },
  }).environment;
  // The Pushgateway's credentials come from a Secret (valueFrom), so the plain environment lacks them.
  const fromSecret = [probeContract.env.pushgatewayUsername, probeContract.env.pushgatewayPassword];
  return Object.entries(probeContract.env).map(([key, name]) => ({
    key,
    name,
    setInPod: name in everything || fromSecret.includes(name),
    probeDefault: defaults[name],
  }));
}

/** Every variable of the probe's contract with its default (the contract's), set by the CronJob or not. */
export function probeEnvRows(): (ProbeEnvRow & { readonly setInPod: boolean; readonly probeDefault?: string })[] {
  const defaults: Readonly<Record<string, unknown>> = probeContract.defaults;
  return probeVariables().map(({ key, name, setInPod, probeDefault }) => {
    const what = (setInPod ? DESCRIPTIONS : OUTSIDE_A_POD)[name];
    if (what === undefined) throw new Error(`docs: the probe's ${name} has no description in scripts/docs/probe-env.ts`);
    return { name, value: defaults[key] === undefined ? undefined : String(defaults[key]), what, setInPod, probeDefault };
  });
}

export function probeEnvTable(): string {
  const rows = probeEnvRows();
  const described = new Set(rows.map((r) => r.name));
  const stray = [...Object.keys(DESCRIPTIONS), ...Object.keys(OUTSIDE_A_POD)].filter((name) => !described.has(name));
  if (stray.length > 0) throw new Error(`docs: described but not in the probe's contract: ${stray.join(', ')}`);
  const code = (v: string): string => (v === '' ? '(empty)' : `\`${v}\``);
  const cell = (v: string | undefined): string => (v === undefined ? '—' : code(v));
  const lines = ["| variable | the script's default | a probe with default props sets | what it is |", '| --- | --- | --- | --- |'];
  for (const r of rows.filter((row) => row.setInPod)) lines.push(`| \`${r.name}\` | ${cell(r.value)} | ${cell(r.probeDefault)} | ${r.what} |`);
  lines.push('', 'Read by the script but never set by the CronJob (runs outside a pod: the drill, the tests):', '');
  lines.push("| variable | the script's default | what it is |", '| --- | --- | --- |');
  for (const r of rows.filter((row) => !row.setInPod)) lines.push(`| \`${r.name}\` | ${cell(r.value)} | ${r.what} |`);
  return lines.join('\n');
}
