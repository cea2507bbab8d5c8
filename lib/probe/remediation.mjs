// @ts-check
/**
 * Remediation (PROBE_REMEDIATE dry-run or on; loaded only then): evict the one Traefik replica that lost
 * the route. The entry calls `remediate` once, after the per-replica checks, and appends what it returns
 * to the pushed group. Rules, in the order applied to each failing replica:
 *   state     the previous run time, the last eviction time and the failing runs in a row of each
 *             (replica, pod) live in one annotation of the Lease PROBE_REMEDIATE_LEASE, which only the
 *             probe's ServiceAccount may update (the Pushgateway takes pushes from anyone who reaches
 *             it, so nothing is read back from it). Every run, failing replicas or not, reads the Lease
 *             and writes it back with the resourceVersion it read: a Lease missing or unreadable, an
 *             annotation not of the expected shape, or a write refused (409: someone else wrote) means
 *             nothing is done (state_unavailable).
 *   pod       the pod with the replica's IP in PROBE_REPLICA_NAMESPACE matching PROBE_REPLICA_SELECTOR
 *             (checked again here, not only by the API server); none or several: no_pod.
 *   alone     exactly one replica failing and at least two healthy, else not_alone (a route missing
 *             everywhere is configuration, which an eviction cannot fix). Failing includes the route
 *             matrix's strays (matrix.mjs), which the entry passes as unhealthy: a replica lacking a
 *             router, or not routing a route, that a strict majority of three or more replicas has.
 *   confirmed the same pod failed PROBE_REMEDIATE_AFTER_RUNS consecutive runs, else not_confirmed; and
 *             the pod is older than that many intervals (age from metadata.creationTimestamp, which the
 *             API server sets; interval = time since the previous run), else too_young.
 *   rate      at most one eviction per PROBE_REMEDIATE_MIN_INTERVAL_SECONDS, else rate_limited.
 *   act       dry-run: dry_run. on: the eviction time is written to the Lease first (no write, no
 *             eviction), then POST .../pods/<pod>/eviction (policy/v1): 2xx evicted, 429
 *             blocked_by_budget, anything else failed, and on either the previous time is written back
 *             (best effort). There is no fallback to a delete.
 * Every API call has the request timeout and stops at the run's deadline. Remediation never throws
 * into the main flow, so the push always happens. The token is read from its file, sent only in the
 * Authorization header to the API server, and never printed; of the API's answers only the status and
 * the Status `reason` are printed.
 */

import fs from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { CONTRACT, ConfigError, readVar, readVariable, redact } from './config.mjs';
import { describeError } from './exchange.mjs';
import { gauge, pushGroup } from './report.mjs';
import { findPod, kubeCall, readLease, writeLease } from './kube.mjs';

const ENV = CONTRACT.env;
const METRIC = CONTRACT.metric;
const EVICTION_GROUP_KIND = CONTRACT.remediationGroupKind;
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const RESULT = CONTRACT.remediationResult;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * @typedef {import('./config.mjs').Config} Config
 * @typedef {import('./exchange.mjs').Context} Context
 *
 * @typedef {object} RemediationConfig
 * @property {'dry-run' | 'on'} mode
 * @property {number} afterRuns
 * @property {number} minIntervalSeconds
 * @property {string} namespace
 * @property {Array<[string, string]>} selector  equality requirements, `key=value`
 * @property {{ namespace: string, name: string }} lease  where the state lives
 * @property {URL | undefined} apiUrl
 * @property {string} tokenFile
 * @property {string} caFile
 */

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} mode  dry-run or on
 * @param {import('./config.mjs').ReplicaSource | undefined} replicas  undefined when PROBE_REPLICAS is bad
 * @returns {RemediationConfig}
 */
