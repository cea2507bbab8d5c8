/**
 * How terraform-provider-kubernetes v2.38.0 sends what `provider-stand-in.ts` makes (read in its
 * source): a typed resource is created (POST; an object that already exists fails, as Terraform's
 * create does), a `kubernetes_manifest` is applied server-side with field manager `Terraform`, without
 * forcing conflicts (`manifest/provider/apply.go`). `destroyAsProvider` deletes them in reverse order.
 */
import { KubeError, type KubeClient, type KubeObject } from './kube-client';
import type { StandInResource } from './provider-stand-in';

const MANIFEST = 'kubernetes_manifest.';

/** Every object as the API returned it, with the warnings it sent (the deprecations a user's apply prints). */
export async function applyAsProvider(
  admin: KubeClient,
  resources: readonly StandInResource[],
): Promise<{ objects: KubeObject[]; warnings: string[] }> {
  const objects: KubeObject[] = [];
  const warnings: string[] = [];
  for (const { address, object } of resources) {
    const { apiVersion, kind, metadata } = object;
    if (address.startsWith(MANIFEST)) {
      const path = `${await admin.pathOf(apiVersion, kind, metadata.namespace, metadata.name)}?fieldManager=Terraform`;
      const answer = await admin.request<KubeObject>('PATCH', path, object, 'application/apply-patch+yaml');
      if (answer.status >= 400) throw new KubeError(answer.status, answer.body as unknown as Record<string, unknown>, `apply ${address}`);
      objects.push(answer.body);
      warnings.push(...answer.warnings.map((w) => `${address}: ${w}`));
    } else {
      const answer = await admin.request<KubeObject>('POST', await admin.pathOf(apiVersion, kind, metadata.namespace), object);
      if (answer.status >= 400) throw new KubeError(answer.status, answer.body as unknown as Record<string, unknown>, `create ${address}`);
      objects.push(answer.body);
      warnings.push(...answer.warnings.map((w) => `${address}: ${w}`));
    }
  }
  return { objects, warnings };
}

/**
 * A whole stack as a first apply into a cluster goes: its namespaces, then `before` (what the stack
 * refers to and the cluster must already have in them, such as TLS Secrets), then everything else.
 */
export async function applyStack(admin: KubeClient, resources: readonly StandInResource[], before: readonly KubeObject[] = []): Promise<void> {
  const isNamespace = (r: StandInResource) => r.object.kind === 'Namespace';
  await applyAsProvider(admin, resources.filter(isNamespace));
  for (const object of before) await admin.apply(object);
  await applyAsProvider(
    admin,
    resources.filter((r) => !isNamespace(r)),
  );
}

/** Deletes what `applyAsProvider` made, last first; true for each object that was still there. */
export async function destroyAsProvider(admin: KubeClient, resources: readonly StandInResource[]): Promise<boolean[]> {
  const deleted: boolean[] = [];
  for (const { object } of [...resources].reverse()) {
    deleted.unshift(await admin.delete(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name));
  }
  return deleted;
}
