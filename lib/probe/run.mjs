// @ts-check
/**
 * The run: every applicable check of the table on every target, and the per-replica checks, until done
 * or until the run deadline, whichever comes first. The runner owns the deadline; a sample the deadline
 * cut off stays `undefined` and counts as failed.
 */

import { setMaxListeners } from 'node:events';
import { CHECKS, applies, targets } from './checks.mjs';
import { describeError } from './exchange.mjs';
import { withTimeout } from './resolve.mjs';

/**
 * Replicas checked at the same time: each holds its requests one after another (and its inventory), so this
 * bounds the sockets and buffers in flight whatever the Service resolves to.
 */
const REPLICAS_IN_FLIGHT = 8;
/** Time the run waits for in-flight work to settle after the deadline aborted it. */
const DEADLINE_GRACE_MS = 100;

/**
 * @typedef {import('./config.mjs').Config} Config
 * @typedef {import('./checks.mjs').Check} Check
 * @typedef {import('./checks.mjs').Target} Target
 * @typedef {import('./checks.mjs').Outcome} Outcome
 * @typedef {import('./exchange.mjs').Context} Context
 * @typedef {import('./inventory.mjs').Found} Found
 *
 * @typedef {object} Planned  one check on one target, and its samples
 * @property {Check} check
 * @property {Target} target
 * @property {(Outcome | undefined)[]} outcomes
 *
 * @typedef {object} ReplicaReport
 * @property {string} address
 * @property {Map<Check, Outcome | undefined>} outcomes
 * @property {Found | undefined} inventory  what the inventory module found (undefined when it is off or was cut off)
 *
 * @typedef {object} Report
 * @property {Planned[]} planned
 * @property {ReplicaReport[] | undefined} replicas  undefined when PROBE_REPLICAS is off
 * @property {string | undefined} replicasProblem
 * @property {number} replicasLeftOut  resolved, past PROBE_MAX_REPLICAS, not checked
 * @property {Check[]} routes  the table's route rows (routes.mjs), asked on every replica
 *
 * @typedef {object} Inventory  the router inventory (inventory.mjs), loaded only when it is on
 * @property {(ctx: Context, address: string) => Promise<Found>} take
 * @property {(found: Found | undefined) => string[]} fields  on the replica's stdout line
 * @property {(address: string, found: Found | undefined) => string[]} problems  stderr lines
 * @property {(replicas: ReplicaReport[]) => string[]} metrics  metric families
 */

/**
 * Edge samples one after another, the edge checks alternating: behind a round-robin balancer over N
 * replicas, consecutive requests visit every replica, so each check reaches each one when samples >= N.
 * Origin checks once each, all at the same time.
 * @param {Config} config
 * @param {Context} ctx
 * @param {Planned[]} planned
 */
async function runTargets(config, ctx, planned) {
  const edgeChain = async () => {
    for (const target of new Set(planned.map((p) => p.target))) {
      const edge = planned.filter((p) => p.target === target && p.check.on === 'edge');
      for (let i = 0; i < config.samples; i += 1) {
        for (const p of edge) {
          if (ctx.signal.aborted) return;
          p.outcomes[i] = await p.check.sample(config, target, ctx);
        }
      }
    }
  };
  const origin = planned.filter((p) => p.check.on === 'origin');
  await Promise.all([edgeChain(), ...origin.map(async (p) => (p.outcomes[0] = await p.check.sample(config, p.target, ctx)))]);
}

/**
 * The replica addresses of PROBE_REPLICAS, in address order, then every replica's checks (and its
 * inventory), REPLICAS_IN_FLIGHT at a time.
 * @param {Config} config
 * @param {Context} ctx
 * @param {import('./resolve.mjs').Resolution} resolution
 * @param {Report} report
 * @param {Inventory | undefined} inventory
 * @param {Check[]} table
 */
async function runReplicas(config, ctx, resolution, report, inventory, table) {
  const source = config.replicas;
  if (source.kind === 'off') return;
  let addresses = source.kind === 'addresses' ? source.addresses : [];
  try {
    if (source.kind === 'name') {
      const found = await withTimeout(resolution.resolveAll(source.name), ctx.timeoutMs, `resolving ${source.name}`);
      addresses = [...new Set(found)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      if (found.length === 0) report.replicasProblem = `PROBE_REPLICAS: ${JSON.stringify(source.name)} resolved to no address`;
    }
  } catch (error) {
    report.replicasProblem = `PROBE_REPLICAS: ${describeError(error)}`;
  }
  // Past the deadline runChecks has reported the replicas as not resolved; a late answer changes nothing.
  if (report.replicas !== undefined) return;
  const checked = addresses.slice(0, config.maxReplicas);
  report.replicasLeftOut = addresses.length - checked.length;
  const perReplica = table.filter((check) => check.perReplica);
  /** @type {ReplicaReport[]} */
  const replicas = checked.map((address) => ({ address, outcomes: new Map(perReplica.map((check) => [check, undefined])), inventory: undefined }));
  report.replicas = replicas;
  const main = targets(config)[0];
  let next = 0;
  const lane = async () => {
    while (next < replicas.length && !ctx.signal.aborted) {
      const entry = replicas[next++];
      const inventoried = inventory?.take(ctx, entry.address);
      for (const check of perReplica) entry.outcomes.set(check, await check.sample(config, { ...main, replica: entry.address }, ctx));
      entry.inventory = await inventoried;
    }
  };
  await Promise.all(Array.from({ length: Math.min(REPLICAS_IN_FLIGHT, replicas.length) }, lane));
}

/**
 * Runs every check until done or until the deadline.
 * @param {Config} config
 * @param {import('./resolve.mjs').Resolution} resolution
 * @param {Inventory | undefined} inventory
 * @param {Check[]} [table]  the check table: CHECKS and the routes' rows
 * @returns {Promise<Report>}
 */
export async function runChecks(config, resolution, inventory, table = CHECKS) {
  /** @param {Check} check @param {Target} target @returns {Planned} */
  const plan = (check, target) => ({ check, target, outcomes: Array(check.on === 'edge' ? config.samples : 1).fill(undefined) });
  const planned = targets(config).flatMap((target) => table.filter((check) => applies(config, check, target)).map((check) => plan(check, target)));
  /** @type {Report} */
  const report = { planned, replicas: undefined, replicasProblem: undefined, replicasLeftOut: 0, routes: table.filter((check) => check.route) };
  const deadline = new AbortController();
  // Every request in flight listens for the deadline (edge, origin, each replica and its inventory).
  setMaxListeners(0, deadline.signal);
  const deadlineTimer = setTimeout(() => deadline.abort(), config.deadlineMs);
  /** @type {Context} */
  const ctx = { timeoutMs: config.timeoutMs, signal: deadline.signal, lookup: resolution.lookup, insecureTls: config.insecureTls };
  const work = Promise.allSettled([runTargets(config, ctx, planned), runReplicas(config, ctx, resolution, report, inventory, table)]);
  // Every request honours the abort, so work settles right after it; the grace bound covers the rest.
  const cutOff = new Promise((resolve) => deadline.signal.addEventListener('abort', () => setTimeout(resolve, DEADLINE_GRACE_MS), { once: true }));
  await Promise.race([work, cutOff]);
  clearTimeout(deadlineTimer);
  if (deadline.signal.aborted) resolution.cancel();
  if (config.replicas.kind !== 'off' && report.replicas === undefined) {
    Object.assign(report, { replicas: [], replicasProblem: 'PROBE_REPLICAS: not resolved before the run deadline' });
  }
  return report;
}
