/**
 * Starting and stopping the real programs the probe's tests run against, on loopback only.
 * Every wait is bounded; every process started here is stopped by its handle.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Debian installs nginx and dnsmasq in /usr/sbin, which an ordinary user's PATH leaves out.
for (const dir of ['/usr/sbin', '/sbin']) {
  if (!(process.env.PATH ?? '').split(':').includes(dir)) process.env.PATH = `${process.env.PATH ?? '/usr/bin:/bin'}:${dir}`;
}

export const INSTALL_HINT = 'apt-get install -y --no-install-recommends prometheus prometheus-pushgateway nginx-light dnsmasq-base openssl';

/** Fails with the install command when a program the tests need is missing. */
export function requireBinaries(...names: string[]): void {
  const missing = names.filter((name) => spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')} on PATH; install with: ${INSTALL_HINT}`);
  }
}

/** A private temporary directory, removed by the returned function. */
export function makeTempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns true, or fails after `timeoutMs` with `what` in the message. */
export async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** True when something accepts TCP connections on host:port. */
export function acceptsTcp(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Ports handed out to test processes: one file per port, holding the pid of the process that took it.
 * Jest runs several workers at once, and a port found free here is bound by the daemon only later; the
 * file keeps a second worker from being given the same port in between. The folder is the jest run's
 * (`support/run-folder.ts` makes and removes it), else a shared one; a file whose process is gone is taken over.
 */
const PORT_CLAIMS = process.env.WEBTERMINAL_TEST_PORT_CLAIMS ?? join(tmpdir(), 'webterminal-cdktf-test-ports');

/** True while process `pid` exists (EPERM: it exists, owned by another user). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims `port` for this process; false when a live process holds it. */
function claim(port: number): boolean {
  mkdirSync(PORT_CLAIMS, { recursive: true });
  const file = join(PORT_CLAIMS, String(port));
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch {
      const holder = Number(readFileSync(file, 'utf8'));
      if (holder === process.pid || (Number.isInteger(holder) && holder > 0 && alive(holder))) return false;
      rmSync(file, { force: true }); // its process is gone
    }
  }
  return false;
}

/**
 * A TCP port free on every given loopback address (one port for all Traefik replicas, as one
 * PROBE_REPLICA_PORT serves them all), claimed for this process so no other test worker gets it.
 * The kernel picks it on the first address.
 */
export async function freePort(hosts: string[] = ['127.0.0.1']): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen({ host: hosts[0], port: 0, exclusive: true }, () => {
        const address = server.address() as net.AddressInfo;
        server.close(() => resolve(address.port));
      });
    });
    const free = await Promise.all(hosts.slice(1).map((host) => canListen(host, port)));
    if (free.every(Boolean) && claim(port)) return port;
  }
  throw new Error(`no TCP port free on all of ${hosts.join(', ')}`);
}

/** A started program: its output kept for diagnostics, stopped with SIGTERM (SIGKILL if it lingers). */
export class ManagedProcess {
  private output = '';
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static start(name: string, command: string, args: string[]): ManagedProcess {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.once('error', () => undefined);
    return new ManagedProcess(name, child);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last output, for error messages. */
  get log(): string {
    return this.output;
  }

  /** Waits until `ready` holds; fails with the program's output if it exits or the wait times out. */
  async waitUntilReady(what: string, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
    try {
      await waitFor(what, timeoutMs, async () => {
        if (!this.running) throw new Error('exited');
        return ready();
      });
    } catch (error) {
      await this.stop();
      throw new Error(`${this.name} did not become ready (${what}): ${(error as Error).message}\n${this.output}`, { cause: error });
    }
  }

  async stop(timeoutMs = 3000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    if (!(await this.exitedWithin(timeoutMs))) {
      this.child.kill('SIGKILL');
      await this.exitedWithin(timeoutMs);
    }
  }

  /** Waits for the exit at most `ms`, leaving no timer behind (jest would see it as an open handle). */
  private async exitedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([this.exited.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Every file under `dir` (recursively) with its bytes, keyed by relative path: what a test compares
 * before and after, or searches for a secret. With `folders`, folders are listed too (as `<dir>`), so
 * an empty folder left behind shows.
 */
export function filesUnder(dir: string, options: { readonly folders?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, f);
    if (statSync(p).isFile()) out[f] = readFileSync(p, 'latin1');
    else if (options.folders) out[f] = '<dir>';
  }
  return out;
}
