import { AlertGroup, AlertRuleSet } from './alert-model';
import { traefikRouterParityAlertGroup } from './router-parity-alerts';
import { webterminalAlertGroup } from './webterminal-alerts';
import { ResolvedWebterminalAlertsProps, WebterminalAlertsProps } from './webterminal-alerts-props';
import { resolveWebterminalAlertsProps } from './private/resolve-alerts';
import { remediationAlertGroup } from './remediation-alerts';
import { ValidationError } from './private/validation';
import type { WebterminalProbe } from './webterminal-probe';

/** What a rule set takes from the probe it watches. */
export type WatchedProbe = Pick<WebterminalProbe, 'job' | 'intervalSeconds' | 'routerInventory' | 'remediationMode'>;

/**
 * Both groups in one rule set, with the effective configuration readable. More groups can be added
 * with {@link AlertRuleSet.addGroup}, more alerts with `webterminal.addAlert(...)`.
 */
export class WebterminalRuleSet extends AlertRuleSet {
  /** The configuration in effect, defaults filled in. */
  public readonly config: ResolvedWebterminalAlertsProps;
  /** The `Webterminal` group. */
  public readonly webterminal: AlertGroup;
  /** The `Traefik Router Parity` group. */
  public readonly routerParity: AlertGroup;

  /** Makes both groups from `props`. */
  constructor(props: WebterminalAlertsProps = {}) {
    super();
    this.config = resolveWebterminalAlertsProps(props);
    // The factories resolve again; resolving resolved props changes nothing.
    this.webterminal = this.addGroup(webterminalAlertGroup(this.config));
    this.routerParity = this.addGroup(traefikRouterParityAlertGroup(this.config));
  }

  /**
   * The rule set for one probe: its job and interval come from the probe, so the two cannot
   * disagree (a `probeJob` or `probeIntervalSeconds` in `props` that differs is refused); the parity
   * source defaults to the probe's inventory when it is on; remediation's group is added when the
   * probe remediates.
   */
  public static forProbe(probe: WatchedProbe, props: WebterminalAlertsProps = {}): WebterminalRuleSet {
    const problems: string[] = [];
    if (props.probeJob !== undefined && props.probeJob !== probe.job)
      problems.push(`probeJob ${JSON.stringify(props.probeJob)} is not the probe's job ${JSON.stringify(probe.job)}; leave it out`);
    if (props.probeIntervalSeconds !== undefined && props.probeIntervalSeconds !== probe.intervalSeconds)
      problems.push(`probeIntervalSeconds ${props.probeIntervalSeconds} is not the probe's interval ${probe.intervalSeconds}; leave it out`);
    if (props.paritySource === 'inventory' && !probe.routerInventory)
      problems.push(
        'paritySource "inventory" needs the probe\'s router inventory (probe.routerInventory and its replicas): ' +
          'without it TraefikRouterCountSkew reads series nobody pushes and can never fire',
      );
    if (problems.length > 0) throw new ValidationError('alert-rules', problems);
    const ruleSet = new WebterminalRuleSet({
      ...props,
      probeJob: probe.job,
      probeIntervalSeconds: probe.intervalSeconds,
      paritySource: props.paritySource ?? (probe.routerInventory ? 'inventory' : 'traefik-v3'),
    });
    if (probe.remediationMode !== 'off') {
      ruleSet.addGroup(
        remediationAlertGroup({
          probeJob: probe.job,
          probeIntervalSeconds: probe.intervalSeconds,
          runbookBaseUrl: props.runbookBaseUrl,
          alertLabels: props.alertLabels,
        }),
      );
    }
    return ruleSet;
  }
}
