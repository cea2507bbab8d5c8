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
export { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
export { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
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
