import { Token } from './cdktf';

/**
 * Escapes Terraform's template sequences (`${`, `%{`) in every string, so free text (an annotation, a
 * URL, a runbook's `curl -w '%{http_code}'`) reaches the cluster as written instead of being read as a
 * template: `${file("/etc/hostname")}` would read the deploy machine's file. Only for text that holds
 * no reference of the library's own (a cdktf token): use {@link literalUnlessToken} where it may.
 */
export function escapeTemplates<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/([$%])\{/g, '$1$1{') as T;
  if (Array.isArray(value)) return value.map((v) => escapeTemplates(v)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeTemplates(v)])) as T;
  }
  return value;
}

/** A string the library built with a reference in it (a token) as it is; anything else escaped. */
export function literalUnlessToken(value: string): string {
  return Token.isUnresolved(value) ? value : escapeTemplates(value);
}
