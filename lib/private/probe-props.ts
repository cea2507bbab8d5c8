import type { Construct } from 'constructs';
import contract from '../probe/contract.json';
import type { ProbeRoute, PushgatewayCredentialsSecret, RemediationMode, WebterminalProbeProps } from '../webterminal-probe-props';
import { CronSchedule, parseCron, shortestIntervalSeconds, unsteadyReason } from './schedule';
import { resolveTraefikLocation } from './traefik';
import {
  Problems,
  checkDnsLabel,
  checkDnsName,
  checkHostNameOrAddress,
  checkHttpUrl,
  checkInteger,
  checkPinnedImage,
  checkPort,
  redactUrl,
  checkMetadata,
} from './validation';
import { DEFAULT_LABELS } from './defaults';

/** The probe's defaults and limits: the contract's, which the script applies to its variables too. */
const DEFAULT = contract.defaults;
const LIMIT = contract.limits as Record<keyof typeof contract.limits, [number, number]>;
/** A router as Traefik's API names it (`name@provider`): the contract says how. */
const ROUTER_NAME = new RegExp(contract.routerNamePattern);
/** A route's name, the `route` label of its series: the contract says how. */
const ROUTE_NAME = new RegExp(contract.routeNamePattern);
/** A path the probe asks for (absolute, printable ASCII): the contract says how. */
const ROUTE_PATH = new RegExp(contract.routePathPattern);

/** Keys the Kubernetes API accepts in a Secret's data. */
function checkSecretKey(field: string, value: string): string | undefined {
  return /^[-._a-zA-Z0-9]{1,253}$/.test(value) ? undefined : `${field} ${JSON.stringify(value)} is not a Secret key (letters, digits, '-', '_', '.')`;
}

/** {@link WebterminalProbeProps} with every default filled in and the schedule parsed. */
export interface ResolvedProbeProps {
  readonly name: string;
  readonly namespace: string;
  readonly job: string;
  readonly schedule: string;
  readonly samples: number;
  readonly timeoutSeconds: number;
  readonly deadlineSeconds: number;
  readonly routerInventory: boolean;
  readonly edgeUrl: string;
  readonly originUrl: string;
  readonly mirrorEdgeUrl?: string;
  readonly mirrorOriginUrl?: string;
  readonly ownRouters?: readonly string[];
  readonly ttydRouters?: readonly string[];
  readonly routes: readonly ProbeRoute[];
  readonly pushgatewayUrl: string;
  readonly credentials?: PushgatewayCredentialsSecret;
  readonly explicitReplicas?: string;
  readonly replicas: string;
  readonly replicaPort: number;
  readonly maxReplicas: number;
  readonly apiPort: number;
  readonly createReplicaService: boolean;
  readonly replicaServiceName: string;
  readonly replicaServiceNamespace: string;
  readonly replicaServiceSelector: Readonly<Record<string, string>>;
  readonly image: string;
  readonly runAsUser: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly originTls?: string;
  readonly authentikHost?: string;
  readonly authHeader: string;
  readonly authUser: string;
  readonly insecureTls: boolean;
  readonly remediationMode: RemediationMode;
  readonly remediationAfterRuns: number;
  readonly remediationMinIntervalSeconds: number;
  readonly remediating: boolean;
  /** The parsed schedule, or the problem with it. */
  readonly parsedSchedule: CronSchedule | string;
  /** Shortest time between runs, 0 when the schedule does not parse. */
  readonly intervalSeconds: number;
  readonly worstRunSeconds: number;
  readonly activeDeadlineSeconds: number;
}

