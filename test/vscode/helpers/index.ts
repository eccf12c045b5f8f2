// Helpers for the tests that run inside the editor (test/vscode/suite/). The API is described in
// test/vscode/README.md. Editor-side helpers use the `vscode` API; the ones a user would do with the
// mouse and keyboard (palette, webviews, screenshots) and the endpoint beside the editor are asked of
// the launcher over its loopback bridge (test/vscode/harness/bridge.mjs).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CandorApi } from '../../../extension/extension';
import type { CandorEvent } from '../../../generated/types';
import { FaultProxy } from '../../support/fault-proxy';

export const CANDOR_ID = 'candor.candor';

/** Which launcher runs the suite: 'code-server' (with a browser) or 'electron' (@vscode/test-electron). */
export const launcher = process.env.CANDOR_HARNESS_LAUNCHER ?? 'unknown';

/** The extensions folder the launcher installed the .vsix files into. */
export const extensionsDir = process.env.CANDOR_HARNESS_EXTENSIONS_DIR ?? '';

/** Candor as installed from its .vsix, activated; its `activate()` result is the API other extensions get. */
export async function candor(): Promise<{ extension: vscode.Extension<CandorApi>; api: CandorApi }> {
  const extension = vscode.extensions.getExtension<CandorApi>(CANDOR_ID);
  if (!extension) { throw new Error(`${CANDOR_ID} is not installed in this editor`); }
  return { extension, api: await extension.activate() };
}

/** A fixture extension from test/vscode/fixtures/<name>/ (installed beside Candor), activated. */
export async function fixture<T>(name: string): Promise<{ extension: vscode.Extension<T>; api: T }> {
  const id = `candor-fixtures.${name}`;
  const extension = vscode.extensions.getExtension<T>(id);
  if (!extension) { throw new Error(`fixture ${id} is not installed; is test/vscode/fixtures/${name}/ there and built?`); }
  return { extension, api: await extension.activate() };
}

/**
 * Writes user settings (or another target) and resolves once the editor has applied every one of
 * them. A value of `undefined` removes the setting, so that its default applies.
 */
export async function setSettings(values: Record<string, unknown>, target = vscode.ConfigurationTarget.Global): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await vscode.workspace.getConfiguration().update(key, value, target);
  }
}

/**
 * The next value of `event` that satisfies `predicate`. Subscribe before the action that should
 * cause it: `const next = nextEvent(api.onDidChangeConsent); await setSettings(…); await next`.
 * On time-out, the error lists the values that fired but did not match.
 */
