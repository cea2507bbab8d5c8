import { PARITY_SOURCES, ParitySource } from './alert-rules';
import { DNS_MODES, DnsOptions, DnsRecordType, checkDnsOptions } from './dns-records';
import { AUTH_POSTURES, AuthPosture, IngressKind, checkAnnotations, checkAuthReason } from './protected-ingress';
import { StateBackend, TerminalRouteOptions, TerminalStackProps } from './terminal-stack';
import { MiddlewareRef } from './traefik';
import { TtydBackend } from './ttyd-service';
import { Problems, checkDnsLabel, checkDnsName, checkIPv4, checkLabels, checkObjectName, checkPathPrefix, checkPort } from './validation';

/**
 * The terminal stack's settings as plain data: what `cdktf.json` context (key `terminal`) and the
 * environment can set. {@link loadTerminalConfig} merges and checks it; {@link terminalStackProps}
 * turns it into the stack's props.
 */
export interface TerminalConfig {
  /** Stack name: the folder under `cdktf.out/stacks/` and the `pg` schema. */
  readonly stackName: string;
  /** Public host name. */
  readonly host: string;
  /** Namespace. */
  readonly namespace: string;
  /** Namespace labels. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** TLS Secret name. */
  readonly tlsSecretName: string;
  /** Where ttyd runs. */
  readonly ttyd: TtydConfig;
  /** `Ingress` or `IngressRoute`. */
  readonly ingressKind: IngressKind;
  /** Auth posture. */
  readonly auth: AuthPosture;
  /** Reason for `app` / `none`. */
  readonly authReason?: string;
  /** The Authentik middleware. */
  readonly authMiddleware: MiddlewareRef;
  /** Create that middleware. */
  readonly createAuthMiddleware: boolean;
  /** Sibling routes. */
  readonly routes: readonly RouteConfig[];
  /** Kubeconfig path; unset means `$KUBE_CONFIG_PATH`, else `~/.kube/config`. */
  readonly kubeConfigPath?: string;
  /** Kubeconfig context. */
  readonly kubeContext?: string;
  /** State backend. */
  readonly stateBackend: StateBackend;
  /** The probe CronJob. */
  readonly probe: ProbeConfig;
  /** The alert groups. */
  readonly alerts: AlertsConfig;
  /** The read-only mirror (issue 11). */
  readonly mirror?: MirrorConfig;
  /** Further annotations on every ingress object. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** DNS records for each host. */
  readonly dns?: DnsConfig;
  /** Namespace label keys a cluster policy owns (`lifecycle.ignore_changes`). */
  readonly namespaceIgnoredLabels?: readonly string[];
  /** Take over the original stack's objects through `import` blocks. */
  readonly adopt?: boolean;
  /** Import ids adopt leaves out (objects the original has under another kind). */
  readonly adoptSkip?: readonly string[];
}

/** The mirror's place in the configuration. */
export interface MirrorConfig {
  /** Public host name. */
  readonly host: string;
  /** Port of the mirror's ttyd on the external ttyd host. */
  readonly hostPort: number;
  /** Service and ingress name (default `<ttyd service>-ro`). */
  readonly name?: string;
  /** TLS Secret (default `<name>-tls`). */
  readonly tlsSecretName?: string;
}

/** DNS in the configuration: {@link DnsOptions} with the provider named. */
export interface DnsConfig extends DnsOptions {
  /** DNS provider; only `cloudflare`. */
  readonly provider: 'cloudflare';
}

/** The probe's place in the configuration; unset fields take WebterminalProbe's defaults. */
export interface ProbeConfig {
  /** Run the probe. */
  readonly enabled: boolean;
  /** Pushgateway base URL (default `http://prometheus-pushgateway.monitoring.svc.cluster.local:9091`). */
  readonly pushgatewayUrl?: string;
  /** Cron schedule of the probe runs; the alerts' windows follow its interval (default every 5 minutes). */
  readonly schedule?: string;
  /** Requests per edge check per run (default 6). */
  readonly samples?: number;
  /** Time limit of one request, seconds (default 10). */
  readonly timeoutSeconds?: number;
  /** Time limit of a whole run, seconds (default 60). */
  readonly deadlineSeconds?: number;
  /** Headless Service name or comma list of IPs of the Traefik replicas (default: the replica Service when created, else no per-replica checks). */
  readonly replicas?: string;
  /** Create a headless Service that resolves to every Traefik replica (true in {@link EXAMPLE_CONFIG}). */
  readonly createReplicaService?: boolean;
  /** Count each replica's routers from its Traefik API, for the `inventory` parity source (default false). */
  readonly routerInventory?: boolean;
  /** Skip TLS certificate checks (default false). */
  readonly insecureTls?: boolean;
}

