/**
 * The whole cdktf surface of the library: every import of `cdktf` and of the Kubernetes provider
 * goes through this file, so a move to the API-compatible fork (CDK Terrain: `cdktn`,
 * `@cdktn/provider-kubernetes`) is a rename here.
 *
 * Provider classes come from their own modules, not the package index: loading the index alone
 * costs about 1.4 s on a 2-core machine, which is most of a synth.
 */
export { App, Lazy, LocalBackend, PgBackend, TerraformElement, TerraformResource, TerraformStack, Testing, Token } from 'cdktf';
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
 * the probe, or without ttyd in the cluster, never needs it. `exports.X` is a getter that requires the
 * module; the declarations give it its type.
 */
import type * as cronJobV1 from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import type * as deploymentV1 from '@cdktf/provider-kubernetes/lib/deployment-v1';
export declare const CronJobV1: typeof cronJobV1.CronJobV1;
export type CronJobV1 = cronJobV1.CronJobV1;
export declare const DeploymentV1: typeof deploymentV1.DeploymentV1;
export type DeploymentV1 = deploymentV1.DeploymentV1;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an import would load it at once, which is what this avoids
const providerModule = (name: string): unknown => require(`@cdktf/provider-kubernetes/lib/${name}`);
Object.defineProperties(exports, {
  CronJobV1: { enumerable: true, get: () => (providerModule('cron-job-v1') as typeof cronJobV1).CronJobV1 },
  DeploymentV1: { enumerable: true, get: () => (providerModule('deployment-v1') as typeof deploymentV1).DeploymentV1 },
});
