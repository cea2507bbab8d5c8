/**
 * Checks of a whole built tree, made after every construct exists: what no single construct can see.
 * - Every Kubernetes object is made by one resource: (apiVersion/kind, namespace, name) is unique.
 *   Two resources managing one object fight on every apply, and destroying either deletes both.
 * - No (host, exact path) and no (host, path prefix) is routed twice: Traefik would pick one router
 *   by priority, silently.
 * - The Authentik outpost's route, which carries no forward-auth, never targets a Service this tree
 *   makes (ttyd's among them) or a route's backend: that would be an unauthenticated path to it.
 * - No string is left for Terraform to read as a template (`${...}`, `%{...}`) but the library's own
 *   references (an attribute of a resource, a local, a variable): free text is escaped where it enters,
 *   and this is where a site that forgot it is caught.
 * Each clash names both sources (their construct paths).
 */
import type { IConstruct } from 'constructs';
import { DefaultTokenResolver, StringConcat, TerraformResource, TerraformStack, Tokenization } from './cdktf';

/** The kind each typed resource makes. */
const KINDS: Readonly<Record<string, string>> = {
  kubernetes_namespace_v1: 'v1/Namespace',
  kubernetes_service_v1: 'v1/Service',
  kubernetes_endpoints_v1: 'v1/Endpoints',
  kubernetes_config_map_v1: 'v1/ConfigMap',
  kubernetes_service_account_v1: 'v1/ServiceAccount',
  kubernetes_ingress_v1: 'networking.k8s.io/v1/Ingress',
  kubernetes_network_policy_v1: 'networking.k8s.io/v1/NetworkPolicy',
  kubernetes_cron_job_v1: 'batch/v1/CronJob',
  kubernetes_deployment_v1: 'apps/v1/Deployment',
  kubernetes_role_v1: 'rbac.authorization.k8s.io/v1/Role',
  kubernetes_role_binding_v1: 'rbac.authorization.k8s.io/v1/RoleBinding',
};

export type Json = { readonly [key: string]: Json } & readonly Json[] & string;

export interface MadeObject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly source: string;
  readonly config: Json;
  /** The resource's whole configuration, as Terraform will read it. */
  readonly rendered: Json;
}

/** A Service the outpost route must not reach, beside those the tree makes. */
export interface OutpostTarget {
  readonly namespace: string;
  readonly name: string;
}

/** The resolved configuration of every Kubernetes resource under `scope`. */
export function madeObjects(stack: TerraformStack, scope: IConstruct): MadeObject[] {
  const resources = scope.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
  const configs = resources
    .filter((r) => r.terraformResourceType.startsWith('kubernetes_'))
    .map((r) => {
      const resolver = new DefaultTokenResolver(new StringConcat());
      const rendered = Tokenization.resolve(r.toTerraform(), { scope: stack, resolver }) as { resource: Record<string, Record<string, Json>> };
      return { resource: r, config: Object.values(rendered.resource[r.terraformResourceType])[0] };
    });
  // A namespace given as a reference to a namespace resource is that resource's name.
  const namespaces = new Map<string, string>();
  for (const { resource, config } of configs) {
    if (resource.terraformResourceType === 'kubernetes_namespace_v1') {
      namespaces.set(`\${kubernetes_namespace_v1.${resource.friendlyUniqueId}.metadata[0].name}`, config.metadata.name);
    }
  }
  const literal = (value: string | undefined) => (value === undefined ? '' : (namespaces.get(value) ?? value));
  return configs.map(({ resource, config }) => {
    const manifest = resource.terraformResourceType === 'kubernetes_manifest' ? config.manifest : undefined;
    const metadata = manifest?.metadata ?? config.metadata;
    return {
      kind:
        manifest !== undefined
          ? `${manifest.apiVersion}/${manifest.kind}`
          : (KINDS[resource.terraformResourceType] ?? resource.terraformResourceType),
      namespace: literal(metadata?.namespace),
      name: String(metadata?.name ?? ''),
      source: resource.node.path,
      config: manifest ?? config,
      rendered: config,
    };
  });
}

