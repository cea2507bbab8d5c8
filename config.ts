import { PARITY_SOURCES } from './lib/webterminal-alerts-props';
import { DNS_MODES } from './lib/dns-records';
import { AUTH_POSTURES, IngressKind, AuthPosture, Annotations } from './lib/protected-ingress';
import { StateBackend, TerminalStackProps } from './lib/terminal-stack';
import { SYSTEM_NAMESPACES, TerminalAlertsOptions, TerminalDashboardOptions, TerminalProbeOptions, TerminalRouteOptions } from './lib/webterminal';
import { configRename, renamedSentence } from './lib/private/renames';
import { TtydBackend, TtydMutualTls } from './lib/ttyd-service';
import type { DnsOptions } from './lib/dns-records';
import type { MiddlewareRef } from './lib/traefik';
import { REMEDIATION_MODES } from './lib/webterminal-probe';
import {
  Problems,
  checkDnsLabel,
  checkDnsName,
  checkHostAddress,
  checkHttpUrl,
  checkMetadata,
  checkNonEmpty,
  checkPinnedImage,
} from './lib/private/validation';
import { JsonObject, JsonValue, SourceNumber, isJsonObject, newObject, parseJson, quote } from './json-source';
import { checkAuthReason, routePathProblems } from './lib/private/routes';
import { checkDnsOptions } from './lib/private/dns-checks';

/**
 * The app's configuration: the `terminal` key of the cdktf context (`cdktf.json` or the CLI's
 * `CDKTF_CONTEXT_JSON`), the `TERMINAL_*` variables, and `TERMINAL_CONFIG` (a JSON object merged
 * last). Its keys are declared once, in {@link SCHEMA}: a key not declared there is an error with
 * the closest known key, at every level. Values are checked with the library's checks, so a fact is
 * checked in one function; every problem is reported at once and quotes the value as given.
 *
 * With no configuration at all the app synthesizes {@link EXAMPLE}, marked so that a plan of it
 * fails; as soon as anything is configured, `host` and `ttyd` are required and the example
 * contributes nothing.
 */

/** The type of one configuration key and the check of its value. */
interface Key {
  readonly type: 'string' | 'integer' | 'boolean' | 'labels' | 'map' | 'object' | 'list' | 'strings' | 'dict';
  /** Allowed values of a string. */
  readonly oneOf?: readonly string[];
  /** Bounds of an integer. */
  readonly min?: number;
  readonly max?: number;
  /** A check of a string, from the library (returns a sentence naming the field, or undefined). */
  readonly check?: (field: string, value: string) => string | undefined;
  /** Keys of an object, or of each object in a list. */
  readonly keys?: Schema;
  /** A check of a whole string map (returns a sentence per problem). */
  readonly checkMap?: (field: string, value: Readonly<Record<string, string>>) => readonly string[];
  /** The value of each entry of a `dict` (an object whose keys are the user's, such as host names). */
  readonly values?: Key;
  /** A key its object cannot do without (checked whenever the object is given). */
  readonly required?: boolean;
}

type Schema = Readonly<Record<string, Key>>;

const str = (check?: Key['check']): Key => ({ type: 'string', check });
const required = (key: Key): Key => ({ ...key, required: true });
const checkObjectName = (field: string, value: string): string | undefined => checkDnsName(field, value, 'object');
const int = (min: number, max: number): Key => ({ type: 'integer', min, max });
const bool: Key = { type: 'boolean' };
const oneOf = (values: readonly string[]): Key => ({ type: 'string', oneOf: values });
const port = int(1, 65535);
const seconds = int(1, 86400);
const labelMap: Key = { type: 'labels' };
const object = (keys: Schema): Key => ({ type: 'object', keys });
const list = (keys: Schema): Key => ({ type: 'list', keys });
const strings = (check?: Key['check']): Key => ({ type: 'strings', check });
const stringMap = (checkMap: Key['checkMap']): Key => ({ type: 'map', checkMap });
const dict = (values: Key): Key => ({ type: 'dict', values });

