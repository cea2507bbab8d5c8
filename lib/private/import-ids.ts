import type { TerraformResource } from './cdktf';
import { ValidationError } from './validation';

/** The object a typed Kubernetes resource or a `kubernetes_manifest` stands for. */
interface KubernetesObjectInput {
  readonly metadataInput?: { readonly name?: string };
  readonly manifestInput?: {
    readonly apiVersion?: string;
    readonly kind?: string;
    readonly metadata?: { readonly name?: string; readonly namespace?: string };
  };
}

/**
 * The kubernetes provider's import id of a resource: `<name>` for a namespace, `<namespace>/<name>`
 * for namespaced typed resources, `apiVersion=…,kind=…,namespace=…,name=…` for `kubernetes_manifest`.
 * `namespace` is the literal namespace (the resources name it through a reference).
 */
export function kubernetesImportId(resource: TerraformResource, namespace: string): string {
  const input = resource as unknown as KubernetesObjectInput;
  if (resource.terraformResourceType === 'kubernetes_manifest') {
    const m = input.manifestInput ?? {};
    const ns = m.metadata?.namespace !== undefined && !m.metadata.namespace.includes('${') ? m.metadata.namespace : namespace;
    return `apiVersion=${m.apiVersion},kind=${m.kind},namespace=${ns},name=${m.metadata?.name}`;
  }
  const name = input.metadataInput?.name;
  if (name === undefined) throw new ValidationError('import-blocks', [`${resource.node.path} has no metadata name`]);
  return resource.terraformResourceType === 'kubernetes_namespace_v1' ? name : `${namespace}/${name}`;
}