/** A traversal the library writes on purpose: a resource attribute, a local or a variable; no function call. */
const REFERENCE = /\$\{(?:(?:kubernetes|cloudflare)_[a-z0-9_]+|terraform_data|local|var)(?:\.[A-Za-z0-9_-]+|\[\d+\])+\}/g;
/** `${` or `%{` that is not Terraform's escape (`$${`, `%%{`). */
const TEMPLATE = /(^|[^$%])[$%]\{/;

/** Every string of `node` that Terraform would read as a template, by its path. */
function templates(node: unknown, path: string): string[] {
  if (typeof node === 'string') return TEMPLATE.test(node.replace(REFERENCE, '')) ? [path] : [];
  if (Array.isArray(node)) return node.flatMap((v: unknown, i) => templates(v, `${path}[${i}]`));
  if (typeof node === 'object' && node !== null) return Object.entries(node).flatMap(([k, v]) => templates(v, path === '' ? k : `${path}.${k}`));
  return [];
}

/** What a router of ours matches: the host, and an exact path or a path prefix. */
function routesOf(object: MadeObject): string[] {
  if (object.kind === 'networking.k8s.io/v1/Ingress') {
    const rules = (object.config.spec?.rule ?? []) as readonly Json[];
    return rules.flatMap((rule) =>
      ((rule.http?.path ?? []) as readonly Json[]).map((p) => `${rule.host} ${p.path_type === 'Exact' ? 'exact' : 'prefix'} ${p.path ?? '/'}`),
    );
  }
  if (object.kind.endsWith('/IngressRoute')) {
    const routes = (object.config.spec?.routes ?? []) as readonly Json[];
    return routes.flatMap((route) => {
      const m = /^Host\(`([^`]+)`\)(?: && (PathPrefix|Path)\(`([^`]+)`\))?$/.exec(String(route.match ?? ''));
      if (m === null) return []; // not a matcher this library writes
      return [`${m[1]} ${m[2] === 'Path' ? 'exact' : 'prefix'} ${m[3] ?? '/'}`];
    });
  }
  return [];
}

/** The Services an outpost route's objects send requests to, as (namespace, name). */
function outpostTargets(object: MadeObject): OutpostTarget[] {
  if (object.kind.endsWith('/IngressRoute')) {
    const routes = (object.config.spec?.routes ?? []) as readonly Json[];
    return routes.flatMap((route) =>
      ((route.services ?? []) as readonly Json[]).map((s) => ({ namespace: String(s.namespace ?? object.namespace), name: String(s.name) })),
    );
  }
  if (object.kind === 'networking.k8s.io/v1/Ingress') {
    const rules = (object.config.spec?.rule ?? []) as readonly Json[];
    return rules.flatMap((rule) =>
      ((rule.http?.path ?? []) as readonly Json[]).map((p) => ({ namespace: object.namespace, name: String(p.backend?.service?.name ?? '') })),
    );
  }
  return [];
}

/**
 * Every clash in the tree under `scope`. `outposts` are the scopes of the outpost routes' objects;
 * `backends` are Services the tree routes to without making them (a route's `service`).
 */
export function treeProblems(
  stack: TerraformStack,
  scope: IConstruct,
  outposts: readonly IConstruct[],
  backends: readonly OutpostTarget[],
): string[] {
  const problems: string[] = [];
  const objects = madeObjects(stack, scope);
  for (const object of objects) {
    for (const field of templates(object.rendered, '')) {
      problems.push(`${object.source}: ${field} holds a Terraform template that is not the library's own reference; escape the text ($\${, %%{)`);
    }
  }
  const first = new Map<string, MadeObject>();
  for (const object of objects) {
    const key = `${object.kind} ${object.namespace === '' ? '' : `${object.namespace}/`}${object.name}`;
    const seen = first.get(key);
    if (seen === undefined) first.set(key, object);
    else problems.push(`${seen.source} and ${object.source} both make ${key}: give them different names`);
  }
  const routed = new Map<string, MadeObject>();
  for (const object of objects) {
    for (const route of routesOf(object)) {
      const seen = routed.get(route);
      if (seen === undefined) routed.set(route, object);
      else if (seen !== object)
        problems.push(`${seen.source} and ${object.source} both route ${route.replace(' ', ' path ')}: Traefik would pick one`);
    }
  }
  if (outposts.length > 0) {
    const outpostSources = new Set(outposts.flatMap((o) => o.node.findAll().map((c) => c.node.path)));
    const services = objects.filter((o) => o.kind === 'v1/Service' && !outpostSources.has(o.source));
    for (const object of objects.filter((o) => outpostSources.has(o.source))) {
      for (const target of outpostTargets(object)) {
        const own = services.find((s) => s.namespace === target.namespace && s.name === target.name);
        const backend = backends.find((b) => b.namespace === target.namespace && b.name === target.name);
        if (own !== undefined || backend !== undefined) {
          const what = own !== undefined ? `${own.source}, a Service of this stack` : "a route's backend";
          problems.push(
            `authentikOutpost ${target.namespace}/${target.name} is ${what}: ` +
              "the outpost route carries no forward-auth, so it would be an unauthenticated path there; name the Authentik outpost's own Service",
          );
        }
      }
    }
  }
  return problems;
}