/** Every key the configuration knows, by level. Add a key here and read it in {@link terminalStackProps}. */
export const SCHEMA: Schema = {
  stackName: str(checkDnsLabel),
  host: str(checkDnsName),
  namespace: str(
    (f, v) =>
      checkDnsLabel(f, v) ??
      (SYSTEM_NAMESPACES.includes(v)
        ? `${f} ${JSON.stringify(v)} belongs to the cluster; the stack creates (and on destroy deletes) its namespace, so give one of its own`
        : undefined),
  ),
  namespaceLabels: labelMap,
  tlsSecretName: str(checkObjectName),
  ttyd: object({
    mode: oneOf(['external', 'in-cluster']),
    address: str(checkHostAddress),
    port,
    image: str(checkPinnedImage),
    authHeader: str(checkNonEmpty),
    mutualTls: object({ clientCertSecret: required(str(checkObjectName)), serverName: str(checkDnsName) }),
  }),
  ingressKind: oneOf(['Ingress', 'IngressRoute']),
  auth: oneOf(AUTH_POSTURES),
  authReason: str(),
  authMiddleware: object({ namespace: required(str(checkDnsLabel)), name: required(str(checkDnsLabel)) }),
  createAuthMiddleware: bool,
  authOutpostUrl: str(checkHttpUrl),
  authentikOutpost: object({ namespace: str(checkDnsLabel), name: str(checkDnsLabel), port }),
  traefik: object({ namespace: str(checkDnsLabel), podSelector: labelMap, websecurePort: port, apiPort: port }),
  routes: list({
    path: required(str()),
    hostPort: port,
    service: object({ name: required(str(checkDnsLabel)), port: required(port) }),
    stripPrefix: bool,
  }),
  kubeConfigPath: str(checkNonEmpty),
  kubeContext: str(checkNonEmpty),
  stateBackend: oneOf(['local', 'pg']),
  pgSchemaName: str(checkDnsLabel),
  probe: object({
    enabled: bool,
    pushgatewayUrl: str(checkHttpUrl),
    pushgatewayCredentialsSecret: object({ name: required(str(checkObjectName)), usernameKey: str(), passwordKey: str() }),
    schedule: str(),
    samples: int(1, 100),
    timeoutSeconds: seconds,
    deadlineSeconds: seconds,
    replicas: str(),
    maxReplicas: int(1, 1000),
    createReplicaService: bool,
    routerInventory: bool,
    insecureTls: bool,
    image: str(checkPinnedImage),
    authentikHost: str(checkDnsName),
    remediation: object({ mode: oneOf(REMEDIATION_MODES), afterRuns: int(1, 100), minIntervalSeconds: int(60, 604800) }),
  }),
  mirror: object({ host: required(str(checkDnsName)), hostPort: required(port), name: str(checkDnsLabel), tlsSecretName: str(checkObjectName) }),
  annotations: stringMap((f, v) => checkMetadata(f, 'annotations', v, Object.values(Annotations))),
  dns: object({
    provider: oneOf(['cloudflare']),
    zoneId: str(),
    mode: oneOf(DNS_MODES),
    tunnelId: str(),
    publicIp: str(),
    publicIpv6: str(),
    ttl: int(1, 86400),
    recordIds: dict(object({ CNAME: str(), A: str(), AAAA: str() })),
  }),
  namespaceIgnoredLabels: strings((f, v) => checkMetadata(f, 'labels', { [v]: '' })[0]),
  adopt: bool,
  adoptSkip: strings(checkNonEmpty),
  alerts: object({
    enabled: bool,
    namespace: str(checkDnsLabel),
    labels: labelMap,
    prometheusRule: bool,
    configMap: bool,
    runbookBaseUrl: str(checkHttpUrl),
    restartGuard: bool,
    restartGuardSelector: str(checkNonEmpty),
    paritySource: oneOf(PARITY_SOURCES),
  }),
  dashboard: object({
    enabled: bool,
    namespace: str(checkDnsLabel),
    name: str(checkDnsLabel),
    labels: labelMap,
    annotations: stringMap((f, v) => checkMetadata(f, 'annotations', v)),
  }),
};

/** Environment variables that set one key each (applied after the context, before `TERMINAL_CONFIG`). */
export const CONFIG_ENV: Readonly<Record<string, string>> = {
  TERMINAL_HOST: 'host',
  TERMINAL_NAMESPACE: 'namespace',
  TERMINAL_TLS_SECRET: 'tlsSecretName',
  TERMINAL_TTYD_ADDRESS: 'ttyd.address',
  TERMINAL_TTYD_PORT: 'ttyd.port',
  TERMINAL_INGRESS_KIND: 'ingressKind',
  TERMINAL_AUTH: 'auth',
  TERMINAL_AUTH_REASON: 'authReason',
  TERMINAL_STATE_BACKEND: 'stateBackend',
  TERMINAL_PUSHGATEWAY_URL: 'probe.pushgatewayUrl',
};

