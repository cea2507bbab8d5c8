import { Construct } from 'constructs';
import { Testing } from '../../lib/private/cdktf';

/**
 * Synthesized JSON as the tests read it: any key and any index give a further node, and arrays have
 * their methods. The values themselves are judged by `expect`, which takes anything.
 */
export type JsonNode = { [key: string]: JsonNode } & JsonNode[] & string;

/** Synthesized resources by type, then by logical id. */
export type Resources = Record<string, Record<string, JsonNode>>;

/** Synthesizes what `build` adds to a fresh stack and returns its resources. */
export function synthResources(build: (scope: Construct) => void): Resources {
  return (JSON.parse(Testing.synthScope(build)) as { resource?: Resources }).resource ?? {};
}

/** All resources of one type, in id order. */
export function resourcesOf(resources: Resources, type: string): JsonNode[] {
  return Object.values(resources[type] ?? {});
}

/** The one resource of a type; fails when there are none or several. */
export function onlyOf(resources: Resources, type: string): JsonNode {
  const all = resourcesOf(resources, type);
  expect(all).toHaveLength(1);
  return all[0];
}

/** The `manifest` of every kubernetes_manifest of a given kind. */
export function manifestsOf(resources: Resources, kind: string): JsonNode[] {
  return resourcesOf(resources, 'kubernetes_manifest')
    .map((r) => r.manifest)
    .filter((m) => m.kind === kind);
}

/**
 * What Terraform makes of a literal string in JSON configuration: `$${` and `%%{` are its escapes for
 * a literal `${` and `%{` (checked with Terraform 1.x: `terraform apply` of such a local outputs the
 * unescaped text). Throws on an unescaped `${`/`%{`, which Terraform would read as a template.
 */
export function terraformLiteral(text: string): string {
  const unescaped = text.match(/(^|[^$%])[$%]\{/);
  if (unescaped)
    throw new Error(
      `Terraform would read a template at ${JSON.stringify(text.slice(Math.max(0, (unescaped.index ?? 0) - 20), (unescaped.index ?? 0) + 20))}`,
    );
  return text.replace(/([$%])\1\{/g, '$1{');
}

/** `value`, or a failed test naming `what` when it is missing (a `find` that found nothing). */
export function defined<T>(value: T | undefined, what = 'value'): T {
  if (value === undefined) throw new Error(`expected ${what} to be there`);
  return value;
}
