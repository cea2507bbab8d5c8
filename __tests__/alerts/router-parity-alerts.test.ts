import { traefikRouterParityAlertGroup } from '../../lib/router-parity-alerts';
import { webterminalAlertGroup } from '../../lib/webterminal-alerts';
import { WebterminalAlertsProps } from '../../lib/webterminal-alerts-props';

describe('Traefik Router Parity sources', () => {
  const skew = (props: WebterminalAlertsProps): string => traefikRouterParityAlertGroup(props).alerts[0].expr;

  test('inventory (default): the probe router counts per replica, within the probe job', () => {
    const counts = 'max by (job, replica) (webterminal_probe_replica_routers{job="webterminal-probe"})';
    expect(skew({})).toBe(`(\n  max by (job) (${counts})\n  - on (job) group_right ()\n  ${counts}\n) > 0`);
  });

  test('traefik-v2: distinct routers of traefik_router_open_connections per pod', () => {
    const counts = 'count by (pod) (count by (pod, router) (traefik_router_open_connections))';
    expect(skew({ paritySource: 'traefik-v2' })).toBe(`(\n  max(${counts})\n  - on () group_right ()\n  ${counts}\n) > 0`);
  });

  test('traefik-v3: distinct routers of traefik_router_requests_total per replica label', () => {
    const counts = 'count by (instance) (count by (instance, router) (traefik_router_requests_total))';
    expect(skew({ paritySource: 'traefik-v3', parityReplicaLabel: 'instance' })).toBe(
      `(\n  max(${counts})\n  - on () group_right ()\n  ${counts}\n) > 0`,
    );
  });

  test('the description names the replica by the configured label and the source', () => {
    const alert = traefikRouterParityAlertGroup({ paritySource: 'traefik-v3' }).alerts[0];
    expect(alert.description).toBe(
      'Traefik replica {{ $labels.pod }} lacks {{ $value }} of the routers the replica with most has (source: traefik-v3).',
    );
  });

  test('the group factories work alone', () => {
    expect(webterminalAlertGroup().alerts.map((a) => a.name)).toStrictEqual([
      'WebterminalTokenDegraded',
      'WebterminalWebsocketDegraded',
      'WebterminalTtydUnreachable',
      'WebterminalReplicaRouteMissing',
      'WebterminalProbeStale',
      'WebterminalProbeBlind',
      'WebterminalTtydOpen',
      'WebterminalRouteMissing',
      'WebterminalCarveOutWalledOff',
      'WebterminalRouteUngated',
    ]);
    expect(traefikRouterParityAlertGroup().name).toBe('Traefik Router Parity');
    expect(traefikRouterParityAlertGroup().alerts.map((a) => a.name)).toStrictEqual([
      'TraefikRouterCountSkew',
      'TraefikRouterInventoryFailing',
      'WebterminalForeignRoute',
    ]);
  });
});
