/**
 * The cluster tier's test hosts: addresses in 198.18.<n>.0/24 (RFC 2544's benchmarking range, never
 * routed) on one end of a veth pair this run creates (the sandbox's kernel has no dummy interfaces).
 * `<n>` is the run's own, claimed in a shared folder, so two jest runs on one machine never touch each
 * other's interface or addresses. The API server refuses loopback addresses in
 * Endpoints, EndpointSlices and a pod's IP, so the ttyd host, the Traefik replicas and the API server
 * itself each listen on an address of their own here. No traffic leaves the machine: the pair's other
 * end is in this namespace too, and every address on it is local.
 *
 * Addresses are claimed like ports (`processes.ts`): one file per address in the jest run's folder,
 * holding the claiming process' pid.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from './processes';

/** The run's subnet number, set by global setup for the workers. */
const LAB_VARIABLE = 'WEBTERMINAL_TEST_LAB';
const RUN_CLAIMS = join(tmpdir(), 'webterminal-test-labs');

function labNumber(): number {
  const n = Number(process.env[LAB_VARIABLE]);
  if (!Number.isInteger(n)) throw new Error('no lab network in this run: jest global setup creates it (support/run-folder.ts)');
  return n;
}

const prefix = () => `198.18.${labNumber()}`;
const labInterface = () => `wtlab${labNumber()}`;

/** The API server's address; hosts are claimed from .10 on. */
export const apiServerAddress = () => `${prefix()}.1`;

/** Claims a subnet number no live jest run holds. */
function claimRun(): number {
  mkdirSync(RUN_CLAIMS, { recursive: true });
  for (let n = 0; n < 256; n += 1) {
    const file = join(RUN_CLAIMS, String(n));
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return n;
    } catch {
      const holder = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) continue;
      rmSync(file, { force: true });
      n -= 1; // its run is gone: take it over
    }
  }
  throw new Error(`every lab subnet is claimed by a live run (${RUN_CLAIMS})`);
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

/**
 * Claims the run's subnet and creates its interface (replacing one a crashed run left) with the API
 * server's address; the workers inherit the subnet number. Needs root.
 */
export function createLabNetwork(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('the cluster tier needs root (CAP_NET_ADMIN) to create the interface of its test hosts; run the tests as root, as CI does');
  }
  process.env[LAB_VARIABLE] = String(claimRun());
  try {
    ip(['link', 'del', labInterface()]);
  } catch {
    // none was left
  }
  ip(['link', 'add', labInterface(), 'type', 'veth', 'peer', 'name', `${labInterface()}p`]);
  ip(['addr', 'add', `${apiServerAddress()}/24`, 'dev', labInterface()]);
  ip(['link', 'set', `${labInterface()}p`, 'up']);
  ip(['link', 'set', labInterface(), 'up']);
}

export function removeLabNetwork(): void {
  try {
    ip(['link', 'del', labInterface()]);
  } catch {
    // already gone
  }
  rmSync(join(RUN_CLAIMS, String(labNumber())), { force: true });
}

function claimsFolder(): string {
  const run = process.env.WEBTERMINAL_TEST_RUN_FOLDER;
  if (run === undefined) throw new Error('lab addresses are claimed in the jest run folder (support/run-folder.ts)');
  const folder = join(run, 'addresses');
  mkdirSync(folder, { recursive: true });
  return folder;
}

/** A test host's address, claimed for this process and added to the interface (the kernel answers on it at once). */
export function claimLabAddress(): string {
  const folder = claimsFolder();
  for (let host = 10; host < 255; host += 1) {
    try {
      writeFileSync(join(folder, String(host)), String(process.pid), { flag: 'wx' });
    } catch {
      continue;
    }
    const address = `${prefix()}.${host}`;
    ip(['addr', 'add', `${address}/32`, 'dev', labInterface()]);
    return address;
  }
  throw new Error(`every address of ${prefix()}.10-254 is claimed`);
}

/** Gives an address back: removed from the interface, its claim dropped. */
export function releaseLabAddress(address: string): void {
  const host = address.split('.').pop() ?? '';
  const file = join(claimsFolder(), host);
  if (readFileSync(file, 'utf8') !== String(process.pid)) throw new Error(`${address} is not claimed by this process`);
  try {
    ip(['addr', 'del', `${address}/32`, 'dev', labInterface()]);
  } finally {
    rmSync(file, { force: true });
  }
}
