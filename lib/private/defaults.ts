/** Defaults more than one file reads, each written once. */
import type { MiddlewareRef } from '../traefik';
import { AUTHENTIK_USERNAME_HEADER } from './vocabulary';

/** The labels on every object the constructs make when none are given. */
export const DEFAULT_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/part-of': 'webterminal' };

/** The header ttyd trusts as the signed-in user (`--auth-header`, `-H`) by default: the one Authentik's outpost fills. */
export const DEFAULT_TTYD_AUTH_HEADER = AUTHENTIK_USERNAME_HEADER;

/** The Authentik forward-auth middleware of the original cluster: what a created one is named, and where an existing one is looked for. */
export const DEFAULT_AUTH_MIDDLEWARE: MiddlewareRef = { namespace: 'traefik', name: 'authentik-forward-auth' };

/** The namespace of the `Default` terminal when none is given. */
export const DEFAULT_NAMESPACE = 'terminal';

/** The ttyd Service's name when none is given (a route to it would serve the shell a second time). */
export const DEFAULT_TTYD_SERVICE_NAME = 'terminal';

/**
 * The probe pod's memory, in MiB. Measured under the image's Node 24 (`npm run bench`): a healthy run
 * peaks at about 74 MiB, 1,000 replicas all checked at about 140 MiB (Node 20 took some 17 MiB less).
 */
export const PROBE_MEMORY_MIB = { request: 96, limit: 192 } as const;

/**
 * The original cluster's middlewares before auth, on every router of its ingress module, in its order
 * (`traefik-retry@kubernetescrd`, ..., `traefik-crowdsec@kubernetescrd`): what `adopt` keeps unless
 * `middlewares.beforeAuth` is given, CrowdSec and the rate limit included.
 */
export const ORIGINAL_BEFORE_AUTH_MIDDLEWARES: readonly MiddlewareRef[] = ['retry', 'error-pages', 'rate-limit', 'csp-headers', 'crowdsec'].map(
  (name) => ({ namespace: 'traefik', name }),
);

/**
 * The Traefik priority of a public carve-out's routers: above every rule-length priority of the host's
 * other routers (Traefik orders by rule length unless told), so a carve-out's exact paths win over the
 * terminal's catch-all `/`; what it covers is only what it names, because the rules refuse any overlap.
 */
export const CARVE_OUT_PRIORITY = 10000;

/**
 * The Traefik priority of the terminal's catch-all `/` router: the lowest, so every other router of the
 * host outranks it. Without it Traefik ranks by rule length, and on an `Ingress` the catch-all's rule
 * (`Host("<host>") && PathPrefix("/")`) is as long as an exact path of 7 characters (`Path("/skills")`):
 * measured on Traefik v3.7.13, `GET /skills` then went to ttyd on some replicas and to its route on
 * others (ties are not ordered), and an exact path of 6 characters or fewer always lost to ttyd.
 */
export const CATCH_ALL_PRIORITY = 1;