export function nextEvent<T>(event: vscode.Event<T>, predicate: (value: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  const unmatched: T[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching event within ${timeoutMs} ms; it fired ${unmatched.length} time(s) with: ${JSON.stringify(unmatched)}`));
    }, timeoutMs);
    const sub = event((value) => {
      if (!predicate(value)) { unmatched.push(value); return; }
      clearTimeout(timer);
      sub.dispose();
      resolve(value);
    });
  });
}

async function bridge<T>(action: string, args: Record<string, unknown> = {}): Promise<T> {
  const base = process.env.CANDOR_HARNESS_BRIDGE;
  if (!base) { throw new Error('CANDOR_HARNESS_BRIDGE is not set: run this suite through test/vscode/run.mjs'); }
  const response = await fetch(`${base}/${action}`, { method: 'POST', body: JSON.stringify(args) });
  const body = (await response.json()) as { value?: T; error?: string };
  if (!response.ok) { throw new Error(`harness action ${action} failed: ${body.error ?? response.status}`); }
  return body.value as T;
}

/** What a user does in the workbench. Only the code-server launcher has a browser: see `needsBrowser`. */
export const ui = {
  available: launcher === 'code-server',
  /** Runs a command from the command palette by its title as shown, e.g. "Candor: Show Consent and Status". */
  runCommand: (title: string) => bridge<void>('palette', { title }),
  /** The visible text of every workbench element matching a CSS selector (not inside webviews). */
  workbenchTexts: (selector: string) => bridge<string[]>('workbenchTexts', { selector }),
  /** The text of an element inside a webview (two iframes deep); with `equals`/`contains`, waits until it matches. */
  webviewText: (selector: string, expect: { equals?: string; contains?: string; timeoutMs?: number } = {}) =>
    bridge<string>('webviewText', { selector, ...expect }),
  /** The text of every element matching `selector` inside a webview, in document order; `visibleOnly` leaves out hidden ones. */
  webviewTexts: (selector: string, options: { visibleOnly?: boolean } = {}) => bridge<string[]>('webviewTexts', { selector, ...options }),
  /** Clicks an element inside a webview with the mouse. */
  webviewClick: (selector: string, options: { timeoutMs?: number } = {}) => bridge<void>('webviewClick', { selector, ...options }),
  /** Types into an input inside a webview (replacing its text), as a user would. */
  webviewFill: (selector: string, text: string) => bridge<void>('webviewFill', { selector, text }),
  /** Focuses an element inside a webview and presses a key ("Enter", "Control+A"). */
  webviewPress: (selector: string, key: string) => bridge<void>('webviewPress', { selector, key }),
  /** The computed value of a CSS property of an element inside a webview. */
  webviewStyle: (selector: string, property: string) => bridge<string>('webviewStyle', { selector, property }),
  /**
   * Posts a message to the extension from the webview whose page has `selector`, the way that page's
   * `acquireVsCodeApi().postMessage` does: for messages a hostile page could send.
   */
  webviewPost: (selector: string, message: unknown) => bridge<void>('webviewPost', { selector, message }),
  /** Answers the save dialog the editor shows (`showSaveDialog`) with a path on the editor's machine; returns its title. */
  saveDialog: (filePath: string) => bridge<string>('saveDialog', { filePath }),
  /** Clicks the button `label` of the modal dialog the editor shows; returns the dialog's message and detail. */
  dialogButton: (label: string) => bridge<string>('dialogButton', { label }),
  /** Saves a screenshot of the workbench as a test artifact; returns the file's path. */
  screenshot: (name: string) => bridge<string>('screenshot', { name }),
};

/** Skips the calling test under a launcher without a browser. Call first thing: `needsBrowser(this)`. */
export function needsBrowser(context: Mocha.Context): void {
  if (!ui.available) { context.skip(); }
}

/** Whether this checkout has the endpoint (it is built before the run when it does). */
export const ENDPOINT_AVAILABLE = process.env.CANDOR_HARNESS_ENDPOINT === '1';

/** Starts the real endpoint beside the editor, on a throwaway SQLite file; stopped when the run ends. */
export function startEndpoint(): Promise<{ url: string; databaseFile: string }> {
  return bridge('startEndpoint');
}

export interface StoredByEndpoint {
  readonly installations: readonly { installationId: string; ownerKeyHash: string }[];
  /** In event-id order; `event` is the JSON the endpoint stored, parsed. */
  readonly events: readonly { installationId: string; eventId: string; event: CandorEvent }[];
}

/** What an endpoint from `startEndpoint()` has stored, read from its SQLite file beside the editor. */
export function storedEvents(databaseFile: string): Promise<StoredByEndpoint> {
  return bridge('storedEvents', { databaseFile });
}

/**
 * The text of the editor's log of an output channel, e.g. `Candor` (a `LogOutputChannel`), for lines
 * an extension logs and shows nowhere else. The editor writes it a moment later: read it in `eventually`.
 */
export function outputChannelLog(name: string): string {
  const root = path.join(process.env.CANDOR_HARNESS_USER_DATA_DIR ?? '', 'logs');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of existsSync(dir) ? readdirSync(dir) : []) {
      const p = path.join(dir, entry);
      if (statSync(p).isDirectory()) { walk(p); } else if (entry === `${name}.log`) { found.push(p); }
    }
  };
  walk(root);
  if (found.length === 0) { throw new Error(`no log of the output channel "${name}" under ${root}`); }
  return found.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/**
 * Retries `check` (an assertion) until it passes or `timeoutMs` runs out, then throws its last error.
 * For what the editor shows a moment after the action, such as a notification or a status bar change.
 */
export async function eventually<T>(check: () => Promise<T> | T, { timeoutMs = 10_000, intervalMs = 200 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) { throw error; }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** `promise`, or a clear failure after `ms` saying what did not happen (for a callback that may never come). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The settings `sendingThroughProxy` changes; a suite's teardown gives them back their defaults. */
const SENDING_SETTINGS = ['telemetry.telemetryLevel', 'candor.enabled', 'candor.endpoint', 'candor.reviewBeforeSend', 'candor.batch.intervalSeconds'];

/**
 * Candor opted in and sending to the real endpoint through a recording proxy (every body and request
 * kept), with batches sealed only by Send Now, so that each test decides when things leave. Resolves
 * once Candor has taken the new consent in.
 */
export async function sendingThroughProxy(options: { reviewBeforeSend: boolean }): Promise<{ api: CandorApi; endpoint: { url: string; databaseFile: string }; proxy: FaultProxy }> {
  const { api } = await candor();
  const endpoint = await startEndpoint();
  const proxy = new FaultProxy(endpoint.url);
  await proxy.start();
  const ready = () => { const s = api.consent(); return s.usageAllowed && s.endpoint === proxy.url; };
  const changed = ready() ? undefined : nextEvent(api.onDidChangeConsent, ready, 15_000);
  await setSettings({ 'telemetry.telemetryLevel': 'all', 'candor.enabled': true, 'candor.endpoint': proxy.url, 'candor.reviewBeforeSend': options.reviewBeforeSend, 'candor.batch.intervalSeconds': 3600 });
  await changed;
  return { api, endpoint, proxy };
}

/** Undoes `sendingThroughProxy` (and any other settings named in `also`). */
export async function stopSendingThroughProxy(proxy: FaultProxy | undefined, also: readonly string[] = []): Promise<void> {
  await setSettings(Object.fromEntries([...SENDING_SETTINGS, ...also].map((k) => [k, undefined])));
  await proxy?.stop();
}