export function parseRemediationConfig(env, mode, replicas) {
  const afterRuns = /** @type {number} */ (readVariable(env, 'remediateAfterRuns', 'integer'));
  const minIntervalSeconds = /** @type {number} */ (readVariable(env, 'remediateMinIntervalSeconds', 'integer'));
  if (replicas === undefined || replicas.kind === 'off')
    throw new ConfigError(`PROBE_REMEDIATE=${mode} needs PROBE_REPLICAS (the per-replica checks name the replica to evict)`);
  const namespace = readVar(env, ENV.replicaNamespace);
  if (namespace === undefined || !DNS_LABEL.test(namespace)) {
    throw new ConfigError(
      `PROBE_REPLICA_NAMESPACE=${JSON.stringify(namespace ?? '')} must be the Traefik namespace (a DNS label) when PROBE_REMEDIATE=${mode}`,
    );
  }
  const rawSelector = readVar(env, ENV.replicaSelector);
  const selector = (rawSelector ?? '').split(',').map((item) => /** @type {[string, string]} */ (item.trim().split('=')));
  const labelKey = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
  const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
  if (rawSelector === undefined || selector.some((pair) => pair.length !== 2 || !labelKey.test(pair[0]) || !labelValue.test(pair[1]))) {
    throw new ConfigError(
      `PROBE_REPLICA_SELECTOR=${JSON.stringify(rawSelector ?? '')} must be key=value[,key=value...] (the Traefik pods' labels) when ` +
        `PROBE_REMEDIATE=${mode}`,
    );
  }
  const rawLease = readVar(env, ENV.remediateLease);
  const [leaseNamespace, leaseName, ...rest] = (rawLease ?? '').split('/');
  const objectName = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  if (rest.length > 0 || !DNS_LABEL.test(leaseNamespace) || !objectName.test(leaseName ?? '')) {
    throw new ConfigError(
      `PROBE_REMEDIATE_LEASE=${JSON.stringify(rawLease ?? '')} must be <namespace>/<name> of the Lease holding remediation's state ` +
        `when PROBE_REMEDIATE=${mode}`,
    );
  }
  const explicit = readVar(env, ENV.kubeApiUrl);
  let apiUrl;
  if (explicit !== undefined) {
    apiUrl = /** @type {URL} */ (readVariable(env, 'kubeApiUrl', 'url'));
    if (apiUrl.protocol !== 'https:') throw new ConfigError(`PROBE_KUBE_API_URL=${redact(explicit)} must be https:// (the token is sent to it)`);
  } else {
    const host = readVar(env, 'KUBERNETES_SERVICE_HOST');
    const port = readVar(env, 'KUBERNETES_SERVICE_PORT') ?? '443';
    if (host === undefined)
      throw new ConfigError(`PROBE_REMEDIATE=${mode} needs the API server: KUBERNETES_SERVICE_HOST (set in every pod) or PROBE_KUBE_API_URL`);
    try {
      apiUrl = new URL(`https://${net.isIPv6(host) ? `[${host}]` : host}:${port}/`);
    } catch {
      throw new ConfigError(`KUBERNETES_SERVICE_HOST=${JSON.stringify(host)} and KUBERNETES_SERVICE_PORT=${JSON.stringify(port)} do not make a URL`);
    }
  }
  return {
    mode: /** @type {'dry-run' | 'on'} */ (mode),
    afterRuns,
    minIntervalSeconds,
    namespace,
    selector,
    lease: { namespace: leaseNamespace, name: leaseName },
    apiUrl,
    tokenFile: readVar(env, ENV.kubeTokenFile) ?? `${SERVICE_ACCOUNT_DIR}/token`,
    caFile: readVar(env, ENV.kubeCaFile) ?? `${SERVICE_ACCOUNT_DIR}/ca.crt`,
  };
}

/**
 * @typedef {import('./kube.mjs').RemediationState} RemediationState
 * @typedef {import('./kube.mjs').StateLease} StateLease
 *
 * @typedef {object} Decision
 * @property {string} replica
 * @property {string} pod  '' when not known
 * @property {number} consecutive  failing runs of this pod in a row, this one included (0 when unknown)
 * @property {string} result
 * @property {string | undefined} reason
 */

/**
 * Remediation's part of a run, after the checks: decide and print, then hand back its series for the run
 * group and the push of an eviction's timestamp, if there was one.
 * @param {Config} config
 * @param {Array<{ address: string, healthy: boolean }>} replicas
 * @param {number} startedMs
 * @param {Context} ctx
 * @returns {Promise<{ metrics: string, pushes: Array<Promise<string | undefined>> }>}
 */
export async function afterRun(config, replicas, startedMs, ctx) {
  const decided = await remediate(config, replicas, startedMs, ctx);
  printRemediation(decided);
  return { metrics: decided.metrics, pushes: decided.evictedAt === undefined ? [] : [pushEviction(config, ctx, decided.evictedAt)] };
}

/**
 * The remediation decision for this run, the eviction when it is due, and the state written back.
 * @param {Config} config
 * @param {Array<{ address: string, healthy: boolean }>} replicas
 * @param {number} startedMs  performance.now() at the start of the run (the deadline counts from it)
 * @param {Context} baseCtx
 * @returns {Promise<{ decisions: Decision[], notes: string[], evictedAt: number | undefined, metrics: string }>}
 */
