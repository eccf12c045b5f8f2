// The page object of the panel: the webview bundle in real Chromium, with a stand-in for VS Code's
// acquireVsCodeApi that records what the panel posts and lets the test post as the extension would.
// Tests speak in the panel's terms (search, filter, approve) rather than in selectors.
import type { Browser, Locator, Page } from 'playwright-core';
import type { ToWebviewMessage, ViewState } from '../../../generated/types';
import { stateMessage } from '../../fixtures/panel-state';
import { ORIGIN, servePanel } from './test-origin';
import { until } from './wait';

export type Theme = 'light' | 'dark' | 'hc-dark';
const THEME_FILE: Record<Theme, string> = { light: 'light-v2', dark: 'dark-v2', 'hc-dark': 'hc-dark' };

async function themeVariables(theme: Theme): Promise<[string, string][]> {
  const mod = await import(`@vscode-elements/webview-playground/dist/themes/${THEME_FILE[theme]}.js`) as { theme: [string, string][] };
  // VS Code also sets the fonts, which depend on the platform; these stand in for them.
  return [...mod.theme, ['--vscode-font-family', 'system-ui, "DejaVu Sans", sans-serif'], ['--vscode-editor-font-family', '"DejaVu Sans Mono", monospace']];
}

/** Runs in the page before any of its scripts: the editor's side of a webview, as far as the panel can see. */
function standIn({ vars, saved }: { vars: [string, string][]; saved: unknown }): void {
  const w = window as unknown as Record<string, unknown>;
  const record = { posted: [] as unknown[], saved, violations: [] as { directive: string; blocked: string; sample: string }[], acquired: 0 };
  w.__test = record;
  w.acquireVsCodeApi = () => {
    // Like VS Code's: it may be acquired once only.
    if (record.acquired++ > 0) { throw new Error('acquireVsCodeApi was called twice'); }
    return {
      postMessage: (m: unknown) => { record.posted.push(JSON.parse(JSON.stringify(m))); },
      getState: () => record.saved,
      setState: (s: unknown) => { record.saved = s; return s; },
    };
  };
  document.addEventListener('securitypolicyviolation', (e) => { record.violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }); });
  // VS Code puts the theme's colours on the page's root element before the page's scripts run.
  const applyTheme = () => { for (const [k, v] of vars) { document.documentElement.style.setProperty(k, v); } };
  if (document.documentElement) { applyTheme(); } else { document.addEventListener('readystatechange', applyTheme, { once: true }); }
}

export class PanelPage {
  /** Errors thrown in the page, and what it logged to the console as warnings or errors. */
  readonly errors: string[] = [];
  readonly console: string[] = [];

  private constructor(readonly page: Page, readonly requests: string[]) {
    page.on('pageerror', (e) => { this.errors.push(e.message); });
    page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') { this.console.push(m.text()); } });
  }

