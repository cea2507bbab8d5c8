import { AUTHENTIK_HEADERS_REGEX } from './vocabulary';

/** Whether Traefik's {@link AUTHENTIK_HEADERS_REGEX} (Go's `(?i)` is JavaScript's `i` flag) matches a header name. */
export function isAuthentikHeader(name: string): boolean {
  return new RegExp(AUTHENTIK_HEADERS_REGEX.replace(/^\(\?i\)/, ''), 'i').test(name);
}
