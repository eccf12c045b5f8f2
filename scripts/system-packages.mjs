// The Debian packages the tests need, installed once, together, only where missing: one `apt-get update`
// for a fresh machine instead of one per test step. Run as `npm test`'s first step and by each tool's own
// installer (so `npm run test:vscode` or `npm run test:browser` alone still work). Idempotent: when
// everything is present it only looks.
//   postgresql — the endpoint's tests run on PostgreSQL as well as SQLite (a throwaway cluster, never the package's own)
//   chromium   — the webview's tests and the real-editor tests drive Debian's Chromium with playwright-core
//   ripgrep    — code-server's search, instead of @vscode/ripgrep's download from GitHub
//   libkrb5-dev, g++, make, python3 — code-server's native modules, built from source against local headers
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const postgresServer = () => existsSync('/usr/lib/postgresql')
  && readdirSync('/usr/lib/postgresql').some((v) => existsSync(path.join('/usr/lib/postgresql', v, 'bin/initdb')));

/** Each package and how to tell that it is already there. */
export const SYSTEM_PACKAGES = [
  { pkg: 'postgresql', present: postgresServer, for: 'endpoint tests' },
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') || has('chromium'), for: 'webview and real-editor tests' },
  { pkg: 'ripgrep', present: () => has('rg'), for: 'real-editor tests' },
  { pkg: 'libkrb5-dev', present: () => existsSync('/usr/include/krb5.h') || existsSync('/usr/include/gssapi/gssapi.h'), for: 'real-editor tests' },
  { pkg: 'g++', present: () => has('g++'), for: 'native modules' },
  { pkg: 'make', present: () => has('make'), for: 'native modules' },
  { pkg: 'python3', present: () => has('python3'), for: 'native modules' },
];

/**
 * Installs the missing ones among `names` (default: all). Throws with what to do when it cannot.
 * @param {string[]} [names]
 */
export function ensureSystemPackages(names = SYSTEM_PACKAGES.map((p) => p.pkg), log = (line) => console.log(line)) {
  const missing = SYSTEM_PACKAGES.filter((p) => names.includes(p.pkg) && !p.present()).map((p) => p.pkg);
  if (missing.length === 0) { return []; }
  if (process.env.CANDOR_SKIP_APT === '1') { throw new Error(`missing system packages: ${missing.join(' ')} (CANDOR_SKIP_APT=1 is set, so install them yourself)`); }
  if (!has('apt-get')) { throw new Error(`missing system packages: ${missing.join(' ')}; only Debian's apt-get is known here — install their equivalents yourself`); }
  const root = process.getuid?.() === 0;
  if (!root && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    throw new Error(`missing system packages: ${missing.join(' ')}; install them with: sudo apt-get install ${missing.join(' ')}`);
  }
  if (missing.includes('postgresql') && root) {
    // The package would create and start a "main" cluster on port 5432; the tests make their own.
    const conf = '/etc/postgresql-common/createcluster.conf';
    if (!existsSync(conf)) { mkdirSync(path.dirname(conf), { recursive: true }); writeFileSync(conf, 'create_main_cluster = false\n'); }
  }
  const apt = (...args) => {
    const cmd = [...(root ? [] : ['sudo', '-n']), 'apt-get', '-o', 'DPkg::Lock::Timeout=600', ...args];
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) { throw new Error(`${cmd.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`); }
  };
  const started = Date.now();
  log(`system packages: apt-get install ${missing.join(' ')}`);
  apt('update', '-qq');
  // Keep the createcluster.conf written above rather than stop at dpkg's question about it.
  apt('install', '-y', '-qq', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...missing);
  const still = SYSTEM_PACKAGES.filter((p) => missing.includes(p.pkg) && !p.present()).map((p) => p.pkg);
  if (still.length > 0) { throw new Error(`apt-get finished but these are still missing: ${still.join(' ')}`); }
  log(`system packages: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return missing;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const names = process.argv.slice(2);
    const installed = ensureSystemPackages(names.length > 0 ? names : undefined);
    if (installed.length === 0) { console.log('system packages: all present'); }
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