/** The alerts' place in the configuration; unset fields take the library's defaults. */
export interface AlertsConfig {
  /** Install the alert groups (default: when the probe runs). */
  readonly enabled?: boolean;
  /** Namespace of the `PrometheusRule` and ConfigMap (default `monitoring`). */
  readonly namespace?: string;
  /** Labels on the `PrometheusRule` and ConfigMap; replace the default `release: prometheus`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Make the `PrometheusRule` (default true). */
  readonly prometheusRule?: boolean;
  /** Also write the rule file into a ConfigMap (default false). */
  readonly configMap?: boolean;
  /** Base of every `runbook_url` (default: none; alerts carry their runbook's first steps instead). */
  readonly runbookBaseUrl?: string;
  /** Keep the token, WebSocket and ttyd alerts quiet for 15 minutes after a Prometheus start (default true). */
  readonly restartGuard?: boolean;
  /** Where `TraefikRouterCountSkew` gets router counts (default `inventory` when the probe's router inventory is on, else `traefik-v3`). */
  readonly paritySource?: ParitySource;
}

/** ttyd's place in the configuration. */
export type TtydConfig =
  | {
      /** ttyd runs on a host outside the cluster. */
      readonly mode: 'external';
      /** IPv4 address of the ttyd host. */
      readonly address: string;
      /** ttyd's port on that host (default 7681). */
      readonly port: number;
    }
  | {
      /** ttyd runs as a Deployment in the cluster. */
      readonly mode: 'in-cluster';
      /** ttyd image (default `tsl0922/ttyd:1.7.7`). */
      readonly image?: string;
      /** Header the auth proxy fills with the signed-in user; ttyd trusts it (default `X-authentik-username`). */
      readonly authHeader?: string;
      /** Port ttyd listens on in the pod (default 7681). */
      readonly port?: number;
    };

/** A sibling route in the configuration. */
export interface RouteConfig {
  /** Path prefix. */
  readonly path: string;
  /** Port on the external ttyd host. */
  readonly hostPort?: number;
  /** Existing Service name (with `servicePort`). */
  readonly serviceName?: string;
  /** Existing Service port. */
  readonly servicePort?: number;
  /** Strip the prefix. */
  readonly stripPrefix?: boolean;
}

/**
 * The built-in example: the original setup's shape with documentation addresses, so the main job
 * synthesizes with no setup. `192.0.2.10` is from TEST-NET-1 (RFC 5737).
 */
export const EXAMPLE_CONFIG: TerminalConfig = {
  stackName: 'terminal',
  host: 'terminal.example.com',
  namespace: 'terminal',
  namespaceLabels: { 'app.kubernetes.io/part-of': 'webterminal' },
  tlsSecretName: 'terminal-tls',
  ttyd: { mode: 'external', address: '192.0.2.10', port: 7681 },
  ingressKind: 'Ingress',
  auth: 'required',
  authMiddleware: { namespace: 'traefik', name: 'authentik-forward-auth' },
  createAuthMiddleware: false,
  routes: [
    { path: '/clipboard/', hostPort: 7683 },
    { path: '/api/sessions/', hostPort: 7684 },
  ],
  stateBackend: 'local',
  probe: { enabled: true, createReplicaService: true },
  alerts: {},
};

/** Environment variables that override single settings (after `cdktf.json` context). */
export const CONFIG_ENV = {
  /** Sets `host`. */
  host: 'TERMINAL_HOST',
  /** Sets `namespace`. */
  namespace: 'TERMINAL_NAMESPACE',
  /** Sets `tlsSecretName`. */
  tlsSecretName: 'TERMINAL_TLS_SECRET',
  /** Sets `ttyd.address`. */
  ttydAddress: 'TERMINAL_TTYD_ADDRESS',
  /** Sets `ttyd.port` (digits only). */
  ttydPort: 'TERMINAL_TTYD_PORT',
  /** Sets `ingressKind`. */
  ingressKind: 'TERMINAL_INGRESS_KIND',
  /** Sets `auth`. */
  auth: 'TERMINAL_AUTH',
  /** Sets `authReason`. */
  authReason: 'TERMINAL_AUTH_REASON',
  /** Sets `stateBackend`. */
  stateBackend: 'TERMINAL_STATE_BACKEND',
  /** Sets `probe.pushgatewayUrl`. */
  pushgatewayUrl: 'TERMINAL_PUSHGATEWAY_URL',
  /** Sets `kubeConfigPath`. */
  kubeConfigPath: 'KUBE_CONFIG_PATH',
  /** Sets `kubeContext`. */
  kubeContext: 'KUBE_CTX',
  /** A JSON object merged over everything else, for settings without a variable of their own. */
  json: 'TERMINAL_CONFIG',
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars replace. */
function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isObject(value) && isObject(out[key]) ? merge(out[key] as Json, value) : value;
  }
  return out;
}

