// Installs what the real-editor tests need, idempotently: Debian packages (only those missing) and
// code-server into a cache folder outside the repository. A second run finds its marker and costs
// a fraction of a second.
//
// Why by hand: `npm i -g code-server` runs a postinstall that refuses to run as root, and then an
// `npm install` in lib/vscode that downloads ripgrep and kerberos binaries from GitHub and Node
// headers from nodejs.org — none of which is reachable in CI. So this does its steps itself, with
// npm's own node-gyp building the native modules against the local Node headers, and Debian's `rg`.
// The recipe was verified on this machine first: /work/shared/vscode-harness/README.md.
//
// usage: node scripts/vscode/install.mjs        (env: CANDOR_VSCODE_CACHE, CANDOR_SKIP_APT=1)
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, cacheRoot, codeServerPrefix } from './paths.mjs';
import { ensureSystemPackages } from '../system-packages.mjs';

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const say = (line) => console.log(`[vscode-install ${seconds()}s] ${line}`);

/** Native modules of lib/vscode the server needs, built from source; the last two are optional features. */
const NATIVE = [
  { dir: 'node-pty', required: true }, // terminals
  { dir: '@vscode/spdlog', required: true }, // the server's logs
  { dir: 'native-watchdog', required: true }, // extension host watchdog
  { dir: '@vscode/deviceid', required: false },
  { dir: 'kerberos', required: false }, // only for Kerberos proxy authentication
];

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

let logFile;
/** Runs a step with its output in the install log; on failure throws with the log's tail. */
function run(cmd, args, opts = {}) {
  appendFileSync(logFile, `\n$ ${cmd} ${args.join(' ')}  (in ${opts.cwd ?? process.cwd()})\n`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: cleanEnv(), ...opts });
  appendFileSync(logFile, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.status !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}); log: ${logFile}\n${tail}`);
  }
  return r.stdout;
}

/**
 * The environment for nested npm calls. Under `npm test` the parent npm exports its own settings
 * (npm_config_local_prefix, npm_config_prefix, …); a nested `npm install` in lib/vscode would obey
 * them and install into this repository. Keep only the ones that say how to reach the registry.
 */
function cleanEnv() {
  const keep = new Set(['npm_config_registry', 'npm_config_cafile', 'npm_config_proxy', 'npm_config_https_proxy',
    'npm_config_noproxy', 'npm_config_strict_ssl', 'npm_config_cache', 'npm_config_userconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || keep.has(k.toLowerCase())));
}

function installAptPackages() {
  // One list for the whole repository (scripts/system-packages.mjs); here only what the editor needs.
  ensureSystemPackages(['chromium', 'ripgrep', 'libkrb5-dev', 'g++', 'make', 'python3'], say);
}

/** npm's own bundled node-gyp, so nothing has to be fetched; with the local headers, nothing from nodejs.org. */
function nodeGyp() {
  const npmCli = process.env.npm_execpath && existsSync(process.env.npm_execpath)
    ? process.env.npm_execpath
    : spawnSync('sh', ['-c', 'readlink -f "$(command -v npm)"'], { encoding: 'utf8' }).stdout.trim();
  const gyp = path.resolve(path.dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(gyp)) { throw new Error(`npm's bundled node-gyp not found at ${gyp}`); }
  const nodedir = path.dirname(path.dirname(process.execPath));
  if (!existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) {
    throw new Error(`no Node headers in ${nodedir}/include/node; node-gyp would have to download them from nodejs.org`);
  }
  return { gyp, nodedir };
}

