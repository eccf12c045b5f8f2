// A throwaway PostgreSQL server for tests and benchmarks: installs Debian's `postgresql` package if no
// server binaries are found (apt-get, as root or with sudo), then runs initdb in a temporary folder and
// starts the server on loopback on a free port. PostgreSQL refuses to run as root, so as root the cluster
// belongs to the unprivileged `postgres` user (which the package creates). Nothing of the machine's own
// clusters is touched; stop() removes everything.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const SUPERUSER = 'candor';

/** The bin folder of the newest installed PostgreSQL server, or undefined. */
export function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) { return undefined; }
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(base, versions[0], 'bin');
}

/** Installs Debian's postgresql package unless a server is already installed. Idempotent. */
export function ensurePostgresInstalled(log = (line) => process.stderr.write(`${line}\n`)) {
  const found = findPostgresBin();
  if (found) { return found; }
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  if (!root && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    throw new Error('PostgreSQL is not installed and this user cannot install it (not root, no password-less sudo). Install it with: sudo apt-get install postgresql');
  }
  // The package would create and start a "main" cluster; tests need none of it.
  const conf = '/etc/postgresql-common/createcluster.conf';
  if (root && !existsSync(conf)) {
    mkdirSync(path.dirname(conf), { recursive: true });
    writeFileSync(conf, 'create_main_cluster = false\n');
  }
  log('postgres-cluster: installing postgresql with apt-get (once per machine)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => { const cmd = [...sudo, ...args]; execFileSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], env }); };
  run(['apt-get', 'update', '-qq']);
  // Keep our createcluster.conf (written above) rather than stop at dpkg's question about it.
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', 'postgresql']);
  const bin = findPostgresBin();
  if (!bin) { throw new Error('apt-get installed postgresql but no server binaries were found under /usr/lib/postgresql'); }
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a new cluster. `durable: false` (the default, for tests) turns fsync off, which only matters if
 * the machine itself crashes; the benchmark keeps it on, as a real server would.
 * @param {{ durable?: boolean, log?: (line: string) => void }} [options]
 * @returns {Promise<{ url: string, port: number, dataDir: string, stop: () => void }>}
 */
export async function startPostgresCluster(options = {}) {
  const bin = ensurePostgresInstalled(options.log);
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-pg-'));
  const data = path.join(dir, 'data');
  const asOwner = (file, args) => {
    const full = path.join(bin, file);
    const result = root
      ? spawnSync('runuser', ['-u', 'postgres', '--', full, ...args], { encoding: 'utf8' })
      : spawnSync(full, args, { encoding: 'utf8' });
    if (result.status !== 0) { throw new Error(`${file} ${args.join(' ')} failed: ${result.error?.message ?? ''}${result.stderr}${result.stdout}`); }
    return result.stdout;
  };
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  asOwner('initdb', ['-D', data, '-A', 'trust', '-U', SUPERUSER, '-E', 'UTF8', '--locale=C', '--no-sync']);
  const settings = [
    `-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`, '-c max_connections=300',
    '-c shared_buffers=128MB', '-c log_min_messages=warning',
    ...(options.durable ? [] : ['-c fsync=off', '-c full_page_writes=off']),
  ].join(' ');
  asOwner('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) { return; }
    stopped = true;
    process.off('exit', stop);
    try { asOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']); } finally { rmSync(dir, { recursive: true, force: true }); }
  };
  // pg_ctl starts the server detached: a process that ends without calling stop() (an uncaught error, an
  // EPIPE when its output is cut short) would leave it running, with its folder, until the machine stops.
  process.on('exit', stop);
  return { url: `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`, port, dataDir: data, stop };
}

/** A URL for a new, empty database on the cluster at `serverUrl` (each test suite gets its own). */
export async function createDatabase(serverUrl, name) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  // `node endpoint/testing/postgres-cluster.mjs`: start one and keep it until Ctrl-C, for trying things by hand.
  const cluster = await startPostgresCluster();
  process.stdout.write(`${cluster.url}\n`);
  const stop = () => { cluster.stop(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
}
