// One open panel, without `vscode`: what the extension does with each message from the webview, and when
// it posts the state. The webview is untrusted: each message is checked (size, then the generated
// from-webview validator) and a refused one is logged and has no effect. Valid actions go to the
// PanelModel (the pipeline), DataRights (export, delete) or the editor (settings, dialogs), and each is
// answered with a `result` that repeats its request id. States are posted as the model changes, at most
// one per interval, and only while the panel can be seen.
import type { DataRights, PanelModel } from '../../core/view/panel-model';
import type { FromWebviewMessage, ToWebviewMessage } from '../../../generated/types';
import { checkFromWebview } from '../../../protocol/from-webview';
import { refusalLine } from '../../../protocol/webview-messages';

export type View = Extract<ToWebviewMessage, { type: 'show' }>['view'];

/** Where the chosen export file goes; the editor asks where before anything is exported. */
export interface ExportTarget {
  readonly label: string;
  write(json: string): Promise<void>;
}

/** What only the editor can do: change a setting, open the settings, ask the user. */
export interface EditorActions {
  setCandorEnabled(enabled: boolean): Promise<void>;
  openSettings(): Promise<void>;
  chooseExportTarget(): Promise<ExportTarget | undefined>;
  confirmDelete(): Promise<boolean>;
}

export interface WebviewPort {
  post(message: ToWebviewMessage): void;
  readonly visible: boolean;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  now(): number;
}

export interface SessionDeps {
  readonly model: PanelModel;
  /** Export and deletion, loaded when first asked for (the pipeline keeps them in a chunk of their own). */
  readonly rights: () => Promise<DataRights>;
  readonly editor: EditorActions;
  readonly port: WebviewPort;
  readonly log: (line: string) => void;
  readonly timers?: Timers;
  /** The least time between two state messages; changes in between are folded into one. */
  readonly minIntervalMs?: number;
}

const MAX_MESSAGE = 2048;
const MAX_RECEIPTS = 256;
const MAX_BODY = 1_048_576;

const REAL_TIMERS: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>), now: () => Date.now() };

const clip = (s: string) => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s);

type Action = Exclude<FromWebviewMessage, { type: 'ready' }>;
type Result = Extract<ToWebviewMessage, { type: 'result' }>;

export class PanelSession {
  private ready = false;
  private dirty = false;
  private timer: unknown;
  private lastPost = -Infinity;
  private requestedView: View | undefined;
  /** Export and delete ask the user and call the endpoint: one at a time, whatever the webview sends. */
  private dataRightsBusy = false;
  private disposed = false;
  private readonly timers: Timers;
  private readonly interval: number;

  constructor(private readonly d: SessionDeps) {
    this.timers = d.timers ?? REAL_TIMERS;
    this.interval = d.minIntervalMs ?? 100;
  }

  /** Handles one message from the webview. Resolves when it has been answered (or refused). */
  async receive(data: unknown): Promise<void> {
    const checked = checkFromWebview(data);
    if (!checked.ok) { this.d.log(refusalLine('the panel', checked)); return; }
    const message = checked.message;
    if (message.type === 'ready') {
      this.ready = true;
      this.postState();
      if (this.requestedView) { this.d.port.post({ type: 'show', view: this.requestedView }); this.requestedView = undefined; }
      return;
    }
    let answer: ToWebviewMessage;
    try {
      answer = await this.act(message);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.d.log(`The panel's ${message.type} failed: ${why}`);
      answer = { type: 'result', requestId: message.requestId, ok: false, message: clip(`That did not work: ${why}`) };
    }
    if (!this.disposed) { this.d.port.post(answer); }
  }

  /** Brings a view to the front, now or as soon as the webview is ready. */
  show(view: View): void {
    if (this.ready) { this.d.port.post({ type: 'show', view }); } else { this.requestedView = view; }
  }

