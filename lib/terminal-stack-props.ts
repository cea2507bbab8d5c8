/** The props of {@link TerminalStack}. */
import type { StateBackend } from './private/vocabulary';
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
