// @ts-check
/**
 * The API server as remediation's ServiceAccount sees it (loaded with remediation only): one verified,
 * bounded call; the Lease that holds remediation's memory in one annotation, read and written back with
 * the resourceVersion it was read at; and the one Traefik pod behind a replica address.
 */

import { CONTRACT } from './config.mjs';
import { below, exchange } from './exchange.mjs';

const RESULT = CONTRACT.remediationResult;
/** The Lease annotation holding the state; the construct sets no annotation, so nothing else writes it. */
const STATE_ANNOTATION = CONTRACT.remediationStateAnnotation;
const STATE_VERSION = 1;
/** A bound on the entries read back: one per failing replica, and no run checks more than this many. */
const MAX_STATE_ENTRIES = CONTRACT.limits.maxReplicas[1];

/**
 * @typedef {import('./exchange.mjs').Context} Context
 * @typedef {import('./remediation.mjs').RemediationConfig} RemediationConfig
 */

/**
 * @typedef {object} RemediationState
 * @property {Map<string, number>} consecutive  failing runs in a row, by `replica pod`
 * @property {number | undefined} lastEviction  Unix seconds
 * @property {number | undefined} previousRun  when the previous run decided, Unix seconds
 *
 * @typedef {object} StateLease  the Lease as the API server last returned it, and the state it holds
 * @property {Record<string, any>} object
 * @property {RemediationState} state
 */

/** @param {RemediationConfig} rc */
function leasePath(rc) {
  return `apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(rc.lease.namespace)}/leases/${encodeURIComponent(rc.lease.name)}`;
}

/**
 * The state in the Lease's annotation. No annotation is a fresh state: removing it is how a person
 * resets remediation's memory. What the probe did not write is refused, never repaired.
 * @param {unknown} text
 * @returns {RemediationState | string}  the state, or why the annotation is not one
 */
function parseState(text) {
  if (text === undefined) return { consecutive: new Map(), lastEviction: undefined, previousRun: undefined };
  /** @type {any} */
  let parsed;
  try {
    parsed = JSON.parse(String(text));
  } catch {
    return 'not JSON';
  }
  if (parsed?.version !== STATE_VERSION) return `not version ${STATE_VERSION}`;
  /** @param {unknown} value */
  const time = (value) => value === null || (typeof value === 'number' && Number.isFinite(value) && value > 0);
  if (!time(parsed.previousRun) || !time(parsed.lastEviction)) return 'previousRun and lastEviction must each be a Unix time or null';
  const counts = parsed.consecutive;
  const entries = typeof counts === 'object' && counts !== null && !Array.isArray(counts) ? Object.entries(counts) : undefined;
  if (entries === undefined || entries.length > MAX_STATE_ENTRIES || entries.some(([, count]) => !Number.isInteger(count) || count < 1)) {
    return `consecutive must map "<replica> <pod>" to failing runs in a row, at most ${MAX_STATE_ENTRIES} entries`;
  }
  return {
    consecutive: new Map(/** @type {Array<[string, number]>} */ (entries)),
    lastEviction: parsed.lastEviction ?? undefined,
    previousRun: parsed.previousRun ?? undefined,
  };
}

/** @param {RemediationState} state */
function renderState(state) {
  return JSON.stringify({
    version: STATE_VERSION,
    previousRun: state.previousRun ?? null,
    lastEviction: state.lastEviction ?? null,
    consecutive: Object.fromEntries(state.consecutive),
  });
}

/**
 * Reads the Lease (PROBE_REMEDIATE_LEASE) and the state in its annotation.
 * @param {RemediationConfig} rc
 * @param {{ token: string, ca: string }} credentials
 * @param {Context} ctx
 * @returns {Promise<StateLease | string>}  the Lease, or why it could not be read
 */
export async function readLease(rc, credentials, ctx) {
  const answer = await kubeCall(rc, credentials, ctx, 'GET', leasePath(rc));
  if (answer.status === 404) return `${answer.problem} (the stack creates the Lease; the probe may not)`;
  const where = `GET /${leasePath(rc)}`;
  if (answer.status !== 200) return answer.problem;
  const object = answer.json;
  if (object?.kind !== 'Lease' || typeof object?.metadata?.resourceVersion !== 'string') return `${where}: not a Lease`;
  const state = parseState(object.metadata.annotations?.[STATE_ANNOTATION]);
  if (typeof state === 'string') return `${where}: annotation ${STATE_ANNOTATION} is not the probe's state (${state}); remove it to reset`;
  return { object, state };
}

