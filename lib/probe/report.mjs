// @ts-check
/**
 * What a run found, three ways, all read from the check table: the summary (ok or not), the metrics
 * pushed to the Pushgateway, and the lines printed (stdout: the summary and one line per replica;
 * stderr: the reasons). And the push itself.
 */

import { CONTRACT } from './config.mjs';
import { below, exchange } from './exchange.mjs';

const METRIC = CONTRACT.metric;

/**
 * @typedef {import('./config.mjs').Config} Config
 * @typedef {import('./checks.mjs').Outcome} Outcome
 * @typedef {import('./run.mjs').Report} Report
 * @typedef {import('./run.mjs').Planned} Planned
 * @typedef {import('./run.mjs').ReplicaReport} ReplicaReport
 * @typedef {import('./run.mjs').Inventory} Inventory
 * @typedef {Array<[Record<string, string>, number]>} Samples
 *
 * @typedef {object} CheckSummary
 * @property {Planned} planned
 * @property {number} status  first unexpected status, else the healthy one; 0 = no answer
 * @property {number} samples
 * @property {number} failures
 * @property {string | undefined} reason  of the first failure
 *
 * @typedef {ReturnType<typeof import('./matrix.mjs').matrixView>} MatrixView
 *
 * @typedef {object} Summary
 * @property {CheckSummary[]} checks
 * @property {CheckSummary[]} statuses  the checks with a status gauge (and a field on the summary line), on the terminal's host
 * @property {Array<ReplicaReport & { healthy: boolean }>} replicas
 * @property {boolean} ttydOpen
 * @property {MatrixView | undefined} matrix  the routes across the replicas, and the router sets (with routes or router names)
 * @property {boolean} ok
 */

const CUT_OFF = 'cut off by the run deadline';

/** @param {Outcome | undefined} outcome */
const statusOf = (outcome) => outcome?.status ?? 0;

/**
 * A replica is healthy when the terminal's checks pass on it; the routes' rows have series of their own
 * (matrix.mjs), and fail the run, not the replica.
 * @param {Report} report
 * @param {Config} config
 * @param {typeof import('./matrix.mjs') | undefined} matrixModule  loaded with routes or the stack's router names
 * @returns {Summary}
 */
export function summarize(report, config, matrixModule) {
  const checks = report.planned.map((planned) => {
    const outcomes = planned.outcomes.map((outcome) => outcome ?? { status: 0, healthy: false, reason: CUT_OFF });
    const failed = outcomes.filter((outcome) => !outcome.healthy);
    return { planned, status: (failed[0] ?? outcomes[0])?.status ?? 0, samples: outcomes.length, failures: failed.length, reason: failed[0]?.reason };
  });
  // Open only on proof: the status that the boundary checks must never get.
  const ttydOpen = report.planned.some(({ check, outcomes }) => check.opensAt !== undefined && outcomes[0]?.status === check.opensAt);
  const replicas = (report.replicas ?? []).map((entry) => ({
    ...entry,
    // a replica is healthy on the terminal's own checks; its routes are the matrix's
    healthy: [...entry.outcomes].every(([check, outcome]) => check.route !== undefined || outcome?.healthy === true),
  }));
  const replicasHealthy = report.replicas === undefined || (replicas.length > 0 && replicas.every((replica) => replica.healthy));
  /** @param {[import('./checks.mjs').Check, Outcome | undefined]} entry */
  const routeHealthy = ([check, outcome]) => check.route === undefined || outcome?.healthy === true;
  const routesHealthy = replicas.every(({ outcomes }) => [...outcomes].every(routeHealthy));
  const matrix = matrixModule?.matrixView(report.routes, report.replicas, config.ownRouters);
  const statuses = checks.filter(({ planned }) => planned.check.statusMetric !== undefined && planned.target.host === '');
  const ok = replicasHealthy && routesHealthy && checks.every((check) => check.failures === 0);
  return { checks, statuses, replicas, ttydOpen, matrix, ok };
}

