/**
 * The configuration's keys: every key the app reads, by level, with its type and check. The
 * configuration's TypeScript type ({@link ConfigInput}) is inferred from here.
 */
import { AUTH_POSTURES, DNS_MODES, INGRESS_KINDS, ROUTE_AUTHS, STATE_BACKENDS } from '../lib/private/vocabulary';
import { PARITY_SOURCES } from '../lib/webterminal-alerts-props';
import { REMEDIATION_MODES } from '../lib/webterminal-probe';
import { Annotations } from '../lib/protected-ingress';
import {
  checkDnsLabel,
  checkDnsName,
  checkHeaderName,
  checkHostAddress,
  checkHttpUrl,
  checkMetadata,
  checkNonEmpty,
  checkPinnedImage,
} from '../lib/private/validation';
import { type Infer, type Schema, bool, dict, int, labelMap, list, object, oneOf, port, required, seconds, str, stringMap, strings } from './schema';

const checkObjectName = (field: string, value: string): string | undefined => checkDnsName(field, value, 'object');

const middlewareRefs = list({ namespace: required(str(checkDnsLabel)), name: required(str(checkDnsLabel)) });
const middlewareChain = object({ beforeAuth: middlewareRefs, afterAuth: middlewareRefs });

/** Every key the configuration knows, by level. Add a key here and read it in {@link terminalStackProps}. */
export const SCHEMA = {
  stackName: str(checkDnsLabel),
  host: str(checkDnsName),
  namespace: str(checkDnsLabel),
  namespaceLabels: labelMap,
  tlsSecretName: str(checkObjectName),
  ttyd: object({
    mode: oneOf(['external', 'in-cluster']),
    address: str(checkHostAddress),
    port,
    image: str(checkPinnedImage),
    authHeader: str(checkHeaderName),
    mutualTls: object({ clientCertSecret: required(str(checkObjectName)), serverName: str(checkDnsName) }),
  }),
  ingressKind: oneOf(INGRESS_KINDS),
  auth: oneOf(AUTH_POSTURES),
  authReason: str(),
  authMiddleware: object({ namespace: required(str(checkDnsLabel)), name: required(str(checkDnsLabel)) }),
  createAuthMiddleware: bool,
  authOutpostUrl: str(checkHttpUrl),
  authentikOutpost: object({ namespace: str(checkDnsLabel), name: str(checkDnsLabel), port }),
  traefik: object({ namespace: str(checkDnsLabel), podSelector: labelMap, websecurePort: port, apiPort: port }),
  middlewares: middlewareChain,
  routes: list({
    name: str(),
    path: str(),
    paths: strings(),
    prefixes: strings(),
    hostPort: port,
    service: object({ name: required(str(checkDnsLabel)), port: required(port) }),
    stripPrefix: bool,
    auth: oneOf(ROUTE_AUTHS),
    authReason: str(),
    middlewares: middlewareChain,
    compress: bool,
    probe: object({ path: str(), status: int(100, 599) }),
  }),
  kubeConfigPath: str(checkNonEmpty),
  kubeContext: str(checkNonEmpty),
  stateBackend: oneOf(STATE_BACKENDS),
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
    provider: required(oneOf(['cloudflare'])),
    zoneId: required(str()),
    mode: required(oneOf(DNS_MODES)),
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
} satisfies Schema;

/** The configuration after the schema check: each key of its declared type. */
export type ConfigInput = Infer<typeof SCHEMA>;
