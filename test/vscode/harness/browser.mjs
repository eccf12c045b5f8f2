// The browser half of the editor: Debian's chromium driven by playwright-core (no browser download),
// and the few things a test does in the workbench as a user would — run a command from the palette,
// read and click inside a webview, take a screenshot.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../../../scripts/vscode/paths.mjs';

/**
 * Starts chromium with its profile in `userDataDir` (inside the run's throwaway profile, so a leftover
 * process is recognisable by its command line) and returns its one browser context.
 */
export async function launchBrowser(userDataDir, { viewport = { width: 1400, height: 900 } } = {}) {
  if (!existsSync(CHROMIUM)) { throw new Error(`no chromium at ${CHROMIUM}; run: node scripts/vscode/install.mjs (or set CHROMIUM_PATH)`); }
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    // No sandbox: CI runs as root in a container. The rest keeps chromium from calling home.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
}

/**
 * Opens a page for `url` and records its console (where the workbench also prints the extension
 * host's log lines). `beforeNavigate(page)` runs before the first request, e.g. to expose functions.
 */
export async function openPage(context, url, { beforeNavigate } = {}) {
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => { consoleLines.push(`[${m.type()}] ${m.text()}`); if (consoleLines.length > 2000) { consoleLines.shift(); } });
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  page.on('crash', () => consoleLines.push('[crash] the page crashed'));
  await beforeNavigate?.(page);
  await page.goto(url);
  return { page, consoleLines };
}

/** Resolves once the workbench has rendered and its status bar (which needs the server connection) is there. */
export async function waitForWorkbench(page, timeoutMs = 60_000) {
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  await page.waitForSelector('#workbench\\.parts\\.statusbar', { timeout: timeoutMs });
}

/** Runs a command the way a user does: F1, type its title, pick the row. `title` is as shown, e.g. "Candor: Show Consent and Status". */
export async function runFromPalette(page, title, { timeoutMs = 15_000 } = {}) {
  const widget = page.locator('.quick-input-widget');
  if (await widget.isVisible()) { await page.keyboard.press('Escape'); }
  await page.keyboard.press('F1');
  const input = widget.locator('input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${title}`);
  const row = widget.locator('.monaco-list-row').filter({ hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  await widget.waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** The text of every element of the workbench (not inside webviews) matching `selector`. */
export async function workbenchTexts(page, selector) {
  return page.locator(selector).allInnerTexts();
}

/**
 * The frame of the webview whose content has `selector`. A webview is two iframes deep
 * (`iframe.webview` → `#active-frame`); searching every frame is less brittle than spelling that out.
 */
export async function webviewFrame(page, selector, { timeoutMs = 20_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) { continue; }
      try { if (await frame.$(selector)) { return frame; } } catch { /* the frame is navigating */ }
    }
    if (Date.now() > deadline) { throw new Error(`no webview has an element matching ${selector} after ${timeoutMs} ms`); }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The text of `selector` inside a webview; with `equals` or `contains`, waits until it matches.
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 * @param {{ equals?: string, contains?: string, timeoutMs?: number }} [expect]
 */
export async function webviewText(page, selector, { equals, contains, timeoutMs = 20_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    const frame = await webviewFrame(page, selector, { timeoutMs: Math.max(0, deadline - Date.now()) });
    try { last = (await frame.textContent(selector)) ?? ''; } catch { last = undefined; }
    const ok = last !== undefined && (equals === undefined || last === equals) && (contains === undefined || last.includes(contains));
    if (ok) { return last; }
    if (Date.now() > deadline) {
      throw new Error(`webview ${selector} has ${JSON.stringify(last)}, expected ${equals !== undefined ? JSON.stringify(equals) : `to contain ${JSON.stringify(contains)}`} (after ${timeoutMs} ms)`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The text of every element matching `selector` inside the webview that has one, in document order; `visibleOnly` leaves out hidden ones. */
export async function webviewTexts(page, selector, { visibleOnly = false, timeoutMs = 20_000 } = {}) {
  const frame = await webviewFrame(page, selector, { timeoutMs });
  const texts = await frame.$$eval(selector, (nodes, visible) => nodes
    .filter((n) => !visible || (!n.closest('[hidden]') && n.getClientRects().length > 0))
    .map((n) => n.textContent ?? ''), visibleOnly);
  return texts;
}

/** Clicks `selector` inside a webview, as a user would (real mouse events, through both iframes). */
export async function webviewClick(page, selector, { timeoutMs = 20_000 } = {}) {
  const frame = await webviewFrame(page, selector, { timeoutMs });
  await frame.click(selector, { timeout: timeoutMs });
}

/** Types `text` into `selector` inside a webview (replacing what it held), as a user would. */
export async function webviewFill(page, selector, text, { timeoutMs = 20_000 } = {}) {
  const frame = await webviewFrame(page, selector, { timeoutMs });
  await frame.fill(selector, text, { timeout: timeoutMs });
}

/** Focuses `selector` inside a webview and presses `key` (Playwright's names: "Control+A", "Enter"). */
export async function webviewPress(page, selector, key, { timeoutMs = 20_000 } = {}) {
  const frame = await webviewFrame(page, selector, { timeoutMs });
  await frame.press(selector, key, { timeout: timeoutMs });
}

/** The computed value of a CSS property of `selector` inside a webview (e.g. a theme's background). */
export async function webviewStyle(page, selector, property, { timeoutMs = 20_000 } = {}) {
  const frame = await webviewFrame(page, selector, { timeoutMs });
  return frame.$eval(selector, (e, p) => getComputedStyle(e).getPropertyValue(p), property);
}

/**
 * Posts `message` to the extension from the webview whose page has `selector`, exactly as that page's
 * own `acquireVsCodeApi().postMessage(message)` does: VS Code's API in the page calls the
 * `__vscode_post_message__` function of the frame around it (its webview host frame) with the channel
 * "onmessage". The page itself can no longer reach that frame (VS Code deletes `window.parent`), so the
 * call is made in the host frame; what reaches the extension is the same.
 */
export async function webviewPost(page, selector, message, { timeoutMs = 20_000 } = {}) {
  const frame = await webviewFrame(page, selector, { timeoutMs });
  const host = frame.parentFrame();
  if (!host) { throw new Error(`the webview with ${selector} has no host frame`); }
  await host.evaluate((m) => {
    const post = /** @type {any} */ (window).__vscode_post_message__;
    if (typeof post !== 'function') { throw new Error('this frame is not a webview host frame (no __vscode_post_message__)'); }
    post('onmessage', { message: m, transfer: undefined });
  }, message);
}

/** Saves a PNG of the whole workbench under `dir`; returns its path. */
export async function screenshot(page, dir, name) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, timeout: 15_000 });
  return file;
}