/** @param {string} value */
const escapeLabelValue = (value) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * One metric family in the text exposition format.
 * @param {string} name
 * @param {Samples} samples
 */
export function gauge(name, samples) {
  const lines = samples.map(([labels, value]) => {
    const pairs = Object.entries(labels).map(([label, labelValue]) => `${label}="${escapeLabelValue(labelValue)}"`);
    return `${name}${pairs.length === 0 ? '' : `{${pairs.join(',')}}`} ${value}`;
  });
  return [`# TYPE ${name} gauge`, ...lines].join('\n');
}

/** @param {CheckSummary} summary */
const labelsOf = ({ planned }) => ({ check: planned.check.name, ...(planned.target.host === '' ? {} : { host: planned.target.host }) });

/**
 * The run group's series: the status gauges of the terminal's host, samples and failures of every
 * check on every host, and the per-replica series.
 * @param {Summary} summary
 * @param {Report} report
 * @param {Inventory | undefined} inventory
 * @param {number} durationSeconds
 */
export function renderRunMetrics(summary, report, inventory, durationSeconds) {
  /** @param {'samples' | 'failures'} field @returns {Samples} */
  const perCheck = (field) => summary.checks.map((check) => [labelsOf(check), check[field]]);
  const families = [
    ...summary.statuses.map(({ planned, status }) => gauge(METRIC[/** @type {keyof METRIC} */ (planned.check.statusMetric)], [[{}, status]])),
    gauge(METRIC.checkSamples, perCheck('samples')),
    gauge(METRIC.checkFailures, perCheck('failures')),
    gauge(METRIC.ttydOpen, [[{}, summary.ttydOpen ? 1 : 0]]),
  ];
  if (report.replicas !== undefined) {
    const replicas = summary.replicas;
    families.push(gauge(METRIC.replicas, [[{}, replicas.length]]), gauge(METRIC.replicasLeftOut, [[{}, report.replicasLeftOut]]));
    /** @param {ReplicaReport} replica @returns {Samples} */
    const statuses = ({ address, outcomes }) =>
      [...outcomes].flatMap(([check, outcome]) => (check.route === undefined ? [[{ replica: address, check: check.name }, statusOf(outcome)]] : []));
    /** @type {Samples} */
    const ok = replicas.map(({ address, healthy }) => [{ replica: address }, healthy ? 1 : 0]);
    if (replicas.length > 0) families.push(gauge(METRIC.replicaOk, ok), gauge(METRIC.replicaStatus, replicas.flatMap(statuses)));
    families.push(...(inventory?.metrics(replicas) ?? []));
  }
  families.push(...(summary.matrix?.series() ?? []).map(([name, samples]) => gauge(name, samples)));
  families.push(gauge(METRIC.durationSeconds, [[{}, Number(durationSeconds.toFixed(3))]]));
  return `${families.join('\n')}\n`;
}

/**
 * The summary line and one line per replica on stdout; the reasons on stderr, so a failing run says
 * why without anyone reading the metrics.
 * @param {Summary} summary
 * @param {Report} report
 * @param {Inventory | undefined} inventory
 * @param {number} durationSeconds
 */
