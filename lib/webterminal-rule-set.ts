import { AlertGroup, AlertRuleSet } from './alert-model';
import { traefikRouterParityAlertGroup } from './router-parity-alerts';
import { webterminalAlertGroup } from './webterminal-alerts';
import { ResolvedWebterminalAlertsProps, WebterminalAlertsProps } from './webterminal-alerts-props';
import { resolveWebterminalAlertsProps } from './private/resolve-alerts';

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
}
