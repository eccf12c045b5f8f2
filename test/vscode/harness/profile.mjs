// A throwaway profile for one editor run: user data, extensions, workspace, and the XDG and home
// folders that code-server and extensions would otherwise write into the real home. Settings are
// written before the editor starts, so the first thing any extension reads is already the test's.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Quiet defaults: nothing that opens on startup, checks for updates or asks for trust. */
export const BASE_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
});

/**
 * @param {{ settings?: Record<string, unknown>, prefix?: string }} [options]
 *   settings: user settings merged over BASE_SETTINGS; a key whose value is `undefined` is left unset.
 */
export function createProfile({ settings = {}, prefix = 'candor-vscode-' } = {}) {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dirs = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    workspace: path.join(root, 'workspace'),
    home: path.join(root, 'home'),
  };
  const xdg = {
    XDG_CONFIG_HOME: path.join(root, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(root, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(root, 'xdg', 'cache'),
    XDG_STATE_HOME: path.join(root, 'xdg', 'state'),
  };
  for (const d of [path.join(dirs.userDataDir, 'User'), dirs.extensionsDir, dirs.workspace, dirs.home, ...Object.values(xdg)]) {
    mkdirSync(d, { recursive: true });
  }
  const settingsFile = path.join(dirs.userDataDir, 'User', 'settings.json');
  const merged = Object.fromEntries(Object.entries({ ...BASE_SETTINGS, ...settings }).filter(([, v]) => v !== undefined));
  writeFileSync(settingsFile, `${JSON.stringify(merged, null, 2)}\n`);
  return {
    ...dirs,
    settingsFile,
    /** The environment every process of this run gets, so nothing lands in the real home. */
    env: { HOME: dirs.home, ...xdg },
    remove() { rmSync(root, { recursive: true, force: true, maxRetries: 3 }); },
  };
}