  static async open(browser: Browser, opts: { theme?: Theme; width?: number; height?: number; saved?: unknown } = {}): Promise<PanelPage> {
    const page = await browser.newPage({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 } });
    const { requests } = await servePanel(page);
    await page.addInitScript(standIn, { vars: await themeVariables(opts.theme ?? 'dark'), saved: opts.saved ?? null });
    await page.goto(`${ORIGIN}/`);
    const panel = new PanelPage(page, requests);
    await until(() => panel.posted(), (p) => p.length === 1 && p[0]!.type === 'ready' && Object.keys(p[0]!).length === 1, 'the panel to say it is ready');
    return panel;
  }

  /** Posts as the extension does (VS Code delivers it as a message event on the window). */
  async send(message: unknown): Promise<void> {
    await this.page.evaluate((m) => { window.postMessage(m, '*'); }, message);
  }

  /** Posts a state and waits until the panel has shown it. */
  async sendState(state: ViewState): Promise<void> {
    const before = await this.generation();
    await this.send(stateMessage(state));
    await until(() => this.generation(), (g) => g === before + 1, 'the panel to show the state', 20_000);
  }

  generation(): Promise<number> { return this.page.evaluate(() => Number(document.getElementById('app')?.dataset.generation ?? 0)); }
  refused(): Promise<number> { return this.page.evaluate(() => Number(document.getElementById('app')?.dataset.refused ?? 0)); }
  posted(): Promise<Record<string, unknown>[]> { return this.page.evaluate(() => (window as unknown as { __test: { posted: Record<string, unknown>[] } }).__test.posted); }
  saved(): Promise<unknown> { return this.page.evaluate(() => (window as unknown as { __test: { saved: unknown } }).__test.saved); }
  violations(): Promise<{ directive: string; blocked: string; sample: string }[]> { return this.page.evaluate(() => (window as unknown as { __test: { violations: never[] } }).__test.violations); }

  /** The last message the panel posted of this type, once it has posted one more than `after`. */
  async waitForPosted(type: string, after = 0): Promise<Record<string, unknown>> {
    await until(() => this.postedCount(type), (n) => n > after, `the panel to post a ${type} message`);
    return (await this.posted()).filter((m) => m.type === type).at(-1)!;
  }

  async postedCount(type: string): Promise<number> { return (await this.posted()).filter((m) => m.type === type).length; }

  /** Answers the panel's last request of this type as the extension would. */
  async answer(type: string, reply: (requestId: string) => ToWebviewMessage, after = 0): Promise<Record<string, unknown>> {
    const request = await this.waitForPosted(type, after);
    await this.send(reply(String(request.requestId)));
    return request;
  }

  // Tabs
  tab(view: 'pending' | 'history' | 'problems' | 'consent'): Locator { return this.page.locator(`vscode-tab-header[data-view="${view}"]`); }
  view(view: 'pending' | 'history' | 'problems' | 'consent'): Locator { return this.page.locator(`vscode-tab-panel[data-view="${view}"]`); }
  async openTab(view: 'pending' | 'history' | 'problems' | 'consent'): Promise<void> { await this.tab(view).click(); await this.view(view).waitFor({ state: 'visible' }); }

  // Pending list
  get list(): Locator { return this.page.locator('#pending-list'); }
  /** The rows drawn in the DOM now, in list order: [aria-posinset, aria-label, aria-selected]. */
  async drawnRows(): Promise<{ pos: number; label: string; selected: boolean; kind: string }[]> {
    return this.page.$$eval('#pending-list .wlist-row:not([hidden])', (rows) => rows.map((r) => ({
      pos: Number(r.getAttribute('aria-posinset')), label: r.getAttribute('aria-label') ?? '', selected: r.getAttribute('aria-selected') === 'true',
      kind: r.classList.contains('group') ? 'group' : 'event',
    })).sort((a, b) => a.pos - b.pos));
  }
  async rowCount(): Promise<number> { return Number(await this.page.locator('#pending-list .wlist-row:not([hidden])').first().getAttribute('aria-setsize') ?? 0); }
  totals(): Promise<string> { return this.page.locator('#pending-totals').innerText(); }
  status(): Promise<string> { return this.page.locator('#pending-status').innerText(); }

  async search(text: string): Promise<void> {
    const input = this.page.locator('#pending-search input');
    await input.fill(text);
  }

  /** Chooses a value in one of the filter menus, as a user does: open it, click the option. */
  async choose(select: 'filter-extension' | 'filter-kind' | 'filter-name' | 'group-by', optionText: RegExp | string): Promise<void> {
    await this.page.locator(`#${select}`).click();
    await this.page.locator(`#${select}`).getByRole('option', { name: optionText }).first().click();
  }

  /** Makes row `index` (0-based) of the list active with the keyboard. */
  async goToRow(index: number): Promise<void> {
    await this.list.focus();
    await this.page.keyboard.press('Home');
    for (let i = 0; i < index; i++) { await this.page.keyboard.press('ArrowDown'); }
  }

  detail(): Locator { return this.page.locator('#pending-detail'); }
  async eventBytes(): Promise<string> { return this.page.locator('#event-bytes').evaluate((n) => n.textContent ?? ''); }
  async batchBytes(): Promise<string> { return this.page.locator('#pending-detail section.batch-bytes pre.bytes').evaluate((n) => n.textContent ?? ''); }
  /** The field table of the open event: path → its value and what the panel says it means. */
  async fieldTable(): Promise<Map<string, { value: string; meaning: string }>> {
    const rows = await this.page.$$eval('#pending-detail table.fields tbody tr', (trs) => trs.map((tr) => [
      tr.getAttribute('data-path') ?? '', tr.querySelector('.value')?.textContent ?? '', tr.querySelector('td.meaning')?.textContent ?? '']));
    return new Map(rows.map(([p, value, meaning]) => [p!, { value: value!, meaning: meaning! }]));
  }

  async click(id: string): Promise<void> { await this.page.locator(`#${id}`).click(); }

  async screenshot(file: string): Promise<void> { await this.page.screenshot({ path: file, fullPage: false }); }
}