function installCodeServer(prefix) {
  const { gyp, nodedir } = nodeGyp();
  const jobs = String(os.availableParallelism?.() ?? os.cpus().length);
  const rebuild = (dir, extra = []) => run(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '-j', jobs, ...extra], { cwd: dir });
  const npm = (args, cwd) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd });

  say(`npm install code-server@${CODE_SERVER_VERSION} (its postinstall skipped; done below)`);
  npm(['install', '-g', '--prefix', prefix, '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], cacheRoot());
  const cs = path.join(prefix, 'lib', 'node_modules', 'code-server');

  // argon2 is loaded at startup even with --auth none; its prebuilt binary would come from GitHub.
  say('build argon2');
  const argon2 = path.join(cs, 'node_modules', 'argon2');
  rebuild(argon2, ['--module_name=argon2', '--module_path=lib/binding/napi-v3', '--napi_build_version=3']);
  mkdirSync(path.join(argon2, 'lib', 'binding', 'napi-v3'), { recursive: true });
  cpSync(path.join(argon2, 'build', 'Release', 'argon2.node'), path.join(argon2, 'lib', 'binding', 'napi-v3', 'argon2.node'));

  const vscodeDir = path.join(cs, 'lib', 'vscode');
  say('npm install in lib/vscode (scripts skipped)');
  npm(['install', '--omit=dev', '--ignore-scripts'], vscodeDir);
  for (const { dir, required } of NATIVE) {
    say(`build ${dir}`);
    try { rebuild(path.join(vscodeDir, 'node_modules', dir)); } catch (e) { if (required) { throw e; } say(`(optional ${dir} did not build; see the log)`); }
  }
  // @parcel/watcher needs no build: its prebuilt binary is the npm package @parcel/watcher-linux-x64-glibc.

  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  mkdirSync(path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin'), { recursive: true });
  cpSync(rg, path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'));

  // The links code-server's postinstall would have made (relative, so the folder can be renamed).
  const link = (target, at) => { rmSync(at, { force: true, recursive: true }); symlinkSync(target, at); };
  link('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  link('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));

  say('npm install in lib/vscode/extensions (typescript for the built-in language features)');
  npm(['install', '--omit=dev'], path.join(vscodeDir, 'extensions'));

  say('check that the native modules load');
  run(process.execPath, ['-e', `for (const m of ['node-pty', '@vscode/spdlog', 'native-watchdog', '@parcel/watcher']) require(m); require(${JSON.stringify(argon2)});`], { cwd: vscodeDir });
}

/** One installer at a time per machine (several worktrees or CI jobs may start together); a dead holder's lock is taken over. */
async function withLock(lockDir, fn) {
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try { mkdirSync(lockDir); break; } catch (e) { if (e.code !== 'EEXIST') { throw e; } }
    const holder = Number(readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
    let alive = false;
    try { if (holder) { process.kill(holder, 0); alive = true; } } catch { /* gone */ }
    if (!alive && holder) { rmSync(lockDir, { recursive: true, force: true }); continue; }
    if (Date.now() > deadline) { throw new Error(`another install holds ${lockDir} for 20 minutes`); }
    say(`waiting for another install (pid ${holder || '?'}) to finish`);
    await new Promise((r) => setTimeout(r, 3000));
  }
  writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
  try { return await fn(); } finally { rmSync(lockDir, { recursive: true, force: true }); }
}

/** Installs whatever is missing; returns the prefix. Safe to call on every test run. */
export async function ensureInstalled() {
  const prefix = codeServerPrefix();
  const marker = path.join(prefix, '.candor-installed.json');
  mkdirSync(cacheRoot(), { recursive: true });
  logFile = path.join(cacheRoot(), 'install.log');
  installAptPackages();
  if (existsSync(marker)) { return prefix; }
  await withLock(`${prefix}.lock`, async () => {
    if (existsSync(marker)) { return; } // another process finished while we waited
    writeFileSync(logFile, `install of code-server ${CODE_SERVER_VERSION} started ${new Date().toISOString()}\n`);
    // Built in a side folder and renamed into place at the end, so an interrupted install never looks complete.
    const partial = `${prefix}.partial`;
    rmSync(partial, { recursive: true, force: true });
    installCodeServer(partial);
    writeFileSync(path.join(partial, '.candor-installed.json'), JSON.stringify({
      codeServer: CODE_SERVER_VERSION, node: process.version, abi: process.versions.modules,
      installedAt: new Date().toISOString(), seconds: Number(seconds()),
    }, null, 2));
    rmSync(prefix, { recursive: true, force: true });
    renameSync(partial, prefix);
    say(`installed code-server ${CODE_SERVER_VERSION} in ${prefix}`);
  });
  return prefix;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const prefix = await ensureInstalled();
    say(`ready: ${prefix}`);
  } catch (e) {
    console.error(`[vscode-install] FAILED: ${e.message}`);
    process.exit(1);
  }
}
