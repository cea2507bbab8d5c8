// @ts-check
/**
 * Webterminal probe: one run of the checks that catch a Traefik replica missing the terminal route,
 * pushed to a Pushgateway. Runs as `node --max-semi-space-size=2 /probe/probe-script.mjs` (the flag: lib/private/
 * probe-files.ts) on a stock Node image (read-only root filesystem, non-root): Node's standard library only,
 * nothing installed, nothing written to disk. The
 * ConfigMap carries this folder's files (the flat names are its keys) and the tests execute those bytes.
 *
 * One module per part, as blackbox_exporter keeps one per prober: config.mjs (the variables below, with
 * names, defaults, limits, kinds and the pairs that need each other from contract.json, which the
 * construct reads too), resolve.mjs (name resolution), exchange.mjs (one HTTP exchange), checks.mjs (the
 * check table), run.mjs (the runner, which owns the deadline), report.mjs (summary, metrics, printed
 * lines, push). Loaded only when they are on: routes.mjs (PROBE_ROUTES and their rows of the check
 * table) and matrix.mjs (the routes and router sets across the replicas), with routes (the matrix also
 * with the stack's router names); inventory.mjs (with json-count.mjs); remediation.mjs (with kube.mjs).
 *
 * Configuration (environment; an empty value counts as unset):
 *   PROBE_EDGE_URL          required  public URL of the terminal, through the CDN (https://terminal.example.com)
 *   PROBE_ORIGIN_URL        required  in-cluster ttyd Service URL (http://terminal.terminal.svc.cluster.local)
 *   PROBE_PUSHGATEWAY_URL   required  Pushgateway base URL (userinfo, if any, is sent as basic auth; prefer the next two)
 *   PROBE_PUSHGATEWAY_USERNAME, PROBE_PUSHGATEWAY_PASSWORD  (none)  basic-auth credentials for the push, both or
 *                                     neither, never together with userinfo in the URL (from a Secret: secretKeyRef)
 *   PROBE_JOB               webterminal-probe  Pushgateway job name
 *   PROBE_REPLICAS          (off)     headless Service DNS name resolving to every Traefik replica, or a
 *                                     comma list of IP addresses; empty = per-replica checks off
 *   PROBE_REPLICA_PORT      8443      Traefik's TLS entrypoint port on the pods (`websecure` in the Helm chart)
 *   PROBE_MAX_REPLICAS      50        replicas checked per run (1-1000): past it the first ones (in address order)
 *                                     are checked and the rest counted in webterminal_probe_replicas_left_out;
 *                                     at most REPLICAS_IN_FLIGHT (8) are checked at a time
 *   PROBE_SAMPLES           6         requests per edge check per run (1-100), each on a fresh connection
 *   PROBE_TIMEOUT_SECONDS   10        per request: DNS + connect + TLS + answer
 *   PROBE_DEADLINE_SECONDS  60        whole run of checks; then what is known is pushed and the run exits
 *   PROBE_AUTH_HEADER       X-authentik-username  header ttyd trusts (ttyd -H)
 *   PROBE_AUTH_USER         probe     user the probe claims in-cluster
 *   PROBE_INSECURE_TLS      0         1 = skip certificate checks
 *   PROBE_DNS_SERVERS       (resolv.conf)  comma list of `ip[:port]` (IPv6 as `[ip]:port`): the name servers
 *                                     for every lookup, names taken as they are (no search list)
 *   PROBE_RESOLV_CONF       /etc/resolv.conf  read when PROBE_DNS_SERVERS is unset: `nameserver` (also `ip:port`),
 *                                     `search` and `options ndots:n`, applied as the system resolver would, so a
 *                                     short Service name (`prometheus-pushgateway.monitoring`) resolves
 *   PROBE_AUTHENTIK_HOST    (none)    another host whose /outpost.goauthentik.io/ redirects count as healthy
 *   PROBE_ORIGIN_CLIENT_CERT_FILE, PROBE_ORIGIN_CLIENT_KEY_FILE, PROBE_ORIGIN_CA_FILE  (none)  client certificate
 *                                     (both files) and CA the origin checks use when ttyd requires mutual TLS
 *                                     (https PROBE_ORIGIN_URL only)
 *   PROBE_ROUTER_INVENTORY  0         1 = also count each replica's routers from its Traefik API (needs PROBE_REPLICAS)
 *   PROBE_TRAEFIK_API_PORT  8080      port of Traefik's API on the pods: the Helm chart's `traefik` entrypoint
 *   PROBE_OWN_ROUTERS, PROBE_TTYD_ROUTERS  (none)  the stack's routers and those of them that reach ttyd, as
 *                                     Traefik's API names them (`name@provider`, comma-separated; both or
 *                                     neither; needs PROBE_ROUTER_INVENTORY=1): the foreign-router check below
 *   PROBE_ROUTES            (none)    JSON array of at most 50 routes `{"name", "host", "path", "expect": "gated" |
 *                                     "public", "status"?}`, each asked on every replica (below: routes)
 *   PROBE_REMEDIATE         off       off | dry-run | on: evict the lone replica that lost the route (section
 *                                     "Remediation" below: PROBE_REMEDIATE_AFTER_RUNS 3,
 *                                     PROBE_REMEDIATE_MIN_INTERVAL_SECONDS 3600, PROBE_REPLICA_NAMESPACE and
 *                                     PROBE_REPLICA_SELECTOR, and PROBE_REMEDIATE_LEASE <namespace>/<name>
 *                                     (the Lease holding its state) required when on; the API server from
 *                                     KUBERNETES_SERVICE_HOST/_PORT or PROBE_KUBE_API_URL, with
 *                                     PROBE_KUBE_TOKEN_FILE, PROBE_KUBE_CA_FILE, defaults: the pod's service account)
 *   PROBE_MIRROR_ORIGIN_URL (off)     the mirror's in-cluster ttyd Service URL (needs PROBE_MIRROR_EDGE_URL): its
 *                                     origin_open_token/origin_open_ws run too (host="<mirror host>"), and an open
 *                                     mirror ttyd sets ttyd_open=1
 *   PROBE_MIRROR_EDGE_URL   (off)     public URL of a second host (the read-only mirror): after the edge samples,
 *                                     the same edge_token/edge_ws samples against it, in the same run; its
 *                                     check_samples/check_failures series carry host="<its host>"
 *
 * Checks (each sample on its own connection, never reused):
 *   edge_token    GET <edge>/token?arg=probe, PROBE_SAMPLES times; healthy = a 3xx whose Location, resolved
 *                 against the request URL (WHATWG URL), is on the edge's scheme, host and port (or PROBE_AUTHENTIK_HOST
 *                 on https's default port) with a path starting `/outpost.goauthentik.io/`; anything else (a
 *                 downgrade to http:, another port, javascript:) fails with the reason on stderr. 302 and
 *                 307 are both seen in the wild.
 *   edge_ws       WebSocket upgrade to <edge>/ws (HTTP/1.1, ALPN http/1.1, subprotocol tty), PROBE_SAMPLES
 *                 times; healthy = the same auth redirect. Token and ws samples alternate on one sequential
 *                 chain, so behind a round-robin balancer over N replicas every replica sees both checks
 *                 whenever PROBE_SAMPLES >= N.
 *   origin_token  GET <origin>/token with the auth header, once; healthy = 200 with a JSON body holding `token`.
 *   origin_ws     WebSocket upgrade to <origin>/ws with the auth header, once; healthy = 101, correct
 *                 Sec-WebSocket-Accept, subprotocol tty. The socket is destroyed at once: no WebSocket frame is
 *                 ever sent, because ttyd spawns a shell on the client's first message.
 *   origin_open_token  GET <origin>/token WITHOUT the auth header, once; healthy = anything but 200 (ttyd: 407).
 *   origin_open_ws     WebSocket upgrade to <origin>/ws WITHOUT the auth header, once; healthy = anything but 101
 *                 (ttyd closes the connection with no answer). A 200 or 101 means ttyd runs without header
 *                 auth: ttyd_open=1 and the run is unhealthy.
 *   All four origin checks present the client certificate when PROBE_ORIGIN_CLIENT_CERT_FILE is set.
 *   origin_no_cert  with a client certificate set: GET <origin>/token with the auth header but WITHOUT the
 *                 certificate, once; healthy = anything but 200 (ttyd refuses the handshake). A 200 means ttyd
 *                 no longer requires it: ttyd_open=1 and the run is unhealthy.
 *   per replica   every address of PROBE_REPLICAS, on PROBE_REPLICA_PORT with TLS SNI and Host = the edge host:
 *                 edge_token and edge_ws once each. A replica without the route answers 404 every time.
 *                 A name that resolves to no address is a failed run (replicas=0, ok=0, a line on stderr):
 *                 the detector being blind must not look like health.
 *   routes        every route of PROBE_ROUTES on every replica only (never through the edge), with SNI and Host
 *                 = the route's host, after the replica's edge checks, in the same batches and under the same
 *                 deadline and timeout. Gated: healthy = the outpost redirect as judged above; else wrong_redirect
 *                 (a 3xx elsewhere), not_routed (Traefik's own 404: status 404, body `404 page not found`),
 *                 ungated (any other answer), no_answer. Public: walled_off (the outpost redirect), not_routed,
 *                 wrong_status (a declared status not met); any other answer passes, a backend's 404 included.
 *                 Only a 404's body is read, 64 bytes at most. A failing pair fails the run, not the replica.
 *   router sets   with PROBE_OWN_ROUTERS too: the stack's routers each replica lists, compared across replicas:
 *                 lacking one that at least half list is named, one no replica lists is a route problem.
 *   inventory     with PROBE_ROUTER_INVENTORY=1: GET http://<replica>:<api port>/api/http/routers, following
 *                 Traefik's pagination (`page`, `per_page`, header X-Next-Page, which is 1 on the last page).
 *                 Informational: a failed inventory is reported (router_inventory_ok 0) and its count left out,
 *                 but does not make the run unhealthy (the alerts judge). All pages of all replicas share one
 *                 budget of INVENTORY_BUDGET_BYTES (4 MiB) a run, a page is at most INVENTORY_PAGE_BYTES
 *                 (512 KiB), and one replica is read at a time, so endless or huge pages cannot take the
 *                 pod's memory. Needs Traefik's API on the `traefik`
 *                 entrypoint (Helm: `api.insecure=true`, or the dashboard IngressRoute on that entrypoint).
 *   foreign       with PROBE_OWN_ROUTERS too: each page is parsed (not only counted), and a router that is not
 *                 the stack's is foreign when its service (through weighted, mirroring and failover services)
 *                 reaches a server that the stack's ttyd routers reach; /api/http/services is read only when
 *                 such candidates exist. Pushed as webterminal_probe_foreign_routers{replica} and one
 *                 webterminal_probe_foreign_router{replica,router} per router (10 named per replica at most).
 *
 * Name resolution: every lookup goes through c-ares (`dns.Resolver`) with the request timeout, and the
 * run deadline cancels what is still pending; never getaddrinfo, whose threads cannot be stopped.
 *
 * Metrics, PUT to <pushgateway>/metrics/job/<job> (the group is replaced, so a replica that is gone
 * disappears): webterminal_probe_{token,ws,ttyd,ttyd_ws}_status (first unexpected status of the run, else
 * the healthy one; 0 = no HTTP answer), webterminal_probe_check_{samples,failures}{check},
 * webterminal_probe_replica_status{replica,check}, webterminal_probe_replicas (only when PROBE_REPLICAS is
 * set), webterminal_probe_replica_ok{replica} (1 = both checks on the replica healthy),
 * webterminal_probe_replica_routers{replica} and webterminal_probe_router_inventory_ok{replica} (inventory),
 * webterminal_probe_ttyd_open (1 = ttyd answered without the auth header), webterminal_probe_duration_seconds;
 * with routes webterminal_probe_route_{replicas,failing_replicas}{route} and, only for failing pairs,
 * webterminal_probe_route_ok{replica,route,reason} = 0; with the router sets
 * webterminal_probe_replica_missing_router{replica,router} and webterminal_probe_router_missing_everywhere{router}.
 * Only a fully healthy run also PUTs webterminal_probe_last_success_timestamp to
 * <pushgateway>/metrics/job/<job>/kind/success, so it never drops to 0 and never moves on a failing run.
 *
 * Exit codes: 0 = pushed (even when checks failed: alerts judge); 1 = push failed; 2 = bad configuration.
 * Checks stop at the deadline; the push has its own timeout (PROBE_TIMEOUT_SECONDS, lookup included), so a
 * run ends within PROBE_DEADLINE_SECONDS + PROBE_TIMEOUT_SECONDS at worst, also when DNS black-holes, and
 * shortly after the deadline when the Pushgateway answers.
 * Output: `probe: token=302 ws=302 ttyd=200 ttyd_ws=101 ok=1 ttyd_open=0 ... edge_failures=0/12
 * origin_failures=0/4 ...` (failures over samples of every check of a kind; a second host's as
 * `mirror_failures`; with routes `route_failures=<failing pairs>/<pairs judged>`) then one `probe: replica=<addr> ...`
 * line per replica on stdout; reasons on stderr (one per failing pair, replica and route named, 50 at most).
 * A URL in a message shows its scheme and host only (`***@` for userinfo); one that does not parse, or
 * has an `@` outside its userinfo, shows nothing of itself.
 * Credentials are never printed.
 */

