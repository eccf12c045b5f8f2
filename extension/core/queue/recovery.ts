// Reads queue files back after a restart or an adoption, and repairs them. The files are input from
// outside (a crash can tear the last line; a disk or another program can damage anything), so every line
// and every batch is checked: what is valid is kept, what is damaged is moved to the quarantine folder
// and counted as `queue_corrupted`, and Candor carries on.
import type { CandorEvent } from '../../../generated/types';
import { joinPath, type Files } from '../ports/files';
import type { RuleBroken, Validator } from '../ports/validators';
import { isApprovalFile, isBatchFile, isLogFile } from './layout';
import { metaOf, queuedFrom, type QueuedEvent } from './queued-event';
import { parseBatchFile, type SealedBatch } from './sealed-batch';

export interface RecoveredEvent { readonly event: QueuedEvent; readonly log: string }

export interface Recovered {
  /** Collected but unsealed events, in the order they were written, none of them also in a batch. */
  readonly events: RecoveredEvent[];
  /** Logs read (they may be deleted once their events are sealed). */
  readonly logs: string[];
  readonly batches: SealedBatch[];
  /** Approved digests by batch id. */
  readonly approvals: Map<string, string>;
  /** How many events (or damaged lines) went to the quarantine. */
  readonly corrupted: number;
}

export type Quarantine = (label: string, bytes: string) => Promise<void>;

/** Gives the extension host a turn between slices of work, so a large queue never blocks it. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function recover(files: Files, dir: string, names: readonly string[], validate: Validator<CandorEvent, RuleBroken>, quarantine: Quarantine): Promise<Recovered> {
  let corrupted = 0;
  let work = 0;
  const batches: SealedBatch[] = [];
  const replaced = new Set<string>();
  const inBatches = new Set<string>();

  for (const name of names.filter(isBatchFile).sort()) {
    const batchId = name.slice(0, -'.batch'.length);
    const bytes = await files.read(joinPath(dir, name));
    if (!bytes) { continue; }
    const text = Buffer.from(bytes).toString('utf8');
    try {
      const { meta, body, batch } = parseBatchFile(text, batchId);
      const bad = batch.events.findIndex((e) => !validate(e));
      if (bad >= 0) { throw new Error(`event ${bad} is not a valid event`); }
      work += batch.events.length;
      const events = batch.events.map(metaOf);
      batches.push({
        batchId, installationId: batch.installationId, body, bytes: Buffer.byteLength(body), sha256: meta.sha256, events,
        oldestAt: Math.min(...events.map((e) => e.at)), sealedAt: meta.sealedAt, replaces: meta.replaces,
      });
      for (const r of meta.replaces) { replaced.add(r); }
    } catch (error) {
      corrupted += eventCountGuess(text);
      await quarantine(`${name} (${(error as Error).message})`, text);
      await files.remove(joinPath(dir, name));
    }
    if (work > 2000) { work = 0; await breathe(); }
  }
  // A batch whose replacement was written before it could be deleted (crash in between) goes now.
  const kept: SealedBatch[] = [];
  for (const b of batches) {
    if (replaced.has(b.batchId)) { await files.remove(joinPath(dir, `${b.batchId}.batch`)); continue; }
    kept.push(b);
    for (const e of b.events) { inBatches.add(e.id); }
  }

  const approvals = new Map<string, string>();
  for (const name of names.filter(isApprovalFile)) {
    const bytes = await files.read(joinPath(dir, name));
    const digest = bytes ? Buffer.from(bytes).toString('utf8').trim() : '';
    if (/^[0-9a-f]{64}$/.test(digest)) { approvals.set(name.slice(0, -'.approved'.length), digest); }
  }

  const events: RecoveredEvent[] = [];
  const seen = new Set<string>();
  const logs = names.filter(isLogFile).sort();
  for (const log of logs) {
    const bytes = await files.read(joinPath(dir, log));
    if (!bytes) { continue; }
    const text = Buffer.from(bytes).toString('utf8');
    const lines = text.split('\n');
    const damaged: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.length === 0) { continue; }
      // The last piece has no newline after it: a write that a crash cut short. It is kept only if it
      // is whole anyway (the newline was all that was missing).
      let event: unknown;
      try { event = JSON.parse(line); } catch { damaged.push(line); continue; }
      if (!validate(event)) { damaged.push(line); continue; }
      const e = event as CandorEvent;
      if (inBatches.has(e.id) || seen.has(e.id)) { continue; }
      seen.add(e.id);
      events.push({ event: queuedFrom(e), log });
      if (++work > 2000) { work = 0; await breathe(); }
    }
    if (damaged.length > 0) {
      corrupted += damaged.length;
      await quarantine(`${log} (${damaged.length} damaged line(s))`, damaged.join('\n'));
    }
  }
  return { events, logs, batches: kept, approvals, corrupted };
}

function eventCountGuess(text: string): number {
  const m = /"eventCount":([0-9]{1,3})/.exec(text.slice(0, 400));
  return m ? Math.max(1, Number(m[1])) : 1;
}

/** Moves damaged bytes aside, under a name that says where they came from and when. */
export function quarantineInto(files: Files, dir: string, windowId: string, nowMs: () => number): Quarantine {
  let n = 0;
  return async (label, bytes) => {
    await files.mkdirp(dir);
    const name = `${new Date(nowMs()).toISOString().replace(/[:.]/g, '-')}-${windowId}-${n++}.txt`;
    await files.writeAtomic(joinPath(dir, name), `${label}\n${bytes}`);
  };
}