  /** The model changed: post the state now, or at the end of the interval, or when the panel is seen again. */
  modelChanged(): void {
    if (!this.ready || !this.d.port.visible) { this.dirty = true; return; }
    if (this.timer !== undefined) { return; }
    const wait = this.lastPost + this.interval - this.timers.now();
    if (wait <= 0) { this.postState(); return; }
    this.timer = this.timers.set(() => { this.timer = undefined; this.postState(); }, wait);
  }

  visibilityChanged(): void {
    if (this.d.port.visible && this.dirty) { this.modelChanged(); }
  }

  /** The webview reloaded (hidden and shown again): it will say `ready` once more. */
  webviewReloaded(): void { this.ready = false; }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) { this.timers.clear(this.timer); this.timer = undefined; }
  }

  private postState(): void {
    if (this.disposed) { return; }
    this.dirty = false;
    this.lastPost = this.timers.now();
    try {
      this.d.port.post({ type: 'state', state: this.d.model.snapshot() });
    } catch (e) {
      this.d.log(`Could not show the panel's state: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private result(requestId: string, ok: boolean, message: string, extra: Partial<Result> = {}): Result {
    return { type: 'result', requestId, ok, message: clip(message), ...extra };
  }

  private async act(m: Action): Promise<ToWebviewMessage> {
    const { model, editor } = this.d;
    switch (m.type) {
      case 'approve': { const r = await model.approve(m.batches); return this.result(m.requestId, r.ok, r.message); }
      case 'discard': { const r = await model.discard(m.eventIds); return this.result(m.requestId, r.ok, r.message); }
      case 'sendNow': { const r = await model.sendNow(); return this.result(m.requestId, r.ok, r.message); }
      case 'pause':
      case 'resume': { const r = await model.setPaused(m.type === 'pause'); return this.result(m.requestId, r.ok, r.message); }
      case 'openBatch': {
        const body = await model.deliveredBytes(m.batchId);
        if (body === undefined) { return this.result(m.requestId, false, `The bytes of batch ${m.batchId} are no longer kept.`); }
        if (body.length > MAX_BODY) { return this.result(m.requestId, false, `Batch ${m.batchId} is too large to show here.`); }
        return { type: 'batchBytes', requestId: m.requestId, batchId: m.batchId, body };
      }
      case 'optIn':
      case 'optOut':
        await editor.setCandorEnabled(m.type === 'optIn');
        return this.result(m.requestId, true, m.type === 'optIn'
          ? 'Candor is on. It sends only what the editor\'s telemetry level also allows, and only to the endpoint you set.'
          : 'Candor is off. Nothing more is recorded or sent, and what waited to be sent is deleted.');
      case 'openSettings':
        await editor.openSettings();
        return this.result(m.requestId, true, 'Opened Candor\'s settings.');
      case 'exportData':
      case 'deleteData':
        if (this.dataRightsBusy) { return this.result(m.requestId, false, 'An export or deletion is already under way; try again when it has finished.'); }
        this.dataRightsBusy = true;
        try { return m.type === 'exportData' ? await this.exportData(m.requestId) : await this.deleteData(m.requestId); } finally { this.dataRightsBusy = false; }
    }
  }

  private async exportData(requestId: string): Promise<Result> {
    const target = await this.d.editor.chooseExportTarget();
    if (!target) { return this.result(requestId, false, 'Export cancelled: nothing was exported.'); }
    const { json, summary } = await (await this.d.rights()).exportAll();
    await target.write(json);
    return this.result(requestId, true, `Saved to ${target.label}. ${summary}`);
  }

  private async deleteData(requestId: string): Promise<Result> {
    if (!(await this.d.editor.confirmDelete())) { return this.result(requestId, false, 'Nothing was deleted.'); }
    const r = await (await this.d.rights()).deleteAll();
    const more = r.receipts.length > MAX_RECEIPTS ? ` (${r.receipts.length - MAX_RECEIPTS} more receipts are in the log)` : '';
    if (more) { this.d.log(`Deletion receipts: ${JSON.stringify(r.receipts)}`); }
    return this.result(requestId, r.ok, `${r.message}${more}`, { receipts: r.receipts.slice(0, MAX_RECEIPTS) });
  }
}