export async function remediate(config, replicas, startedMs, baseCtx) {
  // parseConfig sets it whenever remediation is on, which is when this module is loaded.
  const rc = /** @type {RemediationConfig} */ (config.remediation);
  /** @type {Decision[]} */
  const decisions = [];
  /** What went wrong on a run with no failing replica, so no decision to carry it. @type {string[]} */
  const notes = [];
  /** @type {number | undefined} */
  let evictedAt;
  const done = () => ({ decisions, notes, evictedAt, metrics: decisions.length === 0 ? '' : renderRemediation(decisions) });
  const failing = replicas.filter((replica) => !replica.healthy);

  const remainingMs = config.deadlineMs - (performance.now() - startedMs);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), Math.max(0, remainingMs));
  /** @type {Context} */
  const ctx = { ...baseCtx, signal: deadline.signal };
  /** Nothing done, for every failing replica (or a note when none fails). @param {string} result @param {string} reason */
  const nothingDone = (result, reason) => {
    if (failing.length === 0) notes.push(reason);
    decisions.splice(0, decisions.length, ...failing.map(({ address }) => ({ replica: address, pod: '', consecutive: 0, result, reason })));
  };
  try {
    let credentials;
    try {
      credentials = { token: fs.readFileSync(rc.tokenFile, 'utf8').trim(), ca: fs.readFileSync(rc.caFile, 'utf8') };
    } catch (error) {
      const code = /** @type {{ code?: unknown }} */ (error)?.code;
      nothingDone(RESULT.failed, `service-account token or CA not readable (${String(code ?? 'error')}; is remediation's RBAC deployed?)`);
      return done();
    }
    const lease = await readLease(rc, credentials, ctx);
    if (typeof lease === 'string') {
      nothingDone(RESULT.stateUnavailable, `state not readable, nothing done: ${lease}`);
      return done();
    }
    const { state } = lease;
    const now = Date.now() / 1000;
    const alone = failing.length === 1 && replicas.length - failing.length >= 2;
    // Time since the previous run; one not in the past says nothing (and must not make a pod look old).
    const interval = state.previousRun === undefined || state.previousRun >= now ? undefined : now - state.previousRun;
    /** @type {{ replica: string, pod: string, consecutive: number } | undefined} */
    let due;
    for (const { address } of failing) {
      const found = await findPod(rc, credentials, ctx, address);
      if ('result' in found) {
        decisions.push({ replica: address, pod: '', consecutive: 0, result: found.result, reason: found.reason });
        continue;
      }
      const { name, createdAt } = found.pod;
      const consecutive = (state.consecutive.get(`${address} ${name}`) ?? 0) + 1;
      /** @param {string} result @param {string} [reason] */
      const decide = (result, reason) => decisions.push({ replica: address, pod: name, consecutive, result, reason });
      if (!alone) {
        decide(RESULT.notAlone, `${failing.length} of ${replicas.length} replicas failing; eviction only for a lone one with at least 2 healthy`);
      } else if (consecutive < rc.afterRuns) {
        decide(RESULT.notConfirmed, `failed ${consecutive} of ${rc.afterRuns} runs in a row`);
      } else if (interval === undefined || !(now - createdAt > rc.afterRuns * interval)) {
        decide(
          RESULT.tooYoung,
          `pod created ${Number.isFinite(createdAt) ? `${Math.round(now - createdAt)}s` : 'at an unknown time'} ago, want over ` +
            `${rc.afterRuns} intervals (${Math.round(rc.afterRuns * (interval ?? NaN))}s)`,
        );
      } else if (state.lastEviction !== undefined && now - state.lastEviction < rc.minIntervalSeconds) {
        decide(
          RESULT.rateLimited,
          `last eviction ${Math.round(now - state.lastEviction)}s ago, at most one per ${rc.minIntervalSeconds}s: the fault recurs`,
        );
      } else if (rc.mode === 'dry-run') {
        decide(RESULT.dryRun, `would evict ${rc.namespace}/${name}`);
      } else {
        due = { replica: address, pod: name, consecutive };
      }
    }
    /** @type {RemediationState} */
    const next = {
      previousRun: now,
      lastEviction: state.lastEviction,
      consecutive: new Map(decisions.filter((d) => d.consecutive > 0).map((d) => [`${d.replica} ${d.pod}`, d.consecutive])),
    };
    if (due === undefined) {
      const written = await writeLease(rc, credentials, ctx, lease, next);
      if (typeof written === 'string') {
        const reason = `state not written, nothing done: ${written}`;
        if (failing.length === 0) notes.push(reason);
        for (const decision of decisions) Object.assign(decision, { result: RESULT.stateUnavailable, reason });
      }
      return done();
    }
    decisions.push(await evict(rc, credentials, ctx, lease, next, due, now));
    if (decisions.at(-1)?.result === RESULT.evicted) evictedAt = now;
    return done();
  } catch (error) {
    nothingDone(RESULT.failed, `internal error: ${describeError(error)}`);
    return done();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The eviction, its time written to the Lease first: a run that fails part-way, or a write that is
 * refused, can never leave an eviction unrecorded (the rate limit's memory). When the eviction is
 * refused, the previous time and the pod's count are written back (best effort), so it is retried.
 * @param {RemediationConfig} rc
 * @param {{ token: string, ca: string }} credentials
 * @param {Context} ctx
 * @param {StateLease} lease
 * @param {RemediationState} next  the state after this run, without the pod to evict
 * @param {{ replica: string, pod: string, consecutive: number }} due
 * @param {number} now
 * @returns {Promise<Decision>}
 */
async function evict(rc, credentials, ctx, lease, next, due, now) {
  /** @param {string} result @param {string} [reason] */
  const decision = (result, reason) => ({ ...due, result, reason });
  const intent = await writeLease(rc, credentials, ctx, lease, { ...next, lastEviction: now });
  if (typeof intent === 'string') return decision(RESULT.stateUnavailable, `state not written, nothing evicted: ${intent}`);
  const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: due.pod, namespace: rc.namespace } };
  const path = `api/v1/namespaces/${encodeURIComponent(rc.namespace)}/pods/${encodeURIComponent(due.pod)}/eviction`;
  const answer = await kubeCall(rc, credentials, ctx, 'POST', path, eviction);
  if (answer.status >= 200 && answer.status < 300) return decision(RESULT.evicted);
  const consecutive = new Map([...next.consecutive, [`${due.replica} ${due.pod}`, due.consecutive]]);
  const restored = await writeLease(rc, credentials, ctx, intent, { ...next, consecutive });
  const kept =
    typeof restored === 'string' ? `; the eviction time stays recorded (${restored}), so the next eviction waits ${rc.minIntervalSeconds}s` : '';
  if (answer.status === 429) return decision(RESULT.blockedByBudget, `${answer.problem} (a PodDisruptionBudget; retried on a later run)${kept}`);
  return decision(RESULT.failed, `${answer.problem}${kept}`);
}