import { performance } from 'node:perf_hooks';
import { CONTRACT, ConfigError, parseConfig } from './config.mjs';
import { createResolution } from './resolve.mjs';
import { runChecks } from './run.mjs';
import { gauge, printReport, pushGroup, renderRunMetrics, summarize } from './report.mjs';
import { CHECKS } from './checks.mjs';

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<number>} the exit code
 */
async function main(env) {
  const started = performance.now();
  let config;
  let resolution;
  try {
    config = await parseConfig(env);
    resolution = createResolution(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`probe: bad configuration: ${error.message}\n`);
    return 2;
  }
  const inventory = config.routerInventory ? (await import('./inventory.mjs')).createInventory(config) : undefined;
  // The routes' rows join the check table only when there are routes (routes.mjs is loaded then).
  const table = config.routes.length > 0 ? [...CHECKS, ...(await import('./routes.mjs')).routeChecks(config.routes)] : CHECKS;
  const report = await runChecks(config, resolution, inventory, table);
  const durationSeconds = (performance.now() - started) / 1000;
  // The matrix across replicas only with something to compare: routes, or the stack's router names.
  const matrix = config.routes.length > 0 || config.ownRouters !== undefined ? await import('./matrix.mjs') : undefined;
  const summary = summarize(report, config, matrix);
  printReport(summary, report, inventory, durationSeconds);

  // The push gets a fresh signal: the deadline bounds the checks, the timeout bounds the push.
  /** @type {import('./exchange.mjs').Context} */
  const ctx = { timeoutMs: config.timeoutMs, signal: new AbortController().signal, lookup: resolution.lookup, insecureTls: config.insecureTls };
  // A stray (matrix.mjs: lacking what a strict majority routes) counts as a replica that lost the route.
  const replicas = summary.replicas.map((replica) => ({ ...replica, healthy: replica.healthy && !summary.matrix?.strays.has(replica.address) }));
  const remediation = config.remediation && (await (await import('./remediation.mjs')).afterRun(config, replicas, started, ctx));
  const body = renderRunMetrics(summary, report, inventory, durationSeconds) + (remediation?.metrics ?? '');
  const pushes = [...(remediation?.pushes ?? []), pushGroup(config, ctx, [], body)];
  const success = gauge(CONTRACT.metric.lastSuccessTimestamp, [[{}, Date.now() / 1000]]);
  if (summary.ok) pushes.push(pushGroup(config, ctx, ['kind', CONTRACT.successGroupKind], `${success}\n`));
  const failures = (await Promise.all(pushes)).filter((failure) => failure !== undefined);
  for (const failure of failures) process.stderr.write(`probe: push failed: ${failure}\n`);
  return failures.length === 0 ? 0 : 1;
}

main(process.env).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`probe: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
