/**
 * The whole cdktf surface of the library: every import of `cdktf` and of the Kubernetes provider
 * goes through this file, so a move to the API-compatible fork (CDK Terrain: `cdktn`,
 * `@cdktn/provider-kubernetes`) is a rename here.
 *
 * Provider classes come from their own modules, not the package index: loading the index alone
 * costs about 1.4 s on a 2-core machine, which is most of a synth.
 */
export {
  Annotations,
  App,
  DefaultTokenResolver,
  Lazy,
  LocalBackend,
  PgBackend,
  StringConcat,
  TerraformElement,
  TerraformResource,
  TerraformStack,
  Testing,
  Token,
  Tokenization,
} from 'cdktf';
export { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
export { EndpointsV1 } from '@cdktf/provider-kubernetes/lib/endpoints-v1';
export { IngressV1 } from '@cdktf/provider-kubernetes/lib/ingress-v1';
export { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
export { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
export { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
export { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
export { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
export { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
export { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
export { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';

/*
 * CronJobV1 and DeploymentV1 are loaded on first use: each module is about 5 MB of JavaScript (with
 * both, a synth loads 13.9 MB; without DeploymentV1, 9.1 MB and a fifth less CPU), and a stack without
 * the probe, or without ttyd in the cluster, never needs it. The require names the module literally,
 * so the synth's bundle (scripts/run-ts.cjs) still carries it, as code that runs when called.
 */
import type * as cronJobV1 from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import type * as deploymentV1 from '@cdktf/provider-kubernetes/lib/deployment-v1';
export type CronJobV1 = cronJobV1.CronJobV1;
export type DeploymentV1 = deploymentV1.DeploymentV1;
/* eslint-disable @typescript-eslint/no-require-imports -- an import would load the module at once, which is what these avoid */
/** The CronJobV1 class, its module loaded on the first call. */
export const loadCronJobV1 = (): typeof cronJobV1.CronJobV1 => (require('@cdktf/provider-kubernetes/lib/cron-job-v1') as typeof cronJobV1).CronJobV1;
/** The DeploymentV1 class, its module loaded on the first call. */
export const loadDeploymentV1 = (): typeof deploymentV1.DeploymentV1 =>
  (require('@cdktf/provider-kubernetes/lib/deployment-v1') as typeof deploymentV1).DeploymentV1;
/* eslint-enable @typescript-eslint/no-require-imports */
