import { AUTH_POSTURES, type AuthPosture } from './vocabulary';
import { checkPathPrefix } from './validation';

/** Whether a posture puts the Authentik middleware in front of the app. */

export function isGated(auth: AuthPosture): boolean {
  return auth === 'required' || auth === 'public';
}

/** The one rule for an ungated posture: it must come with a written reason. */
export function checkAuthReason(auth: AuthPosture, reason: string | undefined): string | undefined {
  if (!AUTH_POSTURES.includes(auth) || isGated(auth) || (reason?.trim() ?? '') !== '') return undefined;
  return `auth ${JSON.stringify(auth)} leaves the host without Authentik: give authReason to say why`;
}

/**
 * The rule for a host that serves a shell trusting a header (ttyd): only the gated postures. ttyd's
 * only check is a header any client can send, so without the Authentik middleware anyone gets a shell.
 */
export function checkShellPosture(auth: AuthPosture): string | undefined {
  if (!AUTH_POSTURES.includes(auth) || isGated(auth)) return undefined;
  return (
    `auth ${JSON.stringify(auth)} is refused for a shell host: ttyd trusts a header that any client can send, so only Authentik in ` +
    `front keeps the shell closed; use "required" (or "public", where the Authentik middleware still runs)`
  );
}

/** `/api/sessions/` -> `api-sessions`: a stable piece of construct ids and object names. */
export function routeSlug(path: string): string {
  return path
    .replace(/^\/|\/$/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase();
}

/** A problem of one route path in a list: which entry, and the sentence. */
export interface RoutePathProblem {
  /** Index of the path in the list. */
  readonly index: number;
  /** The sentence, naming the route path. */
  readonly message: string;
}

/**
 * Problems of route paths as sources of object names: each a prefix other than `/`, no two the
 * same or turned into the same name (`/A/` and `/a/`, `/a.b/` and `/a-b/`), and the names made
 * from them (`<base>-<slug>`, `<base>-strip-<slug>`) within Kubernetes' 63 characters.
 */
export function routePathProblems(paths: readonly string[], baseName: string, field = (_index: number) => 'route path'): RoutePathProblem[] {
  const out: RoutePathProblem[] = [];
  const seen = new Map<string, string>();
  paths.forEach((path, index) => {
    const add = (message: string): void => void out.push({ index, message });
    const bad = checkPathPrefix(field(index), path);
    if (bad !== undefined) return add(bad);
    if (path === '/') return add(`${field(index)} "/" is the main route; give a longer prefix`);
    const slug = routeSlug(path);
    const other = seen.get(slug);
    if (other === path) return add(`${field(index)} ${JSON.stringify(path)} is given twice`);
    if (other !== undefined)
      return add(
        `${field(index)} ${JSON.stringify(path)} makes the same object names as ${JSON.stringify(other)} (both become "${slug}"); give ` +
          `paths that differ in more than case and punctuation`,
      );
    seen.set(slug, path);
    const longest = `${baseName}-strip-${slug}`;
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(longest)) {
      add(
        `${field(index)} ${JSON.stringify(path.length > 80 ? `${path.slice(0, 80)}…` : path)} is too long for the object names made from it ` +
          `("${baseName}-strip-<path>" would have ${longest.length} characters; Kubernetes allows 63)`,
      );
    }
  });
  return out;
}

/** Kubernetes' limit on the total size of an object's annotations (keys and values). */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Annotations within {@link MAX_ANNOTATIONS_BYTES} in all. */
export function checkAnnotationSize(field: string, annotations: Readonly<Record<string, string>>): string | undefined {
  const sizes = Object.entries(annotations).map(([k, v]) => [k, Buffer.byteLength(k) + Buffer.byteLength(v)] as const);
  const total = sizes.reduce((sum, [, n]) => sum + n, 0);
  if (total <= MAX_ANNOTATIONS_BYTES) return undefined;
  const [largest] = [...sizes].sort((a, b) => b[1] - a[1])[0];
  return `${field} total ${total} bytes, above Kubernetes' limit of ${MAX_ANNOTATIONS_BYTES} (262144); the largest is ${JSON.stringify(largest)}`;
}
