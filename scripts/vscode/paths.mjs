// Where the real-editor test tools live. One place, so the installer, the launchers and `npm run try`
// agree. The install is cached outside the repository (it is 300+ MB and shared by every clone and
// worktree on the machine); the native modules in it are built for one Node ABI, so that is part of
// the folder's name and a Node upgrade installs afresh instead of loading a mismatched binary.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** VS Code 1.100.3: the newest code-server whose `engines.node` is 20 (4.103+ need Node 22 or 24). */
export const CODE_SERVER_VERSION = process.env.CANDOR_CODE_SERVER_VERSION || '4.100.3';

/** `$CANDOR_VSCODE_CACHE`, else `$XDG_CACHE_HOME/candor/vscode-harness`, else `~/.cache/candor/vscode-harness`. */
export function cacheRoot() {
  if (process.env.CANDOR_VSCODE_CACHE) { return path.resolve(process.env.CANDOR_VSCODE_CACHE); }
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'candor', 'vscode-harness');
}

/** The npm `--prefix` that code-server is installed into. */
export function codeServerPrefix() {
  return path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}-node-abi${process.versions.modules}`);
}

export function codeServerBin() {
  return process.env.CANDOR_CODE_SERVER_BIN || path.join(codeServerPrefix(), 'bin', 'code-server');
}

/** Debian's chromium (apt); playwright-core drives it, so no browser is downloaded from a CDN. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Gitignored: screenshots, results and failure logs of the real-editor runs. */
export const ARTIFACTS = path.join(ROOT, '.test-artifacts', 'vscode');

/** Gitignored: what the harness builds (the in-host suite bundle, fixture .vsix files). */
export const OUT = path.join(ROOT, 'out', 'vscode-test');
