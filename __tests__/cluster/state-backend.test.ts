/**
 * The `pg` state backend the stack writes, with real Terraform and a real PostgreSQL (Debian's, run as
 * the `postgres` user). The Kubernetes provider cannot be built here, so the configuration Terraform
 * applies is the stack's own `terraform.backend` block with a `terraform_data` resource (built into
 * Terraform: no provider to install): what is proven is the backend as synthesized, with the connection
 * string from `PG_CONN_STR` only: the state lands in the stack's schema, and a second apply while one
 * holds the lock is refused, or waits with `-lock-timeout`.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TerminalStack } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { EXAMPLE_PROPS } from '../support/example-props';
import { freePort, ManagedProcess } from '../support/processes';
import { tools } from '../support/tools';

const PG_BIN = '/usr/lib/postgresql/15/bin';
let postgres: ManagedProcess;
let port: number;
let root: string;

const asPostgres = (command: string, args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
const psql = (sql: string, database = 'terraform') =>
  asPostgres(join(PG_BIN, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-tAc', sql]).trim();

beforeAll(async () => {
  // Not under the run's TMPDIR: that folder is private to root, and PostgreSQL runs as `postgres`.
  root = mkdtempSync('/tmp/webterminal-pg-state-');
  chmodSync(root, 0o755);
  const data = join(root, 'data');
  mkdirSync(data);
  execFileSync('chown', ['postgres:postgres', data]);
  asPostgres(join(PG_BIN, 'initdb'), ['-D', data, '--auth=trust', '-U', 'postgres', '--no-sync']);
  port = await freePort();
  postgres = ManagedProcess.start('postgres', 'runuser', [
    '-u',
    'postgres',
    '--',
    join(PG_BIN, 'postgres'),
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${data}`,
    '-c',
    'fsync=off',
  ]);
  // Not the TCP port alone: PostgreSQL accepts connections while it is still starting up and refuses them then.
  const ready = () => spawnSync(join(PG_BIN, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], { timeout: 5000 }).status === 0;
  await postgres.waitUntilReady('PostgreSQL accepting connections', 30_000, () => Promise.resolve(ready()));
  psql('create database terraform', 'postgres');
}, 60_000);

afterAll(async () => {
  await postgres?.stop();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

/** A folder with the stack's backend block and one terraform_data resource that takes `seconds` to create. */
function configuration(name: string, seconds: number): string {
  const json = JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, stateBackend: 'pg' }))) as {
    terraform: { backend: unknown };
  };
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'main.tf.json'),
    JSON.stringify({
      terraform: { backend: json.terraform.backend },
      resource: { terraform_data: { hold: { input: name, provisioner: [{ 'local-exec': { command: `sleep ${seconds}` } }] } } },
    }),
  );
  return dir;
}

function terraform(dir: string, args: string[]) {
  return spawnSync(tools().terraform.path, args, { cwd: dir, encoding: 'utf8', env: terraformEnv(), timeout: 120_000 });
}

function terraformEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PG_CONN_STR: `postgres://postgres@127.0.0.1:${port}/terraform?sslmode=disable`,
    TF_CLI_CONFIG_FILE: '',
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
  };
}

describe('the pg state backend, with real Terraform and PostgreSQL', () => {
  test('synthesizes no connection string: PG_CONN_STR gives it, and the state lands in the stack’s schema', () => {
    const dir = configuration('first', 0);
    expect(terraform(dir, ['init', '-input=false'])).toMatchObject({ status: 0 });
    expect(terraform(dir, ['apply', '-auto-approve', '-input=false'])).toMatchObject({ status: 0 });
    expect(psql('select name from terminal.states order by name')).toBe('default');
    expect(psql("select count(*) from terminal.states where data like '%terraform_data%'")).toBe('1');
  });

  test('a second apply while the first holds the lock is refused; with -lock-timeout it waits, then applies', async () => {
    const holder = configuration('holder', 15); // long enough for the second apply to start while the lock is held, under load too
    const second = configuration('second', 0);
    for (const dir of [holder, second]) expect(terraform(dir, ['init', '-input=false'])).toMatchObject({ status: 0 });
    const first = spawn(tools().terraform.path, ['apply', '-auto-approve', '-input=false', '-replace=terraform_data.hold'], {
      cwd: holder,
      env: terraformEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const firstDone = new Promise<number | null>((resolve) => first.on('close', resolve));
    try {
      // The lock is a PostgreSQL advisory lock, held while the first apply runs.
      for (let i = 0; i < 300 && psql("select count(*) from pg_locks where locktype = 'advisory'") === '0'; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(psql("select count(*) from pg_locks where locktype = 'advisory'")).not.toBe('0');
      const refused = terraform(second, ['apply', '-auto-approve', '-input=false', '-lock-timeout=0s']);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('Error acquiring the state lock');
      const waited = terraform(second, ['apply', '-auto-approve', '-input=false', '-lock-timeout=60s']);
      expect(waited.status).toBe(0);
      expect(await firstDone).toBe(0);
    } finally {
      first.kill();
    }
  }, 120_000);
});