function envLayer(env: NodeJS.ProcessEnv, problems: Problems): Json {
  const layer: Json = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined && value !== '') layer[key] = value;
  };
  set('host', env[CONFIG_ENV.host]);
  set('namespace', env[CONFIG_ENV.namespace]);
  set('tlsSecretName', env[CONFIG_ENV.tlsSecretName]);
  set('ingressKind', env[CONFIG_ENV.ingressKind]);
  set('auth', env[CONFIG_ENV.auth]);
  set('authReason', env[CONFIG_ENV.authReason]);
  set('stateBackend', env[CONFIG_ENV.stateBackend]);
  set('kubeConfigPath', env[CONFIG_ENV.kubeConfigPath]);
  set('kubeContext', env[CONFIG_ENV.kubeContext]);
  if (env[CONFIG_ENV.pushgatewayUrl]) layer.probe = { pushgatewayUrl: env[CONFIG_ENV.pushgatewayUrl] };
  const ttyd: Json = {};
  if (env[CONFIG_ENV.ttydAddress]) ttyd.address = env[CONFIG_ENV.ttydAddress];
  const port = env[CONFIG_ENV.ttydPort];
  // A value that is not digits stays a string, so the error quotes what was given.
  if (port) ttyd.port = /^\d+$/.test(port) ? Number(port) : port;
  if (Object.keys(ttyd).length > 0) layer.ttyd = ttyd;
  const raw = env[CONFIG_ENV.json];
  if (raw) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isObject(parsed)) return merge(layer, parsed);
      problems.add(`${CONFIG_ENV.json} is not a JSON object`);
    } catch (e) {
      problems.add(`${CONFIG_ENV.json} is not valid JSON (${(e as Error).message})`);
    }
  }
  return layer;
}

/** Reads typed fields out of untyped JSON, recording a problem for each wrong type. */
class Reader {
  constructor(private readonly data: Json, private readonly prefix: string, private readonly problems: Problems) {}

  private wrong(key: string, want: string): undefined {
    this.problems.add(`${this.prefix}${key} ${JSON.stringify(this.data[key])} is not ${want}`);
    return undefined;
  }

  public string(key: string): string | undefined {
    const v = this.data[key];
    return v === undefined || typeof v === 'string' ? v : this.wrong(key, 'a string');
  }

  public number(key: string): number | undefined {
    const v = this.data[key];
    return v === undefined || (typeof v === 'number' && !Number.isNaN(v)) ? v : this.wrong(key, 'a number');
  }

  public boolean(key: string): boolean | undefined {
    const v = this.data[key];
    return v === undefined || typeof v === 'boolean' ? v : this.wrong(key, 'true or false');
  }

  public object(key: string): Json | undefined {
    const v = this.data[key];
    return v === undefined || isObject(v) ? v : this.wrong(key, 'an object');
  }

  public array(key: string): unknown[] | undefined {
    const v = this.data[key];
    return v === undefined || Array.isArray(v) ? v : this.wrong(key, 'a list');
  }

