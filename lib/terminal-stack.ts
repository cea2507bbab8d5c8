/** The app's stack: the Kubernetes provider and the state backend around one {@link Webterminal}. */
import { Construct } from 'constructs';
import { KubernetesProvider, TerraformStack } from './private/cdktf';
import { useStateBackend } from './private/state-backend';
import { ValidationError, checkNonEmpty, checkOneOf } from './private/validation';
import { STATE_BACKENDS, type StateBackend } from './private/vocabulary';
import { escapeTemplates } from './private/templates';
import { Webterminal } from './webterminal';
import type { TerminalStackProps } from './terminal-stack-props';

/**
 * The terminal stack: the provider and the state backend around one {@link Webterminal} with the id
 * `Default`, which cdktf leaves out of logical ids, so every Terraform address is the one it always
 * had. Its attributes are the terminal's (see {@link Webterminal} for each).
 */
export class TerminalStack extends TerraformStack {
  public readonly terminal: Webterminal;
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
    useStateBackend(this, this.stateBackend, { stackName: id, pgSchemaName: props.pgSchemaName, localStatePath: props.localStatePath });
  }

  public get namespace(): Webterminal['namespace'] {
    return this.terminal.namespace;
  }
  public get namespaceResource(): Webterminal['namespaceResource'] {
    return this.terminal.namespaceResource;
  }
  public get mainHost(): Webterminal['mainHost'] {
    return this.terminal.mainHost;
  }
  public get mirrorHost(): Webterminal['mirrorHost'] {
    return this.terminal.mirrorHost;
  }
  public get ttydService(): Webterminal['ttydService'] {
    return this.terminal.ttydService;
  }
  public get ingress(): Webterminal['ingress'] {
    return this.terminal.ingress;
  }
  public get imports(): Webterminal['imports'] {
    return this.terminal.imports;
  }
  public get webterminalProbe(): Webterminal['webterminalProbe'] {
    return this.terminal.webterminalProbe;
  }
  public get ruleSet(): Webterminal['ruleSet'] {
    return this.terminal.ruleSet;
  }
  public get prometheusRules(): Webterminal['prometheusRules'] {
    return this.terminal.prometheusRules;
  }
  public get webterminalDashboard(): Webterminal['webterminalDashboard'] {
    return this.terminal.webterminalDashboard;
  }
  public get forwardAuth(): Webterminal['forwardAuth'] {
    return this.terminal.forwardAuth;
  }
  public get traefikLocation(): Webterminal['traefikLocation'] {
    return this.terminal.traefikLocation;
  }
  public get networkPolicy(): Webterminal['networkPolicy'] {
    return this.terminal.networkPolicy;
  }
  public get outpostRoute(): Webterminal['outpostRoute'] {
    return this.terminal.outpostRoute;
  }
}
