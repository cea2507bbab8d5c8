/** The app's stack: the Kubernetes provider and the state backend around one {@link Webterminal}. */
import { Construct } from 'constructs';
import { KubernetesProvider, LocalBackend, PgBackend, TerraformStack } from './private/cdktf';
import { ValidationError, checkNonEmpty, checkOneOf } from './private/validation';
import { STATE_BACKENDS, type StateBackend } from './private/vocabulary';
import { escapeTemplates } from './private/templates';
import { Webterminal } from './webterminal';
import type { WebterminalProps } from './webterminal-props';

export type { StateBackend } from './private/vocabulary';

/** Props of {@link TerminalStack}: the terminal's, with the provider's and the state backend's. */
export interface TerminalStackProps extends WebterminalProps {
  /**
   * Kubeconfig file, written into the provider block. Leave it out to let the provider read its own
   * variables when Terraform runs: `KUBE_CONFIG_PATH` (provider v2 has no `~/.kube/config` default),
   * `KUBE_CTX`, or `KUBE_HOST` with a token.
   * @default - none: the provider's own settings
   */
  readonly kubeConfigPath?: string;
  /**
   * Kubeconfig context.
   * @default - the kubeconfig's current context
   */
  readonly kubeContext?: string;
  /**
   * State backend. `pg` takes its connection string from `PG_CONN_STR` in the environment of
   * `terraform`/`cdktf deploy`; it is never written into the synthesized JSON.
   * @default "local"
   */
  readonly stateBackend?: StateBackend;
  /**
   * State file of the `local` backend, relative to the stack's folder `cdktf.out/stacks/<id>/`
   * (where Terraform runs), so the synthesized JSON is the same from any checkout path. The
   * default is the project root, outside `cdktf.out/`, which synth may rewrite.
   * @default "../../../terraform.<id>.tfstate"
   */
  readonly localStatePath?: string;
  /**
   * PostgreSQL schema of the `pg` backend: one schema per stack.
   * @default - the stack's name
   */
  readonly pgSchemaName?: string;
}

/**
 * The terminal stack: the provider and the state backend around one {@link Webterminal} with the id
 * `Default`, which cdktf leaves out of logical ids, so every Terraform address is the one it always
 * had. Its attributes are the terminal's.
 */
export class TerminalStack extends TerraformStack {
  /** The terminal. */
  public readonly terminal: Webterminal;
  /** The state backend in use. */
  public readonly stateBackend: StateBackend;
  /** The kubeconfig path written into the provider block, when one was given. */
  public readonly kubeConfigPath?: string;

  constructor(scope: Construct, id: string, props: TerminalStackProps) {
    super(scope, id);
    this.stateBackend = props.stateBackend ?? 'local';
    this.kubeConfigPath = props.kubeConfigPath;
    // Every problem at once: the stack's own and the terminal's.
    const own = [
      this.kubeConfigPath === undefined ? undefined : checkNonEmpty('kubeConfigPath', this.kubeConfigPath),
      checkOneOf('stateBackend', this.stateBackend, STATE_BACKENDS),
    ].filter((problem): problem is string => problem !== undefined);
    let terminal: Webterminal | undefined;
    try {
      terminal = new Webterminal(this, 'Default', props);
    } catch (error) {
      if (error instanceof ValidationError && own.length > 0)
        throw new ValidationError('', [...own.map((p) => `terminal-stack: ${p}`), ...error.lines]);
      throw error;
    }
    if (own.length > 0) throw new ValidationError('terminal-stack', own);
    this.terminal = terminal;

    // Without a path given here the provider reads its own settings when Terraform runs
    // (KUBE_CONFIG_PATH, KUBE_CTX, KUBE_HOST, ...): no path of the synthesizing machine is written.
    new KubernetesProvider(this, 'Kubernetes', {
      configPath: this.kubeConfigPath === undefined ? undefined : escapeTemplates(this.kubeConfigPath),
      configContext: props.kubeContext === undefined ? undefined : escapeTemplates(props.kubeContext),
    });
    this.useStateBackend(id, props.pgSchemaName, props.localStatePath);
  }

  /** The namespace name. */
  public get namespace(): Webterminal['namespace'] {
    return this.terminal.namespace;
  }
  /** The namespace resource. */
  public get namespaceResource(): Webterminal['namespaceResource'] {
    return this.terminal.namespaceResource;
  }
  /** The terminal's host: ttyd Service, ingress, DNS. */
  public get mainHost(): Webterminal['mainHost'] {
    return this.terminal.mainHost;
  }
  /** The read-only mirror's host, when `mirror` is given. */
  public get mirrorHost(): Webterminal['mirrorHost'] {
    return this.terminal.mirrorHost;
  }
  /** The ttyd Service. */
  public get ttydService(): Webterminal['ttydService'] {
    return this.terminal.ttydService;
  }
  /** The main host's protected ingress. */
  public get ingress(): Webterminal['ingress'] {
    return this.terminal.ingress;
  }
  /** The import blocks, when `adopt` is set. */
  public get imports(): Webterminal['imports'] {
    return this.terminal.imports;
  }
  /** The probe, unless `probe.enabled` is false. */
  public get webterminalProbe(): Webterminal['webterminalProbe'] {
    return this.terminal.webterminalProbe;
  }
  /** The alert groups, unless `alerts.enabled` is false. */
  public get ruleSet(): Webterminal['ruleSet'] {
    return this.terminal.ruleSet;
  }
  /** The rules' Kubernetes objects, unless `alerts.enabled` is false. */
  public get prometheusRules(): Webterminal['prometheusRules'] {
    return this.terminal.prometheusRules;
  }
  /** The Grafana dashboard's ConfigMap, unless `dashboard.enabled` is false. */
  public get webterminalDashboard(): Webterminal['webterminalDashboard'] {
    return this.terminal.webterminalDashboard;
  }
  /** The created Authentik middleware, when `createAuthMiddleware` is set. */
  public get forwardAuth(): Webterminal['forwardAuth'] {
    return this.terminal.forwardAuth;
  }
  /** Where Traefik runs, defaults filled in. */
  public get traefikLocation(): Webterminal['traefikLocation'] {
    return this.terminal.traefikLocation;
  }
  /** The NetworkPolicy in front of an in-cluster ttyd. */
  public get networkPolicy(): Webterminal['networkPolicy'] {
    return this.terminal.networkPolicy;
  }
  /** The outpost route, when `authentikOutpost` is set. */
  public get outpostRoute(): Webterminal['outpostRoute'] {
    return this.terminal.outpostRoute;
  }

  private useStateBackend(stackName: string, pgSchemaName: string | undefined, localStatePath: string | undefined): void {
    if (this.stateBackend === 'local') {
      new LocalBackend(this, { path: localStatePath ?? `../../../terraform.${stackName}.tfstate` });
      return;
    }
    // conn_str is left out on purpose: Terraform's pg backend then reads PG_CONN_STR from the
    // environment, so the connection string (with its password) never enters cdk.tf.json.
    const backend = new PgBackend(this, { connStr: '', schemaName: pgSchemaName ?? stackName });
    backend.addOverride('conn_str', undefined);
  }
}
