/**
 * The cluster tier's test hosts: addresses in 198.18.0.0/24 (RFC 2544's benchmarking range, never
 * routed) on one end of a veth pair this run creates (the sandbox's kernel has no dummy interfaces). The API server refuses loopback addresses in
 * Endpoints, EndpointSlices and a pod's IP, so the ttyd host, the Traefik replicas and the API server
 * itself each listen on an address of their own here. No traffic leaves the machine: the pair's other
 * end is in this namespace too, and every address on it is local.
 *
 * Addresses are claimed like ports (`processes.ts`): one file per address in the jest run's folder,
 * holding the claiming process' pid.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LAB_INTERFACE = 'wtlab0';
const LAB_PEER = 'wtlab0p';
const PREFIX = '198.18.0';
/** The API server's address; hosts are claimed from .10 on. */
export const API_SERVER_ADDRESS = `${PREFIX}.1`;

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

/** Creates the interface (replacing one a crashed run left) with the API server's address. Needs root. */
export function createLabNetwork(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('the cluster tier needs root (CAP_NET_ADMIN) to create the interface of its test hosts; run the tests as root, as CI does');
  }
  try {
    ip(['link', 'del', LAB_INTERFACE]);
  } catch {
    // none was left
  }
  ip(['link', 'add', LAB_INTERFACE, 'type', 'veth', 'peer', 'name', LAB_PEER]);
  ip(['addr', 'add', `${API_SERVER_ADDRESS}/24`, 'dev', LAB_INTERFACE]);
  ip(['link', 'set', LAB_PEER, 'up']);
  ip(['link', 'set', LAB_INTERFACE, 'up']);
}

export function removeLabNetwork(): void {
  try {
    ip(['link', 'del', LAB_INTERFACE]);
  } catch {
    // already gone
  }
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
    const address = `${PREFIX}.${host}`;
    ip(['addr', 'add', `${address}/32`, 'dev', LAB_INTERFACE]);
    return address;
  }
  throw new Error(`every address of ${PREFIX}.10-254 is claimed`);
}

/** Gives an address back: removed from the interface, its claim dropped. */
export function releaseLabAddress(address: string): void {
  const host = address.split('.').pop() ?? '';
  const file = join(claimsFolder(), host);
  if (readFileSync(file, 'utf8') !== String(process.pid)) throw new Error(`${address} is not claimed by this process`);
  try {
    ip(['addr', 'del', `${address}/32`, 'dev', LAB_INTERFACE]);
  } finally {
    rmSync(file, { force: true });
  }
}