/**
 * The run group's remediation series. The last eviction time is not among them: it has its own group.
 * @param {Decision[]} decisions
 */
function renderRemediation(decisions) {
  const families = [
    gauge(
      METRIC.remediation,
      decisions.map(({ replica, pod, result }) => [{ replica, pod, result }, 1]),
    ),
  ];
  const counted = decisions.filter((decision) => decision.consecutive > 0 && decision.result !== RESULT.evicted);
  if (counted.length > 0)
    families.push(
      gauge(
        METRIC.replicaConsecutiveFailures,
        counted.map(({ replica, pod, consecutive }) => [{ replica, pod }, consecutive]),
      ),
    );
  return `${families.join('\n')}\n`;
}

/**
 * The decisions on stdout, their reasons and the notes on stderr.
 * @param {{ decisions: Decision[], notes: string[] }} remediation
 */
function printRemediation({ decisions, notes }) {
  for (const { replica, pod, consecutive, result, reason } of decisions) {
    process.stdout.write(`probe: remediation replica=${replica} pod=${pod === '' ? '?' : pod} consecutive=${consecutive} result=${result}\n`);
    if (reason !== undefined) process.stderr.write(`probe: remediation replica ${replica}: ${result}: ${reason}\n`);
  }
  for (const note of notes) process.stderr.write(`probe: remediation: ${note}\n`);
}

/**
 * The eviction group, PUT only when an eviction succeeded, for the dashboards and alerts; nothing reads
 * it back (the rate limit's memory is the Lease).
 * @param {Config} config
 * @param {Context} ctx
 * @param {number} evictedAt
 */
function pushEviction(config, ctx, evictedAt) {
  const metric = METRIC.remediationLastEvictionTimestamp;
  return pushGroup(config, ctx, ['kind', EVICTION_GROUP_KIND], `# TYPE ${metric} gauge\n${metric} ${evictedAt.toFixed(3)}\n`);
}

// ---------------------------------------------------------------------------------------------------