/**
 * Writes `state` into the Lease as it was read, resourceVersion included, so the API server refuses
 * the write (409) when anyone else wrote the Lease since.
 * @param {RemediationConfig} rc
 * @param {{ token: string, ca: string }} credentials
 * @param {Context} ctx
 * @param {StateLease} lease
 * @param {RemediationState} state
 * @returns {Promise<StateLease | string>}  the Lease as written, or why it was not
 */
export async function writeLease(rc, credentials, ctx, lease, state) {
  const metadata = lease.object.metadata;
  const annotations = { ...(metadata.annotations ?? {}), [STATE_ANNOTATION]: renderState(state) };
  const answer = await kubeCall(rc, credentials, ctx, 'PUT', leasePath(rc), { ...lease.object, metadata: { ...metadata, annotations } });
  if (answer.status === 409) return `${answer.problem} (the Lease changed since it was read: another writer)`;
  if (answer.status !== 200 || typeof answer.json?.metadata?.resourceVersion !== 'string') return answer.problem;
  return { object: answer.json, state };
}

/**
 * One call to the API server: https verified against the cluster CA, the bearer token, JSON.
 * @param {RemediationConfig} rc
 * @param {{ token: string, ca: string }} credentials
 * @param {Context} ctx
 * @param {string} method
 * @param {string} pathAndQuery
 * @param {unknown} [body]
 */
export async function kubeCall(rc, credentials, ctx, method, pathAndQuery, body) {
  const url = below(/** @type {URL} */ (rc.apiUrl), pathAndQuery.replace(/^\//, ''));
  const text = body === undefined ? undefined : JSON.stringify(body);
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', Authorization: `Bearer ${credentials.token}` };
  if (text !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  const answer = await exchange({ url, method, headers, body: text, readBody: true, ca: credentials.ca }, { ...ctx, insecureTls: false });
  /** @type {any} */
  let parsed;
  try {
    parsed = answer.body === '' ? undefined : JSON.parse(answer.body);
  } catch {
    parsed = undefined;
  }
  const where = `${method} ${url.pathname}`;
  // Of the API's answer only its Status `reason`, one CamelCase word (Forbidden, TooManyRequests): a
  // message may echo the request, and a server that is not the API server may send anything.
  const reason = typeof parsed?.reason === 'string' && /^[A-Z][A-Za-z]{0,39}$/.test(parsed.reason) ? ` ${parsed.reason}` : '';
  const problem = answer.status === 0 ? `${where}: ${answer.error}` : `${where}: status ${answer.status}${reason}`;
  return { status: answer.status, json: parsed, problem };
}

/**
 * The one pod behind a replica address, or why there is none to act on.
 * @param {RemediationConfig} rc
 * @param {{ token: string, ca: string }} credentials
 * @param {Context} ctx
 * @param {string} address
 * @returns {Promise<{ pod: { name: string, createdAt: number } } | { result: string, reason: string }>}
 */
export async function findPod(rc, credentials, ctx, address) {
  const labelSelector = rc.selector.map(([key, value]) => `${key}=${value}`).join(',');
  const query = new URLSearchParams({ labelSelector, fieldSelector: `status.podIP=${address}` });
  const answer = await kubeCall(rc, credentials, ctx, 'GET', `api/v1/namespaces/${encodeURIComponent(rc.namespace)}/pods?${query}`);
  if (answer.status !== 200 || !Array.isArray(answer.json?.items))
    return { result: RESULT.failed, reason: answer.status === 200 ? 'pod list: not a PodList' : answer.problem };
  // The API server filtered already; the probe checks again, because the Role would allow more.
  /** @type {Array<any>} */
  const items = answer.json.items;
  const matching = items.filter(
    (pod) =>
      pod?.status?.podIP === address &&
      pod?.metadata?.deletionTimestamp == null &&
      rc.selector.every(([key, value]) => pod?.metadata?.labels?.[key] === value) &&
      (pod?.metadata?.namespace ?? rc.namespace) === rc.namespace,
  );
  if (matching.length !== 1) {
    return {
      result: RESULT.noPod,
      reason: `${matching.length} running pods in ${rc.namespace} match ${labelSelector} with IP ${address}; want exactly 1`,
    };
  }
  const name = String(matching[0].metadata?.name ?? '');
  // Set by the API server when the pod is made; status.startTime is written by the kubelet (or
  // anyone allowed to update pods/status) and says nothing a writer cannot choose.
  const createdAt = Date.parse(matching[0].metadata?.creationTimestamp ?? '') / 1000;
  if (name === '') return { result: RESULT.noPod, reason: `the pod with IP ${address} has no name` };
  return { pod: { name, createdAt } };
}
