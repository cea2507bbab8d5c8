import { Construct } from 'constructs';
import { Testing } from '../lib/cdktf';

/** Synthesized resources by type, then by logical id. */
export type Resources = Record<string, Record<string, Record<string, any>>>;

/** Synthesizes what `build` adds to a fresh stack and returns its resources. */
export function synthResources(build: (scope: Construct) => void): Resources {
  return (JSON.parse(Testing.synthScope(build)) as { resource?: Resources }).resource ?? {};
}

/** All resources of one type, in id order. */
export function resourcesOf(resources: Resources, type: string): Record<string, any>[] {
  return Object.values(resources[type] ?? {});
}

/** The one resource of a type; fails when there are none or several. */
export function onlyOf(resources: Resources, type: string): Record<string, any> {
  const all = resourcesOf(resources, type);
  expect(all).toHaveLength(1);
  return all[0];
}

/** The `manifest` of every kubernetes_manifest of a given kind. */
export function manifestsOf(resources: Resources, kind: string): Record<string, any>[] {
  return resourcesOf(resources, 'kubernetes_manifest')
    .map((r) => r.manifest as Record<string, any>)
    .filter((m) => m.kind === kind);
}
