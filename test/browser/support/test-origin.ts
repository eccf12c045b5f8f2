// Serves the panel to the browser the way VS Code does, from an origin of its own: the page is the host's
// own panelHtml (with its CSP and a fresh nonce), and the only other resources are the bundle's files.
// Requests are answered by playwright's router, so nothing listens on a port.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { makeNonce } from '../../../extension/host/panel/csp';
import { panelHtml } from '../../../extension/host/panel/html';
import { repoRoot } from '../../fixtures/root';

export const ORIGIN = 'https://candor-panel.test';
const DIST = path.join(repoRoot(), 'dist/webview');

export async function servePanel(page: Page): Promise<{ requests: string[] }> {
  const requests: string[] = [];
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    requests.push(url.href);
    if (url.origin !== ORIGIN) { await route.abort('blockedbyclient'); return; }
    if (url.pathname === '/') {
      await route.fulfill({ contentType: 'text/html; charset=utf-8', body: panelHtml({ cspSource: ORIGIN, nonce: makeNonce(), scriptUri: `${ORIGIN}/dist/webview/main.js`, styleUri: `${ORIGIN}/dist/webview/main.css` }) });
      return;
    }
    const file = { '/dist/webview/main.js': 'main.js', '/dist/webview/main.css': 'main.css' }[url.pathname];
    if (!file) { await route.fulfill({ status: 404, body: '' }); return; }
    await route.fulfill({ contentType: file.endsWith('.js') ? 'text/javascript' : 'text/css', body: readFileSync(path.join(DIST, file)) });
  });
  return { requests };
}
