/**
 * The rules of a whole terminal's props, one table for both readers: {@link Webterminal} checks its
 * props with it, and the app checks the props its configuration makes with it, so each rule is
 * written once, with one message. Each message names the field as the configuration spells it
 * (`routes[0].hostPort`), the value, and what would be accepted.
 */
import type { WebterminalProps } from '../webterminal-props';
import { DEFAULT_NAMESPACE, DEFAULT_TTYD_SERVICE_NAME } from './defaults';
import { checkShellPosture, routeListProblems } from './routes';
import { POD_SECURITY_LABELS, SYSTEM_NAMESPACES } from './vocabulary';

/** One rule: the problems it finds in the props (undefined where there is none). */
type TerminalRule = (props: WebterminalProps) => readonly (string | undefined)[];

const q = (value: unknown): string => JSON.stringify(value);

/** Every rule, in the order the problems are reported. */
const TERMINAL_RULES: readonly TerminalRule[] = [
  // The namespace is created and, on destroy, deleted: never one of the cluster's.
  (p) => {
    const namespace = p.namespace ?? DEFAULT_NAMESPACE;
    return [
      SYSTEM_NAMESPACES.includes(namespace)
        ? `namespace ${q(namespace)} belongs to the cluster; the stack creates (and on destroy deletes) its namespace, so give one of its own`
        : undefined,
    ];
  },
  (p) => [
    p.alerts?.enabled === true && p.probe?.enabled === false
      ? 'alerts.enabled is true with probe.enabled false: the staleness alert would fire forever; turn both on or both off'
      : undefined,
  ],
  (p) => routeListProblems(p.routes ?? [], 'terminal').map((problem) => problem.message),
  // ttyd trusts a header any client can send: only the gated postures keep the shell closed.
  (p) => [checkShellPosture(p.auth ?? 'required')],
  (p) => {
    const hosts = [p.host, ...(p.mirror !== undefined ? [p.mirror.host] : [])];
    return Object.keys(p.dns?.recordIds ?? {}).map((host) =>
      hosts.includes(host) ? undefined : `dns.recordIds host ${q(host)} is not one of this stack's hosts (${hosts.map(q).join(', ')})`,
    );
  },
  (p) => [
    p.mirror !== undefined && p.ttyd.externalAddress === undefined
      ? `mirror.hostPort ${p.mirror.hostPort} needs ttyd on an external host (ttyd.mode "external"; the mirror is a second ttyd there)`
      : undefined,
    p.mirror !== undefined && p.ttyd.externalAddress !== undefined && p.mirror.hostPort === p.ttyd.targetPort
      ? `mirror.hostPort ${p.mirror.hostPort} is ttyd's own port: the read-only host would serve the writable shell; ` +
        "give the port of the mirror's ttyd"
      : undefined,
  ],
  (p) =>
    (p.routes ?? []).flatMap((route, i) => [
      (route.hostPort === undefined) === (route.service === undefined)
        ? `routes[${i}] needs exactly one of hostPort (a port on the ttyd host) and service`
        : undefined,
      route.hostPort !== undefined && p.ttyd.externalAddress === undefined
        ? `routes[${i}].hostPort ${route.hostPort} needs ttyd on an external host (ttyd.mode "external"); give service { name, port } instead`
        : undefined,
      p.ttyd.externalAddress !== undefined && route.hostPort === p.ttyd.targetPort
        ? `routes[${i}].hostPort ${route.hostPort} is ttyd's own port: the route would serve the shell under a second path`
        : undefined,
      route.service?.name === DEFAULT_TTYD_SERVICE_NAME
        ? `routes[${i}].service.name ${q(route.service.name)} is ttyd's own Service: the route would serve the shell under a second path`
        : undefined,
      p.mirror !== undefined && route.hostPort !== undefined && route.hostPort === p.mirror.hostPort
        ? `mirror.hostPort ${p.mirror.hostPort} is also routes[${i}].hostPort: one port cannot be both the mirror and a route`
        : undefined,
    ]),
  // Pod Security "restricted" is enforced on the namespace: its labels are the stack's.
  (p) => [
    ...Object.entries(p.namespaceLabels ?? {}).map(([key, value]) => {
      const enforced = POD_SECURITY_LABELS[key];
      return enforced !== undefined && value !== enforced
        ? `namespaceLabels ${q(key)} ${q(value)}: the stack enforces Pod Security ${q(enforced)} and would drop it; leave the label out`
        : undefined;
    }),
    ...(p.namespaceIgnoredLabels ?? []).map((key, i) =>
      key in POD_SECURITY_LABELS
        ? `namespaceIgnoredLabels[${i}] ${q(key)} is a Pod Security label the stack enforces; it cannot be left to someone else`
        : undefined,
    ),
  ],
  (p) => [
    p.authOutpostUrl !== undefined && p.createAuthMiddleware !== true
      ? `authOutpostUrl ${q(p.authOutpostUrl)} is set with createAuthMiddleware off, so nothing would use it; ` +
        'turn createAuthMiddleware on, or leave authOutpostUrl out'
      : undefined,
  ],
  (p) => {
    const alertsOn = p.alerts?.enabled ?? p.probe?.enabled ?? true;
    return [
      alertsOn && p.alerts?.prometheusRule === false && p.alerts.configMap !== true
        ? 'alerts.prometheusRule and alerts.configMap are both off with alerts on: the rules would go nowhere; turn one on, ' +
          'or set alerts.enabled false'
        : undefined,
      alertsOn && p.alerts?.paritySource === 'inventory' && p.probe?.routerInventory !== true
        ? 'alerts.paritySource "inventory" needs probe.routerInventory true: without it TraefikRouterCountSkew reads series nobody pushes ' +
          'and can never fire'
        : undefined,
    ];
  },
];

/** Every problem the table finds in a terminal's props, in order. */
export function terminalRuleProblems(props: WebterminalProps): string[] {
  return TERMINAL_RULES.flatMap((rule) => rule(props)).filter((problem): problem is string => problem !== undefined);
}