  public oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.data[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    return this.wrong(key, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }

  public stringMap(key: string): Record<string, string> | undefined {
    const v = this.object(key);
    if (v === undefined) return undefined;
    for (const [k, value] of Object.entries(v)) {
      if (typeof value !== 'string') {
        this.problems.add(`${this.prefix}${key}.${k} ${JSON.stringify(value)} is not a string`);
        return undefined;
      }
    }
    return v as Record<string, string>;
  }
}

function readTtyd(data: Json, problems: Problems): TtydConfig {
  const r = new Reader(data, 'ttyd.', problems);
  const mode = r.oneOf('mode', ['external', 'in-cluster'] as const) ?? 'external';
  if (mode === 'in-cluster') {
    const port = r.number('port');
    if (port !== undefined) problems.add(checkPort('ttyd.port', port));
    return { mode, image: r.string('image'), authHeader: r.string('authHeader'), port };
  }
  const address = r.string('address') ?? '';
  const port = r.number('port') ?? 7681;
  problems.add(checkIPv4('ttyd.address', address));
  problems.add(checkPort('ttyd.port', port));
  return { mode, address, port };
}

function readProbe(data: Json, problems: Problems): ProbeConfig {
  const r = new Reader(data, 'probe.', problems);
  return {
    enabled: r.boolean('enabled') ?? true,
    pushgatewayUrl: r.string('pushgatewayUrl'),
    schedule: r.string('schedule'),
    samples: r.number('samples'),
    timeoutSeconds: r.number('timeoutSeconds'),
    deadlineSeconds: r.number('deadlineSeconds'),
    replicas: r.string('replicas'),
    createReplicaService: r.boolean('createReplicaService'),
    routerInventory: r.boolean('routerInventory'),
    insecureTls: r.boolean('insecureTls'),
  };
}

function readAlerts(data: Json, problems: Problems): AlertsConfig {
  const r = new Reader(data, 'alerts.', problems);
  return {
    enabled: r.boolean('enabled'),
    namespace: r.string('namespace'),
    labels: r.stringMap('labels'),
    prometheusRule: r.boolean('prometheusRule'),
    configMap: r.boolean('configMap'),
    runbookBaseUrl: r.string('runbookBaseUrl'),
    restartGuard: r.boolean('restartGuard'),
    paritySource: r.oneOf('paritySource', PARITY_SOURCES),
  };
}

function readRoutes(list: unknown[], ttyd: TtydConfig, problems: Problems): RouteConfig[] {
  const routes: RouteConfig[] = [];
  list.forEach((item, i) => {
    const field = `routes[${i}]`;
    if (!isObject(item)) {
      problems.add(`${field} ${JSON.stringify(item)} is not an object`);
      return;
    }
    const r = new Reader(item, `${field}.`, problems);
    const route: RouteConfig = {
      path: r.string('path') ?? '',
      hostPort: r.number('hostPort'),
      serviceName: r.string('serviceName'),
      servicePort: r.number('servicePort'),
      stripPrefix: r.boolean('stripPrefix'),
    };
    problems.add(checkPathPrefix(`${field}.path`, route.path));
    if (routes.some((other) => other.path === route.path)) problems.add(`${field}.path ${JSON.stringify(route.path)} is used by two routes`);
    if ((route.hostPort === undefined) === (route.serviceName === undefined)) {
      problems.add(`${field} needs exactly one of hostPort (a port on the ttyd host) and serviceName`);
    }
    if (route.hostPort !== undefined) {
      problems.add(checkPort(`${field}.hostPort`, route.hostPort));
      if (ttyd.mode !== 'external') problems.add(`${field}.hostPort needs ttyd.mode "external"; give serviceName and servicePort instead`);
    }
    if (route.serviceName !== undefined) {
      problems.add(checkDnsLabel(`${field}.serviceName`, route.serviceName));
      problems.add(checkPort(`${field}.servicePort`, route.servicePort ?? 0));
    }
    routes.push(route);
  });
  return routes;
}

// ----- Issue 11: mirror, annotations, DNS, ignored namespace labels, adopt --------------------

function readMirror(data: Json, ttyd: TtydConfig, problems: Problems): MirrorConfig {
  const r = new Reader(data, 'mirror.', problems);
  const mirror = { host: r.string('host') ?? '', hostPort: r.number('hostPort') ?? 0, name: r.string('name'), tlsSecretName: r.string('tlsSecretName') };
  unknownKeys(data, ['host', 'hostPort', 'name', 'tlsSecretName'], 'mirror.', problems);
  problems.add(checkDnsName('mirror.host', mirror.host));
  problems.add(checkPort('mirror.hostPort', mirror.hostPort));
  if (mirror.name !== undefined) problems.add(checkDnsLabel('mirror.name', mirror.name));
  if (mirror.tlsSecretName !== undefined) problems.add(checkObjectName('mirror.tlsSecretName', mirror.tlsSecretName));
  if (ttyd.mode !== 'external') problems.add('mirror needs ttyd.mode "external" (the mirror is a second ttyd on that host, at mirror.hostPort)');
  return withoutUndefined(mirror);
}

function readDns(data: Json, problems: Problems): DnsConfig {
  const r = new Reader(data, 'dns.', problems);
  unknownKeys(data, ['provider', 'zoneId', 'mode', 'tunnelId', 'publicIp', 'publicIpv6', 'ttl', 'recordIds'], 'dns.', problems);
  const provider = r.oneOf('provider', ['cloudflare'] as const);
  if (provider === undefined && data.provider === undefined) problems.add('dns.provider is missing: the only provider is "cloudflare"');
  const mode = r.oneOf('mode', DNS_MODES);
  if (mode === undefined && data.mode === undefined) problems.add(`dns.mode is missing: one of ${DNS_MODES.map((m) => JSON.stringify(m)).join(', ')}`);
  const recordIds: Record<string, Partial<Record<DnsRecordType, string>>> = {};
  for (const [host, ids] of Object.entries(r.object('recordIds') ?? {})) {
    if (isObject(ids)) recordIds[host] = new Reader({ [host]: ids }, 'dns.recordIds.', problems).stringMap(host) ?? {};
    else problems.add(`dns.recordIds.${host} ${JSON.stringify(ids)} is not an object of record type to record id ({ "CNAME": "<id>" })`);
  }
  const dns: DnsConfig = withoutUndefined({
    provider: provider ?? 'cloudflare',
    zoneId: r.string('zoneId') ?? '',
    mode: mode ?? 'none',
    tunnelId: r.string('tunnelId'),
    publicIp: r.string('publicIp'),
    publicIpv6: r.string('publicIpv6'),
    ttl: r.number('ttl'),
    recordIds: Object.keys(recordIds).length > 0 ? recordIds : undefined,
  });
  if (mode !== undefined) checkDnsOptions(dns).forEach((p) => problems.add(p));
  return dns;
}

function readIgnoredLabels(list: unknown[], problems: Problems): string[] {
  return list.filter((key, i) => {
    const ok = typeof key === 'string';
    problems.add(ok ? checkLabels(`namespaceIgnoredLabels[${i}]`, { [key]: '' }) : `namespaceIgnoredLabels[${i}] ${JSON.stringify(key)} is not a string`);
    return ok;
  }) as string[];
}

function unknownKeys(data: Json, known: readonly string[], prefix: string, problems: Problems): void {
  for (const key of Object.keys(data)) {
    if (!known.includes(key)) problems.add(`${prefix}${key} is not a setting (accepted: ${known.join(', ')})`);
  }
}

/** The issue-11 settings of a configuration: each set only when given. */
function readHostSettings(r: Reader, ttyd: TtydConfig, problems: Problems): Pick<TerminalConfig, 'mirror' | 'annotations' | 'dns' | 'namespaceIgnoredLabels' | 'adopt' | 'adoptSkip'> {
  const mirror = r.object('mirror');
  const dns = r.object('dns');
  const annotations = r.stringMap('annotations');
  if (annotations !== undefined) checkAnnotations('annotations', annotations).forEach((p) => problems.add(p));
  const ignored = r.array('namespaceIgnoredLabels');
  const skip = r.array('adoptSkip');
  skip?.forEach((id, i) => problems.add(typeof id === 'string' ? undefined : `adoptSkip[${i}] ${JSON.stringify(id)} is not a string (an import id)`));
  return withoutUndefined({
    mirror: mirror === undefined ? undefined : readMirror(mirror, ttyd, problems),
    annotations,
    dns: dns === undefined ? undefined : readDns(dns, problems),
    namespaceIgnoredLabels: ignored === undefined ? undefined : readIgnoredLabels(ignored, problems),
    adopt: r.boolean('adopt'),
    adoptSkip: skip as string[] | undefined,
  });
}

/**
 * Builds the configuration: the example, then `context` (the `terminal` key of `cdktf.json`
 * context), then the environment ({@link CONFIG_ENV}). Every problem found is reported at once,
 * in one {@link ValidationError}, before any construct is made.
 */
export function loadTerminalConfig(context: unknown = {}, env: NodeJS.ProcessEnv = process.env): TerminalConfig {
  const problems = new Problems('config');
  const fromContext = isObject(context) ? context : {};
  if (!isObject(context)) problems.add(`cdktf.json context "terminal" ${JSON.stringify(context)} is not an object`);
  const data = merge(merge(EXAMPLE_CONFIG as unknown as Json, fromContext), envLayer(env, problems));
  const r = new Reader(data, '', problems);

  const ttyd = readTtyd(r.object('ttyd') ?? {}, problems);
  const middleware = new Reader(r.object('authMiddleware') ?? {}, 'authMiddleware.', problems);
  const config: TerminalConfig = {
    stackName: r.string('stackName') ?? EXAMPLE_CONFIG.stackName,
    host: r.string('host') ?? '',
    namespace: r.string('namespace') ?? '',
    namespaceLabels: r.stringMap('namespaceLabels') ?? {},
    tlsSecretName: r.string('tlsSecretName') ?? '',
    ttyd,
    ingressKind: r.oneOf('ingressKind', ['Ingress', 'IngressRoute'] as const) ?? 'Ingress',
    auth: r.oneOf('auth', AUTH_POSTURES) ?? 'required',
    authReason: r.string('authReason'),
    authMiddleware: { namespace: middleware.string('namespace') ?? '', name: middleware.string('name') ?? '' },
    createAuthMiddleware: r.boolean('createAuthMiddleware') ?? false,
    routes: readRoutes(r.array('routes') ?? [], ttyd, problems),
    kubeConfigPath: r.string('kubeConfigPath'),
    kubeContext: r.string('kubeContext'),
    stateBackend: r.oneOf('stateBackend', ['local', 'pg'] as const) ?? 'local',
    probe: readProbe(r.object('probe') ?? {}, problems),
    alerts: readAlerts(r.object('alerts') ?? {}, problems),
    ...readHostSettings(r, ttyd, problems),
  };

  problems.add(checkDnsLabel('stackName', config.stackName));
  problems.add(checkDnsName('host', config.host));
  problems.add(checkDnsLabel('namespace', config.namespace));
  problems.add(checkLabels('namespaceLabels', config.namespaceLabels));
  problems.add(checkObjectName('tlsSecretName', config.tlsSecretName));
  problems.add(checkDnsLabel('authMiddleware.namespace', config.authMiddleware.namespace));
  problems.add(checkDnsLabel('authMiddleware.name', config.authMiddleware.name));
  problems.add(checkAuthReason(config.auth, config.authReason));
  problems.throwIfAny();
  return config;
}

/** The stack props a configuration stands for. */
export function terminalStackProps(config: TerminalConfig): TerminalStackProps {
  const ttyd = config.ttyd.mode === 'external'
    ? TtydBackend.externalHost({ address: config.ttyd.address, port: config.ttyd.port })
    : TtydBackend.inCluster({ image: config.ttyd.image, authHeader: config.ttyd.authHeader, port: config.ttyd.port });
  const routes: TerminalRouteOptions[] = config.routes.map((route) => ({
    path: route.path,
    hostPort: route.hostPort,
    service: route.serviceName !== undefined ? { name: route.serviceName, port: route.servicePort ?? 0 } : undefined,
    stripPrefix: route.stripPrefix,
  }));
  return {
    host: config.host,
    ttyd,
    namespace: config.namespace,
    namespaceLabels: { ...config.namespaceLabels },
    tlsSecretName: config.tlsSecretName,
    ingressKind: config.ingressKind,
    auth: config.auth,
    authReason: config.authReason,
    authMiddleware: config.authMiddleware,
    createAuthMiddleware: config.createAuthMiddleware,
    routes,
    kubeConfigPath: config.kubeConfigPath,
    kubeContext: config.kubeContext,
    stateBackend: config.stateBackend,
    probe: config.probe.enabled,
    probeOptions: withoutUndefined({ ...config.probe, enabled: undefined }),
    alerts: config.alerts.enabled,
    alertsOptions: withoutUndefined({ runbookBaseUrl: config.alerts.runbookBaseUrl, restartGuard: config.alerts.restartGuard, paritySource: config.alerts.paritySource }),
    alertsRuleOptions: withoutUndefined({
      namespace: config.alerts.namespace,
      labels: config.alerts.labels,
      prometheusRule: config.alerts.prometheusRule,
      configMap: config.alerts.configMap,
    }),
    mirror: config.mirror,
    annotations: config.annotations === undefined ? undefined : { ...config.annotations },
    dns: config.dns === undefined ? undefined : withoutUndefined({ ...config.dns, provider: undefined }),
    namespaceIgnoredLabels: config.namespaceIgnoredLabels === undefined ? undefined : [...config.namespaceIgnoredLabels],
    adopt: config.adopt,
    adoptSkip: config.adoptSkip === undefined ? undefined : [...config.adoptSkip],
  };
}

/** Drops unset keys, so spreading the result over defaults keeps them. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