/** The variable with a JSON object merged over everything else. */
export const CONFIG_JSON_ENV = 'TERMINAL_CONFIG';

/** The configuration as the app uses it: checked, with the example's values when it is the example. */
export interface TerminalConfig {
  /** Whether this is the built-in example (no configuration was given). */
  readonly example: boolean;
  /** Stack name: the folder under `cdktf.out/stacks/` and the `pg` schema. */
  readonly stackName: string;
  /** The stack's props. */
  readonly props: TerminalStackProps;
}

/**
 * The built-in example, used only when nothing is configured: the original setup's shape with
 * documentation addresses (`192.0.2.10` is TEST-NET-1, RFC 5737).
 */
export const EXAMPLE: JsonObject = parseJson(
  JSON.stringify({
    host: 'terminal.example.com',
    ttyd: { mode: 'external', address: '192.0.2.10', port: 7681 },
    routes: [
      { path: '/clipboard/', hostPort: 7683 },
      { path: '/api/sessions/', hostPort: 7684 },
    ],
  }),
) as JsonObject;

/** Levenshtein distance, ignoring case, for "did you mean". */
function distance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  const row = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] === y[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[y.length];
}

/** The known key nearest to `key`; of equally near ones, the first. */
function closest(key: string, known: readonly string[]): string {
  let best = known[0];
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(key, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

type Plain = string | number | boolean | Plain[] | { [key: string]: Plain };

/** Checks `value` against `key`, recording problems under `field`; returns the plain value, or undefined. */
function readValue(key: Key, value: JsonValue, field: string, problems: Problems): Plain | undefined {
  const wrong = (want: string): undefined => {
    problems.add(`${field} ${quote(value)} is not ${want}`);
    return undefined;
  };
  switch (key.type) {
    case 'string': {
      if (typeof value !== 'string') return wrong(key.oneOf ? `one of ${key.oneOf.map((v) => JSON.stringify(v)).join(', ')}` : 'a string');
      if (key.oneOf && !key.oneOf.includes(value)) return wrong(`one of ${key.oneOf.map((v) => JSON.stringify(v)).join(', ')}`);
      // eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
      if (/[\u0000-\u001f\u007f]/.test(value) && key.check !== checkHttpUrl) return wrong('free of control characters');
      const problem = key.check?.(field, value);
      problems.add(problem);
      return problem === undefined ? value : undefined;
    }
    case 'integer': {
      const n = value instanceof SourceNumber ? value.value : NaN;
      if (!(value instanceof SourceNumber)) return wrong('a number');
      if (!Number.isSafeInteger(n) || !/^-?\d+$/.test(value.text) || n < key.min! || n > key.max!)
        return wrong(`an integer from ${key.min} to ${key.max}`);
      return n;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : wrong('true or false');
    case 'labels': {
      if (!isJsonObject(value)) return wrong('an object of label names to strings');
      const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
      if (bad) return wrong(`an object of label names to strings (${JSON.stringify(bad[0])} is ${quote(bad[1])})`);
      const labels = Object.fromEntries(Object.entries(value)) as Record<string, string>;
      const found = checkMetadata(field, 'labels', labels);
      problems.addAll(found);
      return found.length === 0 ? labels : undefined;
    }
    case 'map': {
      if (!isJsonObject(value)) return wrong('an object of names to strings');
      const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
      if (bad) return wrong(`an object of names to strings (${JSON.stringify(bad[0])} is ${quote(bad[1])})`);
      const map = Object.fromEntries(Object.entries(value)) as Record<string, string>;
      const found = key.checkMap?.(field, map) ?? [];
      found.forEach((p) => problems.add(p));
      return found.length === 0 ? map : undefined;
    }
    case 'object':
      return isJsonObject(value) ? readObject(key.keys!, value, field, problems) : wrong('an object');
    case 'dict': {
      if (!isJsonObject(value)) return wrong('an object');
      const out: { [key: string]: Plain } = {};
      for (const name of Object.keys(value)) {
        const item = readValue(key.values!, value[name], `${field}.${name}`, problems);
        if (item !== undefined) out[name] = item;
      }
      return out;
    }
    case 'strings':
      if (!Array.isArray(value)) return wrong('a list of strings');
      return value.map((item, i) => readValue({ type: 'string', check: key.check }, item, `${field}[${i}]`, problems) ?? '');
    case 'list':
      if (!Array.isArray(value)) return wrong('a list');
      return value.map(
        (item, i) =>
          (isJsonObject(item) ? readObject(key.keys!, item, `${field}[${i}]`, problems) : wrong(`a list of objects (item ${i} is ${quote(item)})`)) ??
          {},
      );
  }
}

/** Every key of the schema as a dotted path (`alerts.restartGuardSelector`), lists as `routes[]`. */
function schemaPaths(schema: Schema, prefix = ''): string[] {
  return Object.entries(schema).flatMap(([name, key]) => {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (key.type === 'object' && key.keys !== undefined) return [path, ...schemaPaths(key.keys, path)];
    if (key.type === 'list' && key.keys !== undefined) return [path, ...schemaPaths(key.keys, `${path}[]`)];
    return [path];
  });
}

/**
 * What an unknown key most likely means: the same key at another level of the whole schema (a key of
 * `alerts` given at the top), else the nearest key at its own level.
 */
function didYouMean(name: string, known: readonly string[]): string {
  const near = closest(name, known);
  if (distance(name, near) === 0) return near;
  const elsewhere = schemaPaths(SCHEMA).filter((path) => path.split('.').at(-1)?.toLowerCase() === name.toLowerCase());
  return elsewhere[0] ?? near;
}

/** Reads an object by its schema: unknown keys are problems, with the closest known key. */
function readObject(schema: Schema, data: JsonObject, prefix: string, problems: Problems): { [key: string]: Plain } {
  const out: { [key: string]: Plain } = {};
  const known = Object.keys(schema);
  for (const name of Object.keys(data)) {
    const field = prefix === '' ? name : `${prefix}.${name}`;
    if (!Object.prototype.hasOwnProperty.call(schema, name)) {
      const renamed = configRename(field);
      problems.add(
        renamed !== undefined
          ? renamedSentence(field, renamed.to, renamed.rename.release)
          : `${field}: unknown key; did you mean ${JSON.stringify(didYouMean(name, known))}?`,
      );
      continue;
    }
    const value = readValue(schema[name], data[name], field, problems);
    if (value !== undefined) out[name] = value;
  }
  for (const name of known) {
    if (schema[name].required === true && !Object.prototype.hasOwnProperty.call(data, name)) {
      problems.add(`${prefix === '' ? name : `${prefix}.${name}`} is required`);
    }
  }
  return out;
}

/** Every scalar under `value` with its dotted path (`probe.remediation.mode`). */
function leaves(path: string, value: unknown): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [[path, value]];
  return Object.entries(value).flatMap(([key, v]) => leaves(`${path}.${key}`, v));
}

/** Objects merge key by key; lists and scalars replace. Both sides are left as they are. */
function merge(base: JsonObject, over: JsonObject): JsonObject {
  const out = newObject();
  for (const key of Object.keys(base)) out[key] = base[key];
  for (const key of Object.keys(over)) {
    const a = out[key];
    const b = over[key];
    out[key] = isJsonObject(a) && isJsonObject(b) ? merge(a, b) : b;
  }
  return out;
}

/** The layer the `TERMINAL_*` variables make; values are taken as given (numbers keep their text). */
function envLayer(env: NodeJS.ProcessEnv, problems: Problems): JsonObject {
  let layer = newObject();
  for (const [variable, path] of Object.entries(CONFIG_ENV)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const names = path.split('.');
    const key = names.reduce<Key | undefined>((k, n) => (k === undefined ? SCHEMA[n] : k.keys?.[n]), undefined);
    const value: JsonValue = key?.type === 'integer' && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? new SourceNumber(Number(raw), raw) : raw;
    const nested = names.reduceRight<JsonValue>((inner, n) => {
      const o = newObject();
      o[n] = inner;
      return o;
    }, value) as JsonObject;
    layer = merge(layer, nested);
  }
  const json = env[CONFIG_JSON_ENV];
  if (json !== undefined && json !== '') {
    const parsed = parseSource(CONFIG_JSON_ENV, json, problems);
    if (parsed !== undefined && !isJsonObject(parsed)) problems.add(`${CONFIG_JSON_ENV} ${quote(parsed)} is not a JSON object`);
    else if (parsed !== undefined) layer = merge(layer, parsed);
  }
  return layer;
}

/** Parses JSON from `source`, recording a problem (naming the source) when it is not valid JSON. */
export function parseSource(source: string, text: string, problems: Problems): JsonValue | undefined {
  try {
    return parseJson(text);
  } catch (e) {
    problems.add(`${source} is not valid JSON: ${(e as Error).message}`);
    return undefined;
  }
}

/** Whether any configuration is given: the `terminal` context key, or a `TERMINAL_*` variable the app reads. */
function isConfigured(terminalContext: JsonValue | undefined, env: NodeJS.ProcessEnv): boolean {
  const variables = [...Object.keys(CONFIG_ENV).filter((name) => name.startsWith('TERMINAL_')), CONFIG_JSON_ENV];
  return terminalContext !== undefined || variables.some((name) => env[name] !== undefined && env[name] !== '');
}

/**
 * Builds the configuration from the `terminal` context value and the environment. Every problem
 * found is recorded in `problems`; the result is only meaningful when there is none.
 */
export function loadTerminalConfig(terminalContext: JsonValue | undefined, env: NodeJS.ProcessEnv, problems: Problems): TerminalConfig {
  const example = !isConfigured(terminalContext, env);
  let data: JsonObject;
  if (example) {
    data = merge(EXAMPLE, envLayer(env, problems)); // only KUBE_* can be set here
  } else {
    if (terminalContext !== undefined && !isJsonObject(terminalContext))
      problems.add(`terminal ${quote(terminalContext)} (the cdktf context key) is not an object`);
    data = merge(isJsonObject(terminalContext) ? terminalContext : newObject(), envLayer(env, problems));
  }
  const c = readObject(SCHEMA, data, '', problems) as CheckedConfig;

  if (!example) {
    if (data.host === undefined) problems.add('host is not set: give the public host name (cdktf.json context "terminal.host", or TERMINAL_HOST)');
    const ttyd = isJsonObject(data.ttyd) ? data.ttyd : undefined;
    if (ttyd === undefined && data.ttyd === undefined)
      problems.add('ttyd is not set: give { "mode": "external", "address": ... } (or TERMINAL_TTYD_ADDRESS) or { "mode": "in-cluster" }');
    else if (ttyd !== undefined && ttyd.mode !== 'in-cluster' && ttyd.address === undefined)
      problems.add('ttyd.address is not set: give the address of the ttyd host (or TERMINAL_TTYD_ADDRESS), or "mode": "in-cluster"');
  }
  const ttydMode = c.ttyd?.mode ?? 'external';
  if (ttydMode === 'external') {
    for (const k of ['image', 'authHeader'] as const)
      if (c.ttyd?.[k] !== undefined) problems.add(`ttyd.${k} ${JSON.stringify(c.ttyd[k])} needs ttyd.mode "in-cluster" (it is "external")`);
  } else {
    for (const k of ['address', 'mutualTls'] as const)
      if (c.ttyd?.[k] !== undefined) problems.add(`ttyd.${k} ${JSON.stringify(c.ttyd[k])} needs ttyd.mode "external" (it is "${ttydMode}")`);
  }

  const routes = c.routes ?? [];
  const paths = routes.map((r) => (typeof r.path === 'string' ? r.path : ''));
  routes.forEach((route, i) => {
    if (route.path === undefined) problems.add(`routes[${i}].path is not set`);
    if ((route.hostPort === undefined) === (route.service === undefined))
      problems.add(`routes[${i}] needs exactly one of hostPort (a port on the ttyd host) and service`);
    if (route.hostPort !== undefined && ttydMode !== 'external')
      problems.add(`routes[${i}].hostPort needs ttyd.mode "external"; give service { name, port } instead`);
  });
  for (const p of routePathProblems(paths, 'terminal', (i) => `routes[${i}].path`)) if (routes[p.index].path !== undefined) problems.add(p.message);
  problems.add(checkAuthReason((c.auth ?? 'required') as AuthPosture, c.authReason));
  const probeOn = c.probe?.enabled ?? true;
  // Settings of a part that is off are read by nothing, so they are not checked either: refused.
  for (const [part, settings] of [
    ['probe', c.probe],
    ['alerts', c.alerts],
    ['dashboard', c.dashboard],
  ] as const) {
    if (settings?.enabled !== false) continue;
    for (const [field, value] of leaves(part, settings)) {
      if (field !== `${part}.enabled`)
        problems.add(`${field} ${JSON.stringify(value)} is set with ${part}.enabled false, so nothing reads it; leave it out`);
    }
  }
  if (c.alerts?.enabled === true && !probeOn)
    problems.add('alerts.enabled is true with probe.enabled false: the staleness alert would fire forever; turn both on or both off');
  if (c.stateBackend !== 'pg' && c.pgSchemaName !== undefined) problems.add('pgSchemaName needs stateBackend "pg"');
  if (c.mirror !== undefined && ttydMode !== 'external')
    problems.add('mirror needs ttyd.mode "external" (the mirror is a second ttyd on that host, at mirror.hostPort)');
  if (isJsonObject(data.mirror)) for (const k of ['host', 'hostPort']) if (data.mirror[k] === undefined) problems.add(`mirror.${k} is not set`);
  if (isJsonObject(data.dns)) for (const k of ['provider', 'zoneId', 'mode']) if (data.dns[k] === undefined) problems.add(`dns.${k} is not set`);
  if (c.dns?.mode !== undefined && c.dns?.zoneId !== undefined) checkDnsOptions(c.dns).forEach((p) => problems.add(p));
  if (c.adoptSkip !== undefined && c.adopt !== true) problems.add('adoptSkip needs adopt true');
  return { example, stackName: c.stackName ?? 'terminal', props: terminalStackProps(c) };
}

/** The configuration after the schema check: the keys of cdktf.json's `terminal`, each of its declared type. */
type CheckedConfig = Pick<
  TerminalStackProps,
  | 'namespace'
  | 'namespaceLabels'
  | 'tlsSecretName'
  | 'authReason'
  | 'createAuthMiddleware'
  | 'authOutpostUrl'
  | 'authentikOutpost'
  | 'traefik'
  | 'mirror'
  | 'annotations'
  | 'namespaceIgnoredLabels'
  | 'adopt'
  | 'adoptSkip'
  | 'kubeConfigPath'
  | 'kubeContext'
  | 'pgSchemaName'
> & {
  readonly stackName?: string;
  readonly host?: string;
  readonly ttyd?: {
    readonly mode?: string;
    readonly address?: string;
    readonly port?: number;
    readonly image?: string;
    readonly authHeader?: string;
    readonly mutualTls?: TtydMutualTls;
  };
  readonly routes?: readonly {
    readonly path?: string;
    readonly hostPort?: number;
    readonly service?: { readonly name: string; readonly port: number };
    readonly stripPrefix?: boolean;
  }[];
  readonly probe?: TerminalProbeOptions;
  readonly alerts?: TerminalAlertsOptions;
  readonly dashboard?: TerminalDashboardOptions;
  readonly authMiddleware?: Partial<MiddlewareRef>;
  readonly dns?: DnsOptions & { readonly provider?: string };
  readonly auth?: string;
  readonly ingressKind?: string;
  readonly stateBackend?: string;
};

/** The stack props a checked configuration stands for. */
function terminalStackProps(c: CheckedConfig): TerminalStackProps {
  const t = c.ttyd ?? {};
  const ttyd =
    t.mode === 'in-cluster'
      ? TtydBackend.inCluster(defined({ image: t.image, authHeader: t.authHeader, port: t.port }))
      : TtydBackend.externalHost(defined({ address: t.address ?? '', port: t.port, mutualTls: t.mutualTls }));
  const routes: TerminalRouteOptions[] = (c.routes ?? []).map((r) =>
    defined({
      path: r.path ?? '',
      hostPort: r.hostPort,
      service: r.service,
      stripPrefix: r.stripPrefix,
    }),
  );
  return defined({
    host: c.host ?? '',
    ttyd,
    namespace: c.namespace,
    namespaceLabels: c.namespaceLabels,
    tlsSecretName: c.tlsSecretName,
    ingressKind: c.ingressKind as IngressKind | undefined,
    auth: c.auth as AuthPosture | undefined,
    authReason: c.authReason,
    authMiddleware: c.authMiddleware !== undefined ? { namespace: 'traefik', name: 'authentik-forward-auth', ...c.authMiddleware } : undefined,
    createAuthMiddleware: c.createAuthMiddleware,
    authOutpostUrl: c.authOutpostUrl,
    authentikOutpost: c.authentikOutpost,
    traefik: c.traefik,
    mirror: c.mirror,
    annotations: c.annotations,
    dns: c.dns !== undefined ? defined({ ...c.dns, provider: undefined }) : undefined,
    namespaceIgnoredLabels: c.namespaceIgnoredLabels,
    adopt: c.adopt,
    adoptSkip: c.adoptSkip,
    routes,
    kubeConfigPath: c.kubeConfigPath,
    kubeContext: c.kubeContext,
    stateBackend: c.stateBackend as StateBackend | undefined,
    pgSchemaName: c.pgSchemaName,
    probe: c.probe,
    alerts: c.alerts,
    dashboard: c.dashboard,
  });
}

/** Drops unset keys, so spreading the result over defaults keeps them. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
