/**
 * Escapes Terraform's template sequences (`${`, `%{`) in every string, so rule text (a runbook's
 * `curl -w '%{http_code}'`) reaches the cluster as written instead of being read as a template.
 */
export function escapeTemplates<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/([$%])\{/g, '$1$1{') as T;
  if (Array.isArray(value)) return value.map((v) => escapeTemplates(v)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeTemplates(v)])) as T;
  }
  return value;
}
