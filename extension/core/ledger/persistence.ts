// Keeps the records (history, refused events, drop counts) and the ledger on disk, so they outlive a
// restart. Neither is the queue: losing the last second of them in a crash loses no event, so they are
// written in the background (records: replaced as a whole, at most every 2 s; ledger: appended, one
// line per batch and step, and compacted when it grows past its limit).
import type { Clock, TimerHandle } from '../ports/clock';
import type { Files } from '../ports/files';
import type { Ledger, LedgerLine } from './ledger';
import type { Records } from './records';

export const RECORDS_SAVE_DELAY_MS = 2000;
export const LEDGER_FILE_LIMIT = 2 * 1024 * 1024;

export class RecordsFile {
  private timer: TimerHandle | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly files: Files, private readonly clock: Clock, private readonly path: string,
    private readonly records: Records, private readonly problem: (m: string) => void) {}

  /** Saves soon; many changes in a row make one write. */
  schedule(): void {
    if (this.timer) { return; }
    this.timer = this.clock.setTimeout(() => { this.timer = undefined; void this.save(); }, RECORDS_SAVE_DELAY_MS);
  }

  async save(): Promise<void> {
    if (this.timer) { this.clock.clearTimeout(this.timer); this.timer = undefined; }
    this.saving = this.saving.then(() => this.files.writeAtomic(this.path, JSON.stringify(this.records)))
      .catch((e: Error) => this.problem(`Could not save Candor's delivery history (${e.message}).`));
    await this.saving;
  }
}

export class LedgerFile {
  private chain: Promise<void> = Promise.resolve();
  private size = 0;

  constructor(private readonly files: Files, private readonly path: string, private readonly ledger: Ledger) {}

  /** Sets the starting size (of a file read back at start). */
  opened(size: number): void { this.size = size; }

  append(line: LedgerLine): void {
    const text = `${JSON.stringify(line)}\n`;
    this.size += Buffer.byteLength(text);
    const compact = this.size > LEDGER_FILE_LIMIT;
    this.chain = this.chain.then(async () => {
      if (compact) { await this.compact(); return; }
      const { handle } = await this.files.openAppend(this.path);
      try { await handle.append(text); } finally { await handle.close(); }
    }).catch(() => { /* the ledger is a record; a failed line is not a lost event */ });
  }

  /** Rewrites the file from what the ledger holds in memory (its most recent events). */
  private async compact(): Promise<void> {
    const lines: string[] = [];
    for (const [id, entries] of Object.entries(this.ledger.latest())) {
      for (const e of entries) { if (e.step !== 'queued') { lines.push(JSON.stringify({ ...e, ids: [id] })); } }
    }
    const text = lines.length > 0 ? `${lines.join('\n')}\n` : '';
    await this.files.writeAtomic(this.path, text);
    this.size = Buffer.byteLength(text);
  }

  async flushed(): Promise<void> { await this.chain; }

  /** Empties the file. */
  async reset(): Promise<void> {
    this.chain = this.chain.then(() => this.files.writeAtomic(this.path, '')).catch(() => {});
    this.size = 0;
    await this.chain;
  }
}
