/** Where the terminal stack keeps its Terraform state. */
import { LocalBackend, PgBackend, type TerraformStack } from './cdktf';
import type { StateBackend } from './vocabulary';

/** Where the state of `stackName` goes, for each backend. */
export interface StateBackendOptions {
  readonly stackName: string;
  /** Schema of the `pg` backend; the stack's name when not given. */
  readonly pgSchemaName?: string;
  /** State file of the `local` backend, relative to the stack's folder; the project root when not given. */
  readonly localStatePath?: string;
}

/** Adds the state backend to `stack`. */
export function useStateBackend(stack: TerraformStack, backend: StateBackend, options: StateBackendOptions): void {
  if (backend === 'local') {
    new LocalBackend(stack, { path: options.localStatePath ?? `../../../terraform.${options.stackName}.tfstate` });
    return;
  }
  // conn_str is left out on purpose: Terraform's pg backend then reads PG_CONN_STR from the
  // environment, so the connection string (with its password) never enters cdk.tf.json.
  const pg = new PgBackend(stack, { connStr: '', schemaName: options.pgSchemaName ?? options.stackName });
  pg.addOverride('conn_str', undefined);
}
