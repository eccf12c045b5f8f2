// The page object of Candor's panel in the real editor: what a user does in it, in the panel's terms
// (search, open a batch's bytes, approve, discard, export…), over the harness's workbench actions. The
// selectors live here and only here; test/browser/support/panel-page.ts is its twin for the bundle alone.
import * as vscode from 'vscode';
import { ui } from './index';

export type PanelView = 'pending' | 'history' | 'problems' | 'consent';

/** A batch as the panel shows it: its id, its exact bytes, and the panel's own digest line. */
export interface ShownBatch { readonly batchId: string; readonly body: string; readonly digestLine: string }

const DETAIL = '#pending-detail';

export class CandorPanel {
  private constructor() {}

  /** Opens the panel the way a user does, from the palette, on its pending events (or its consent view). */
  static async open(view: 'pending' | 'consent' = 'pending'): Promise<CandorPanel> {
    await ui.runCommand(view === 'pending' ? 'Candor: Show Pending Events' : 'Candor: Show Consent and Status');
    const panel = new CandorPanel();
    // The panel has shown a state from the extension once it has its totals line filled.
    await ui.webviewText('#pending-totals', { contains: 'pending', timeoutMs: 30_000 });
    return panel;
  }

  async close(): Promise<void> { await vscode.commands.executeCommand('workbench.action.closeAllEditors'); }

  async openTab(view: PanelView): Promise<void> { await ui.webviewClick(`vscode-tab-header[data-view="${view}"]`); }

  /** The header line: whether Candor sends, and how many batches await review. */
  header(expect: { contains?: string } = {}): Promise<string> { return ui.webviewText('header.summary', expect); }

  /** "N events pending in M batches: … to send." (and what a search shows). */
  totals(expect: { contains?: string; timeoutMs?: number } = {}): Promise<string> { return ui.webviewText('#pending-totals', expect); }

  /** What the extension answered to the last review action. */
  status(expect: { contains?: string; timeoutMs?: number } = {}): Promise<string> { return ui.webviewText('#pending-status', expect); }

  /** Types into the search box; the list then shows only events whose bytes contain `text`. */
  async search(text: string): Promise<void> {
    await ui.webviewFill('#pending-search input', text);
  }

  /** The event rows the list shows now: each event's name, kind and extension, in list order. */
  async eventRows(): Promise<{ name: string; kind: string; extension: string }[]> {
    const cells = (cell: string) => ui.webviewTexts(`#pending-list .wlist-row.event .${cell}`, { visibleOnly: true });
    const [names, kinds, extensions] = await Promise.all([cells('name'), cells('kind'), cells('ext')]);
    return names.map((name, i) => ({ name, kind: kinds[i]!, extension: extensions[i]! }));
  }

  /** Opens the first event the list shows: its exact bytes, and beside each field what it means. */
  async openFirstEvent(): Promise<{ bytes: string; meaning(field: string): Promise<string> }> {
    await ui.webviewClick('#pending-list .wlist-row.event:not([hidden])');
    const bytes = await ui.webviewText('#event-bytes');
    return { bytes, meaning: (field) => ui.webviewText(`${DETAIL} table.fields tr[data-path="${field}"] td.meaning`) };
  }

  /**
   * Opens the first batch the list shows (after a search: the batch holding what was searched for) and
   * its exact bytes, and waits for the panel's own SHA-256 of them to agree with Candor's digest.
   */
  async openFirstBatch(): Promise<ShownBatch> {
    await ui.webviewClick('#pending-list .wlist-row.group:not([hidden])');
    await ui.webviewClick('#toggle-batch-bytes');
    const digestLine = await ui.webviewText(`${DETAIL} section.batch-bytes .digest`, { contains: 'It matches the digest Candor will send them under.' });
    const heading = await ui.webviewText(`${DETAIL} section.batch-bytes h3`);
    const batchId = /^Batch (\S+):/.exec(heading)?.[1];
    if (!batchId) { throw new Error(`the batch's heading names no batch: ${heading}`); }
    return { batchId, body: await ui.webviewText(`${DETAIL} section.batch-bytes pre.bytes`), digestLine };
  }

  /** Approve all, in the review bar; resolves with the extension's answer. */
  async approveAll(): Promise<string> {
    await ui.webviewClick('#approve-all');
    return this.status({ contains: 'approved' });
  }

  /** Selects every event the list shows (Ctrl+A in the list), then Discard selected… and confirms in the panel. */
  async discardShown(): Promise<string> {
    await ui.webviewPress('#pending-list', 'Control+A');
    await ui.webviewClick('#discard-selected');
    await ui.webviewClick('#discard-confirm-yes');
    return this.status({ contains: 'discarded' });
  }

  /** The History row of a delivered batch, as text. */
  async delivery(batchId: string, expect: { contains?: string } = {}): Promise<string> {
    await this.openTab('history');
    return ui.webviewText(`.history-table tr[data-batch-id="${batchId}"]`, { ...expect, timeoutMs: 20_000 });
  }

  /** How many events the Problems view counts as dropped for `code` (0 when it lists none). */
  async dropped(code: string): Promise<number> {
    await this.openTab('problems');
    const text = await ui.webviewText('#app .problems .drops');
    if (!text.includes(code)) { return 0; }
    return Number(await ui.webviewText(`.problems tr[data-code="${code}"] td:nth-child(2)`));
  }

  /** Export my data…, answering the save dialog with `filePath`; resolves with what the panel says after. */
  async exportData(filePath: string): Promise<{ dialogTitle: string; result: string }> {
    await this.openTab('consent');
    await ui.webviewClick('#export-data');
    const dialogTitle = await ui.saveDialog(filePath);
    return { dialogTitle, result: await ui.webviewText('#data-result', { contains: 'Saved to', timeoutMs: 30_000 }) };
  }

  /**
   * Delete my data… while no one can answer the editor's confirmation (VS Code refuses modal dialogs while
   * extension tests run, so the in-host suite cannot confirm); resolves with what the panel says then.
   * The answered dialog is tested in an editor without extension tests (test/vscode/data-rights.test.ts).
   */
  async deleteDataUnconfirmed(): Promise<string> {
    await this.openTab('consent');
    await ui.webviewClick('#delete-data');
    return ui.webviewText('#data-result', { contains: 'did not work', timeoutMs: 30_000 });
  }

  /** Posts a message to the extension from inside the panel's page, as its script could. */
  async post(message: unknown): Promise<void> { await ui.webviewPost('#app', message); }

  /** The panel page's background colour (the editor's theme, through its CSS variables). */
  background(): Promise<string> { return ui.webviewStyle('body:has(> #app)', 'background-color'); }
}
