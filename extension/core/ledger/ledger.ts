// The delivery ledger: for each event, every step after it was queued — shown in the panel, approved,
// sent, then accepted, duplicate (the endpoint already had it), rejected (with the endpoint's code) or
// dropped (with Candor's code). Kept for the most recent events; steps after "queued" are also appended
// to a file, one line per batch and step, so the ledger outlives a restart.
import type { ReasonCode } from '../../../generated/types';

export type LedgerStep = 'queued' | 'shown' | 'approved' | 'sent' | 'accepted' | 'duplicate' | 'rejected' | 'dropped';

export interface LedgerEntry {
  readonly step: LedgerStep;
  /** When, as an RFC 3339 time. */
  readonly at: string;
  readonly batchId?: string;
  readonly code?: ReasonCode;
  /** For `sent`: the endpoint; for `rejected`: the endpoint's explanation. */
  readonly detail?: string;
}

export interface LedgerLine extends LedgerEntry { readonly ids: readonly string[] }

export class Ledger {
  private readonly entries = new Map<string, LedgerEntry[]>();

  /** `sink` receives each step worth keeping on disk (everything but `queued`). */
  constructor(private readonly capacity: number, private readonly sink: (line: LedgerLine) => void = () => {}) {}

  record(ids: readonly string[], entry: LedgerEntry): void {
    for (const id of ids) {
      let list = this.entries.get(id);
      if (!list) {
        list = [];
        this.entries.set(id, list);
        if (this.entries.size > this.capacity) { this.entries.delete(this.entries.keys().next().value!); }
      }
      list.push(entry);
    }
    if (entry.step !== 'queued' && ids.length > 0) { this.sink({ ...entry, ids }); }
  }

  /** The steps of one event, oldest first; empty when it is unknown or too old to be kept. */
  of(eventId: string): readonly LedgerEntry[] { return this.entries.get(eventId) ?? []; }

  /** The latest step of each event, newest events last (for export). */
  latest(): Record<string, readonly LedgerEntry[]> { return Object.fromEntries(this.entries); }

  /** Puts back what a ledger file holds (lines from an earlier session, or adopted from a closed window). */
  replay(lines: Iterable<LedgerLine>): void {
    for (const { ids, ...entry } of lines) {
      for (const id of ids) {
        let list = this.entries.get(id);
        if (!list) { list = []; this.entries.set(id, list); if (this.entries.size > this.capacity) { this.entries.delete(this.entries.keys().next().value!); } }
        list.push(entry);
      }
    }
  }

  clear(): void { this.entries.clear(); }
}

const STEPS: ReadonlySet<string> = new Set(['queued', 'shown', 'approved', 'sent', 'accepted', 'duplicate', 'rejected', 'dropped']);

/** Reads ledger file lines leniently: a damaged line is skipped (the ledger is a record, not the queue). */
export function parseLedgerLines(text: string): LedgerLine[] {
  const out: LedgerLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw) { continue; }
    try {
      const v = JSON.parse(raw) as Partial<LedgerLine>;
      if (typeof v.step === 'string' && STEPS.has(v.step) && typeof v.at === 'string' && Array.isArray(v.ids) && v.ids.every((i) => typeof i === 'string')) {
        out.push({
          step: v.step, at: v.at.slice(0, 30), ids: v.ids,
          ...(typeof v.batchId === 'string' ? { batchId: v.batchId } : {}),
          ...(typeof v.code === 'string' ? { code: v.code } : {}),
          ...(typeof v.detail === 'string' ? { detail: v.detail.slice(0, 512) } : {}),
        });
      }
    } catch { /* skipped */ }
  }
  return out;
}