export function printReport(summary, report, inventory, durationSeconds) {
  const out = (/** @type {string[]} */ fields) => process.stdout.write(`probe: ${fields.join(' ')}\n`);
  const err = (/** @type {string} */ line) => process.stderr.write(`probe: ${line}\n`);
  /** Failures over samples, per kind of check on the terminal's host, per other host as a whole. @type {Map<string, number[]>} */
  const tally = new Map();
  for (const { planned, samples, failures } of summary.checks) {
    const key = planned.target.name || planned.check.on;
    const [f, s] = tally.get(key) ?? [0, 0];
    tally.set(key, [f + failures, s + samples]);
  }
  out([
    ...summary.statuses.map(({ planned, status }) => `${planned.check.field}=${status}`),
    `ok=${summary.ok ? 1 : 0}`,
    `ttyd_open=${summary.ttydOpen ? 1 : 0}`,
    ...(report.replicas === undefined ? [] : [`replicas=${summary.replicas.length}`]),
    ...[...tally].map(([key, [failures, samples]]) => `${key}_failures=${failures}/${samples}`),
    ...(summary.matrix?.fields() ?? []),
    `duration=${durationSeconds.toFixed(3)}s`,
  ]);
  for (const replica of summary.replicas) {
    const { address, outcomes, inventory: found, healthy } = replica;
    const fields = [...outcomes].flatMap(([check, outcome]) => (check.field === undefined ? [] : [`${check.field}=${statusOf(outcome)}`]));
    out([
      `replica=${address}`,
      ...fields,
      ...(summary.matrix?.replicaFields(replica) ?? []),
      ...(inventory?.fields(found) ?? []),
      `ok=${healthy ? 1 : 0}`,
    ]);
  }
  for (const { planned, failures, samples, reason } of summary.checks.filter((check) => check.failures > 0)) {
    err(`${planned.target.name ? `${planned.target.name} ` : ''}${planned.check.name}: ${failures}/${samples} failed, first: ${reason}`);
  }
  if (report.replicasProblem !== undefined) err(report.replicasProblem);
  const [checked, leftOut] = [summary.replicas.length, report.replicasLeftOut];
  if (leftOut > 0) err(`PROBE_REPLICAS: ${leftOut + checked} addresses; checked the first ${checked} (PROBE_MAX_REPLICAS), left out ${leftOut}`);
  for (const { address, outcomes, inventory: found } of summary.replicas) {
    for (const [check, outcome] of outcomes) {
      if (check.route === undefined && !outcome?.healthy) err(`replica ${address} ${check.name}: ${outcome?.reason ?? CUT_OFF}`);
    }
    for (const line of inventory?.problems(address, found) ?? []) err(line);
  }
  for (const line of summary.matrix?.problems() ?? []) err(line);
  if (report.routes.length > 0 && report.replicas === undefined) {
    err(`PROBE_ROUTES: ${report.routes.length} routes not checked: PROBE_REPLICAS is off`);
  }
}

/**
 * Why a push was refused, in the probe's own words. The server's body is never printed: a server or a
 * proxy in front of it may echo the request, Authorization header included.
 * @param {number} status
 */
function pushRefusal(status) {
  if (status === 400) return 'the Pushgateway refused the push as malformed or inconsistent with what it holds';
  if (status === 401 || status === 403) return 'the credentials were refused';
  if (status === 404 || status === 405) return 'no Pushgateway push API at that URL';
  return status >= 500 ? 'the server failed' : 'unexpected answer';
}

/**
 * PUT replaces the whole group (pushgateway README), so series of a replica that is gone disappear.
 * @param {Config} config
 * @param {import('./exchange.mjs').Context} ctx
 * @param {string[]} grouping  extra label/value path segments after the job
 * @param {string} body
 * @returns {Promise<string | undefined>}  the failure, if any
 */
export async function pushGroup(config, ctx, grouping, body) {
  /** @type {Record<string, string>} */
  // No Content-Length: Node sets it, as end() is given the whole body.
  const headers = { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' };
  if (config.pushgatewayAuthorization !== undefined) headers.Authorization = config.pushgatewayAuthorization;
  const url = below(config.pushgatewayUrl, ['metrics', 'job', config.job, ...grouping].map(encodeURIComponent).join('/'));
  const answer = await exchange({ url, method: 'PUT', headers, body }, ctx);
  if (answer.status >= 200 && answer.status < 300) return undefined;
  const where = `PUT /metrics/job/${[config.job, ...grouping].join('/')}`;
  return answer.status === 0 ? `${where}: ${answer.error}` : `${where}: status ${answer.status} (${pushRefusal(answer.status)})`;
}