export function resolveProbeProps(props: WebterminalProbeProps): ResolvedProbeProps {
  const traefik = resolveTraefikLocation(props.traefik);
  const createReplicaService = props.createReplicaService ?? false;
  const replicaServiceName = props.replicaServiceName ?? 'traefik-replicas';
  const replicaServiceNamespace = props.replicaServiceNamespace ?? traefik.namespace;
  const schedule = props.schedule ?? '*/5 * * * *';
  const parsedSchedule = parseCron('schedule', schedule);
  const intervalSeconds = typeof parsedSchedule === 'string' ? 0 : shortestIntervalSeconds(parsedSchedule);
  const timeoutSeconds = props.timeoutSeconds ?? DEFAULT.timeoutSeconds;
  const deadlineSeconds = props.deadlineSeconds ?? DEFAULT.deadlineSeconds;
  // Worst case a run lasts its deadline plus the push's timeout; the Job gets a margin above that
  // and must be over before the next run is due, or Forbid would skip it.
  const worstRunSeconds = deadlineSeconds + timeoutSeconds;
  const remediationMode = props.remediation?.mode ?? (DEFAULT.remediate as RemediationMode);
  return {
    name: props.name ?? 'webterminal-probe',
    namespace: props.namespace,
    job: props.job ?? DEFAULT.job,
    schedule,
    samples: props.samples ?? DEFAULT.samples,
    timeoutSeconds,
    deadlineSeconds,
    routerInventory: props.routerInventory ?? false,
    edgeUrl: props.edgeUrl,
    originUrl: props.originUrl,
    mirrorEdgeUrl: props.mirrorEdgeUrl,
    mirrorOriginUrl: props.mirrorOriginUrl,
    ownRouters: props.ownRouters,
    ttydRouters: props.ttydRouters,
    routes: props.routes ?? [],
    pushgatewayUrl: props.pushgatewayUrl ?? 'http://prometheus-pushgateway.monitoring.svc.cluster.local:9091',
    credentials: props.pushgatewayCredentialsSecret,
    explicitReplicas: props.replicas,
    replicas: props.replicas ?? (createReplicaService ? `${replicaServiceName}.${replicaServiceNamespace}.svc.cluster.local` : ''),
    replicaPort: props.replicaPort ?? traefik.websecurePort,
    maxReplicas: props.maxReplicas ?? DEFAULT.maxReplicas,
    apiPort: props.traefikApiPort ?? traefik.apiPort,
    createReplicaService,
    replicaServiceName,
    replicaServiceNamespace,
    replicaServiceSelector: props.replicaServiceSelector ?? traefik.podSelector,
    image: props.image ?? contract.probeImage,
    runAsUser: props.runAsUser ?? 1000,
    labels: props.labels ?? { ...DEFAULT_LABELS, 'app.kubernetes.io/component': 'probe' },
    originTls: props.originClientCertSecret,
    authentikHost: props.authentikHost,
    authHeader: props.authHeader ?? DEFAULT.authHeader,
    authUser: props.authUser ?? DEFAULT.authUser,
    insecureTls: props.insecureTls ?? false,
    remediationMode,
    remediationAfterRuns: props.remediation?.afterRuns ?? DEFAULT.remediateAfterRuns,
    remediationMinIntervalSeconds: props.remediation?.minIntervalSeconds ?? DEFAULT.remediateMinIntervalSeconds,
    remediating: remediationMode !== 'off',
    parsedSchedule,
    intervalSeconds,
    worstRunSeconds,
    activeDeadlineSeconds: worstRunSeconds + Math.min(30, Math.floor((intervalSeconds - worstRunSeconds) / 2)),
  };
}

/** Throws one {@link ValidationError} with every problem of the resolved props. */
export function validateProbeProps(r: ResolvedProbeProps, scope: Construct): void {
  const problems = new Problems('webterminal-probe');
  problems.add(checkDnsLabel('name', r.name));
  problems.add(checkDnsLabel('namespace', r.namespace));
  problems.add(checkHttpUrl('edgeUrl', r.edgeUrl));
  problems.add(checkHttpUrl('originUrl', r.originUrl));
  if (r.mirrorEdgeUrl !== undefined) problems.add(checkHttpUrl('mirrorEdgeUrl', r.mirrorEdgeUrl));
  if (r.mirrorOriginUrl !== undefined && r.mirrorEdgeUrl === undefined) problems.add('mirrorOriginUrl needs mirrorEdgeUrl');
  problems.add(checkHttpUrl('pushgatewayUrl', r.pushgatewayUrl));
  if (checkHttpUrl('pushgatewayUrl', r.pushgatewayUrl) === undefined && !/^https?:\/\/[^/?#]+\/?$/.test(r.pushgatewayUrl)) {
    problems.add(
      `pushgatewayUrl ${JSON.stringify(redactUrl(r.pushgatewayUrl))} has a path, query or fragment; give the base URL (the probe adds ` +
        `/metrics/job/...)`,
    );
  }
  if (r.credentials !== undefined) {
    problems.add(checkDnsName('pushgatewayCredentialsSecret.name', r.credentials.name, 'object'));
    problems.add(checkSecretKey('pushgatewayCredentialsSecret.usernameKey', r.credentials.usernameKey ?? 'username'));
    problems.add(checkSecretKey('pushgatewayCredentialsSecret.passwordKey', r.credentials.passwordKey ?? 'password'));
  }
  problems.add(checkInteger('maxReplicas', r.maxReplicas, ...LIMIT.maxReplicas));
  if (r.explicitReplicas !== undefined && r.explicitReplicas !== '') {
    const listed = r.explicitReplicas.split(',');
    listed.forEach((entry, i) => problems.add(checkHostNameOrAddress(`replicas[${i}]`, entry.trim())));
    if (listed.length > 1 && listed.length > r.maxReplicas) {
      problems.add(
        `replicas lists ${listed.length} addresses, more than maxReplicas ${r.maxReplicas}: the probe would leave some out; raise maxReplicas`,
      );
    }
  }
  problems.add(
    /^[A-Za-z0-9_.:-]+$/.test(r.job) ? undefined : `job ${JSON.stringify(r.job)} is not a Pushgateway job name (letters, digits, '_', '.', ':', '-')`,
  );
  problems.add(checkInteger('samples', r.samples, ...LIMIT.samples));
  problems.add(checkInteger('timeoutSeconds', r.timeoutSeconds, 1));
  problems.add(checkInteger('deadlineSeconds', r.deadlineSeconds, 1));
  problems.add(checkPort('replicaPort', r.replicaPort));
  problems.add(checkPort('traefikApiPort', r.apiPort));
  problems.add(checkPinnedImage('image', r.image));
  problems.add(checkInteger('runAsUser', r.runAsUser, 1));
  problems.addAll(checkMetadata('labels', 'labels', r.labels));
  if (r.originTls !== undefined) problems.add(checkDnsName('originClientCertSecret', r.originTls, 'object'));
  if (r.authentikHost !== undefined) problems.add(checkDnsName('authentikHost', r.authentikHost));
  if (r.routerInventory && r.replicas === '')
    problems.add('routerInventory needs replicas (or createReplicaService) to know where the Traefik APIs are');
  if ((r.ownRouters === undefined) !== (r.ttydRouters === undefined)) problems.add('ownRouters and ttydRouters go together');
  for (const [key, names] of [
    ['ownRouters', r.ownRouters],
    ['ttydRouters', r.ttydRouters],
  ] as const) {
    for (const name of names ?? []) {
      if (!ROUTER_NAME.test(name)) problems.add(`${key}: ${JSON.stringify(name)} is not a router name as Traefik's API gives it (name@provider)`);
    }
  }
  problems.addAll(probeRouteProblems(r.routes));
  for (const name of r.ttydRouters ?? [])
    if (!(r.ownRouters ?? []).includes(name)) problems.add(`ttydRouters: ${JSON.stringify(name)} is not in ownRouters`);
  if (!contract.remediationModes.includes(r.remediationMode)) {
    problems.add(
      `remediation.mode ${JSON.stringify(r.remediationMode)} is not one of ${contract.remediationModes.map((m) => JSON.stringify(m)).join(', ')}`,
    );
  }
  problems.add(checkInteger('remediation.afterRuns', r.remediationAfterRuns, ...LIMIT.remediateAfterRuns));
  problems.add(checkInteger('remediation.minIntervalSeconds', r.remediationMinIntervalSeconds, ...LIMIT.remediateMinIntervalSeconds));
  if (r.remediating && r.replicas === '')
    problems.add(
      `remediation.mode "${r.remediationMode}" needs replicas (or createReplicaService): the per-replica checks name the replica to evict`,
    );
  if (r.remediating && !r.createReplicaService) {
    problems.add(checkDnsLabel('replicaServiceNamespace', r.replicaServiceNamespace));
    problems.addAll(checkMetadata('replicaServiceSelector', 'labels', r.replicaServiceSelector));
  }
  if (r.remediating && Object.keys(r.replicaServiceSelector).length === 0)
    problems.add('replicaServiceSelector is empty: remediation would match every pod in the namespace');
  if (r.createReplicaService) {
    problems.add(checkDnsLabel('replicaServiceName', r.replicaServiceName));
    problems.add(checkDnsLabel('replicaServiceNamespace', r.replicaServiceNamespace));
    problems.addAll(checkMetadata('replicaServiceSelector', 'labels', r.replicaServiceSelector));
  }
  if (r.timeoutSeconds > r.deadlineSeconds) problems.add(`timeoutSeconds ${r.timeoutSeconds} is above deadlineSeconds ${r.deadlineSeconds}`);
  if (typeof r.parsedSchedule === 'string') problems.add(r.parsedSchedule);
  else problems.add(unsteadyReason('schedule', r.parsedSchedule));
  if (typeof r.parsedSchedule !== 'string' && r.worstRunSeconds + 2 > r.intervalSeconds) {
    problems.add(
      `deadlineSeconds ${r.deadlineSeconds} (plus timeoutSeconds ${r.timeoutSeconds} for the push) is not below the schedule's interval of ` +
        `${r.intervalSeconds} s ("${r.schedule}")`,
    );
  }
  problems.throwIfAny(scope);
}

/** The routes' problems: names unique and label-safe, paths absolute, a status only for a public route. */
function probeRouteProblems(routes: readonly ProbeRoute[]): string[] {
  const problems: string[] = [];
  const most = contract.maxRoutes;
  if (routes.length > most) problems.push(`routes: ${routes.length} routes; at most ${most} are checked on every replica`);
  const seen = new Set<string>();
  routes.forEach((route, i) => {
    const at = `routes[${i}]`;
    if (!ROUTE_NAME.test(route.name))
      problems.push(`${at}.name ${JSON.stringify(route.name)} is not a route name (lower-case letters, digits and '-', at most 63)`);
    if (seen.has(route.name)) problems.push(`${at}.name ${JSON.stringify(route.name)} is given twice`);
    seen.add(route.name);
    const host = checkDnsName(`${at}.host`, route.host);
    if (host !== undefined) problems.push(host);
    if (!ROUTE_PATH.test(route.path)) problems.push(`${at}.path ${JSON.stringify(route.path)} is not an absolute path (printable ASCII, no spaces)`);
    if (!['gated', 'public'].includes(route.expect)) problems.push(`${at}.expect ${JSON.stringify(route.expect)} is not "gated" or "public"`);
    if (route.status !== undefined && route.expect !== 'public')
      problems.push(`${at}.status ${route.status} is for a public route; a gated route must redirect to the Authentik outpost`);
    if (route.status !== undefined && !(Number.isInteger(route.status) && route.status >= 100 && route.status <= 599))
      problems.push(`${at}.status ${route.status} is not an HTTP status (100-599)`);
  });
  return problems;
}
