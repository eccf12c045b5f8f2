// The queue: events collected and waiting, on disk first and mirrored in memory. Collected events are
// appended to a log with group commit; a batch is sealed (its bytes fixed for good) when it reaches the
// count or byte limit, or when its oldest event has waited the batch interval; the sender takes sealed
// batches in order. The queue is bounded in events and bytes: when full, the oldest sealed batch is
// dropped and counted (`queue_full`); batches older than the age limit are dropped as `expired`.
//
// Every change that removes events from disk happens in an order that a crash cannot turn into a loss:
// a batch file is written (and flushed) before the log lines it holds are deleted; a replacement batch
// is written before the batch it replaces is deleted. A crash in between leaves duplicates, which the
// recovery drops by event id.
import type { ReasonCode } from '../../../generated/types';
import type { Clock } from '../ports/clock';
import { joinPath, type Files } from '../ports/files';
import { DEFAULT_GROUP_COMMIT, GroupCommitLog, type GroupCommitOptions } from './group-commit';
import { approvalFile, batchFile, newLogName } from './layout';
import type { EventMeta, QueuedEvent } from './queued-event';
import type { Recovered } from './recovery';
import { batchFileText, batchOverhead, eventsOf, sealBatch, type SealedBatch } from './sealed-batch';

export interface QueueLimits {
  /** Most events held (collecting and sealed). At least twice `batchEvents`. */
  readonly maxEvents: number;
  /** Most bytes held. */
  readonly maxBytes: number;
  /** Seal a batch at this many events (`candor.batch.maxEvents`, at most 500). */
  readonly batchEvents: number;
  /** Seal before the body would grow past this (480 KiB, PROTOCOL.md §7). */
  readonly batchBytes: number;
  /** Drop events older than this, undelivered, as `expired`. */
  readonly maxAgeMs: number;
}

/** A batch's bytes around its events; every field in it has a fixed length. */
const BATCH_OVERHEAD = batchOverhead('00000000-0000-7000-8000-000000000000', '2026-01-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000000', '0'.repeat(64));

export const DEFAULT_LIMITS: QueueLimits = {
  maxEvents: 10_000, maxBytes: 32 * 1024 * 1024, batchEvents: 500, batchBytes: 491_520, maxAgeMs: 7 * 24 * 60 * 60_000,
};

export interface QueueHooks {
  /** Events left the queue undelivered; count them by `code`. */
  dropped(code: ReasonCode, events: readonly EventMeta[]): void;
  /** Something the panel or the status bar shows changed. */
  changed(): void;
  /** The owner key hash of an installation id, or undefined if that installation was forgotten. */
  ownerKeyHash(installationId: string): string | undefined;
  /** A new batch id (UUIDv7). */
  newBatchId(): string;
  /**
   * Whether an event may stay: consent can be withdrawn, or the installation forgotten, while its line is
   * being written. Otherwise the code to count it under (none: it goes silently, with its installation).
   */
  admits(event: EventMeta): true | { readonly code: ReasonCode | undefined };
  /** A failure worth telling someone about (never an event's content). */
  problem(message: string): void;
}

interface Collected { readonly event: QueuedEvent; readonly log: string }

interface Entry {
  batch: SealedBatch;
  /** Whether the batch file is written; until then its events stay counted in their logs. */
  persisted: boolean;
  persisting: Promise<void>;
  /** Log name → how many of this batch's events came from it, released when the file is written. */
  readonly logs: Map<string, number>;
  removed: boolean;
}

export class Queue {
  private collecting: Collected[] = [];
  private collectingBytes = 0;
  private readonly entries: Entry[] = [];
  private readonly approvals = new Map<string, string>();
  private readonly logLive = new Map<string, number>();
  private log!: GroupCommitLog;
  private logName = '';
  private inFlight: string | undefined;
  private sealedEvents = 0;
  private sealedBytes = 0;
  private limits: QueueLimits;

  private constructor(private readonly files: Files, private readonly clock: Clock, private readonly dir: string,
    limits: QueueLimits, private readonly groupCommit: GroupCommitOptions, private readonly hooks: QueueHooks) {
    this.limits = checkLimits(limits);
  }

  static async open(files: Files, clock: Clock, dir: string, hooks: QueueHooks,
    limits: QueueLimits = DEFAULT_LIMITS, groupCommit: GroupCommitOptions = DEFAULT_GROUP_COMMIT): Promise<Queue> {
    const queue = new Queue(files, clock, dir, limits, groupCommit, hooks);
    await queue.openLog();
    return queue;
  }

  setLimits(limits: QueueLimits): void { this.limits = checkLimits(limits); }
  get currentLimits(): QueueLimits { return this.limits; }

  // ---- collecting ---------------------------------------------------------------------------------

  /** Writes the event to the log (group commit) and resolves when it is on disk. */
  append(event: QueuedEvent): Promise<void> {
    return new Promise((resolve, reject) => { this.add(event, () => resolve(), reject); });
  }

  /**
   * The same without a promise of its own: `written` is called once the line is on disk (the event then
   * joins the collecting batch), `failed` if it could not be written.
   */
  add(event: QueuedEvent, written: () => void, failed: (error: Error) => void): void {
    const log = this.logName;
    // Counted before the write: a log with a line still being written is never deleted.
    this.logLive.set(log, (this.logLive.get(log) ?? 0) + 1);
    this.log.add(`${event.line}\n`, {
      written: () => { this.collected(event, log); written(); },
      failed: (error) => { this.release(log, 1); failed(error); },
    });
  }

  /** An event whose line is in `log` (and counted there) joins the collecting batch. */
  private collected(event: QueuedEvent, log: string): void {
    const verdict = this.hooks.admits(event);
    if (verdict !== true) {
      this.release(log, 1);
      if (verdict.code) { this.hooks.dropped(verdict.code, [event]); }
      return;
    }
    const first = this.collecting[0]?.event;
    if (first && (first.installationId !== event.installationId
      || BATCH_OVERHEAD + this.collectingBytes + this.collecting.length + event.bytes > this.limits.batchBytes)) {
      this.sealNow();
    }
    this.collecting.push({ event, log });
    this.collectingBytes += event.bytes;
    if (this.collecting.length >= this.limits.batchEvents) { this.sealNow(); }
    this.enforceCaps();
    this.hooks.changed();
  }

  /** Events collected and not yet sealed, oldest first. */
  collectingEvents(): readonly QueuedEvent[] { return this.collecting.map((c) => c.event); }
  /** When the oldest collecting event arrived, or undefined when none is collecting. */
  get collectingSince(): number | undefined { return this.collecting[0]?.event.at; }

  // ---- sealing ------------------------------------------------------------------------------------

  /**
   * Seals what is collecting into batches (several if the installation changed in between) and starts
   * writing their files. Returns the new batches.
   */
  sealNow(): SealedBatch[] {
    const sealed: SealedBatch[] = [];
    while (this.collecting.length > 0) {
      const installationId = this.collecting[0]!.event.installationId;
      let n = 0;
      while (n < this.collecting.length && this.collecting[n]!.event.installationId === installationId) { n++; }
      const taken = this.collecting.splice(0, n);
      this.collectingBytes -= taken.reduce((sum, c) => sum + c.event.bytes, 0);
      const ownerKeyHash = this.hooks.ownerKeyHash(installationId);
      const logs = new Map<string, number>();
      for (const c of taken) { logs.set(c.log, (logs.get(c.log) ?? 0) + 1); }
      if (ownerKeyHash === undefined) {
        // The installation was forgotten ("delete my data") while these waited: they go with it.
        for (const [log, count] of logs) { this.release(log, count); }
        continue;
      }
      const batch = sealBatch({ batchId: this.hooks.newBatchId(), sealedAt: this.clock.now(), installationId, ownerKeyHash, events: taken.map((c) => c.event) });
      this.insert(this.entries.length, batch, logs);
      sealed.push(batch);
    }
    if (sealed.length > 0) {
      // A fresh log for what comes next, so the old one can go as soon as its batches are on disk, and
      // delivered events are never found in a log again after a crash.
      void this.rotateLog();
      this.hooks.changed();
    }
    return sealed;
  }

  private insert(at: number, batch: SealedBatch, logs: Map<string, number>): Entry {
    const entry: Entry = { batch, persisted: false, persisting: Promise.resolve(), logs, removed: false };
    this.entries.splice(at, 0, entry);
    this.sealedEvents += batch.events.length;
    this.sealedBytes += batch.bytes;
    entry.persisting = this.persist(entry);
    return entry;
  }

  private async persist(entry: Entry): Promise<void> {
    try {
      await this.files.writeAtomic(joinPath(this.dir, batchFile(entry.batch.batchId)), batchFileText(entry.batch));
      entry.persisted = true;
      for (const [log, count] of entry.logs) { this.release(log, count); }
      entry.logs.clear();
      // Only now may the batches this one replaces go: their events are safe in this file.
      for (const old of entry.batch.replaces) { await this.files.remove(joinPath(this.dir, batchFile(old))); }
    } catch (error) {
      this.hooks.problem(`Could not write a sealed batch to disk (${(error as Error).message}); its events stay in the log and it will be tried again.`);
    }
  }

  /**
   * The folder was deleted under Candor (a user cleaning up, another program): everything still held is
   * written again into the recreated folder — the collecting events into a fresh log, every sealed batch
   * into its file — so that a crash from now on loses nothing that was accepted.
   */
  async rehome(): Promise<void> {
    await this.files.mkdirp(this.dir);
    await this.rewriteCollecting([...this.collecting]);
    for (const entry of this.entries) {
      await entry.persisting;
      entry.persisted = false;
      entry.persisting = this.persist(entry);
    }
    await Promise.all(this.entries.map((e) => e.persisting));
    for (const [batchId, digest] of this.approvals) {
      await this.files.writeAtomic(joinPath(this.dir, approvalFile(batchId)), digest).catch(() => {});
    }
  }

  /** Tries again to write batch files that failed (a full disk that has room again). */
  async retryPersist(): Promise<void> {
    for (const entry of this.entries) {
      if (!entry.persisted && !entry.removed) { await entry.persisting; if (!entry.persisted) { entry.persisting = this.persist(entry); await entry.persisting; } }
    }
  }

  /** Waits until every sealed batch has been written (or has failed to be). */
  async settled(): Promise<void> {
    await Promise.all(this.entries.map((e) => e.persisting));
    await this.log.drain();
  }

  // ---- what the sender and the panel see ----------------------------------------------------------

  sealedBatches(): readonly SealedBatch[] { return this.entries.map((e) => e.batch); }
  batch(batchId: string): SealedBatch | undefined { return this.entries.find((e) => e.batch.batchId === batchId)?.batch; }
  get eventCount(): number { return this.collecting.length + this.sealedEvents; }
  get byteCount(): number { return this.collectingBytes + this.sealedBytes; }

  /** The sender marks the batch it is sending: it is never dropped or rewritten under it. */
  setInFlight(batchId: string | undefined): void { this.inFlight = batchId; }

  approvalOf(batchId: string): string | undefined { return this.approvals.get(batchId); }

  /** Records the user's approval of exactly these bytes. */
  async approve(batchId: string, sha256: string): Promise<boolean> {
    const batch = this.batch(batchId);
    if (!batch || batch.sha256 !== sha256) { return false; }
    this.approvals.set(batchId, sha256);
    await this.files.writeAtomic(joinPath(this.dir, approvalFile(batchId)), sha256).catch((error: Error) =>
      this.hooks.problem(`Could not record an approval on disk (${error.message}); it holds until the editor closes.`));
    this.hooks.changed();
    return true;
  }

  // ---- leaving the queue --------------------------------------------------------------------------

  /** The batch was answered (delivered, or refused for good): its events leave the queue. */
  async complete(batchId: string): Promise<void> {
    const i = this.entries.findIndex((e) => e.batch.batchId === batchId);
    if (i >= 0) { await this.removeAt(i); this.hooks.changed(); }
  }

  /** Drops a whole batch with a reason (`discarded_in_review`, `event_too_large`, …). */
  async drop(batchId: string, code: ReasonCode): Promise<void> {
    const i = this.entries.findIndex((e) => e.batch.batchId === batchId);
    if (i < 0) { return; }
    const { events } = this.entries[i]!.batch;
    await this.removeAt(i);
    this.hooks.dropped(code, events);
    this.hooks.changed();
  }

  private removeAt(i: number): Promise<void> {
    const [entry] = this.entries.splice(i, 1);
    if (!entry) { return Promise.resolve(); }
    entry.removed = true;
    this.sealedEvents -= entry.batch.events.length;
    this.sealedBytes -= entry.batch.bytes;
    this.approvals.delete(entry.batch.batchId);
    for (const [log, count] of entry.logs) { this.release(log, count); }
    entry.logs.clear();
    const { batchId } = entry.batch;
    return entry.persisting.then(async () => {
      await this.files.remove(joinPath(this.dir, batchFile(batchId)));
      await this.files.remove(joinPath(this.dir, approvalFile(batchId)));
    }).catch((error: Error) => this.hooks.problem(`Could not remove a finished batch file (${error.message}).`));
  }

  /** Keeps the queue within its bounds by dropping the oldest sealed batches (`queue_full`). */
  private enforceCaps(): void {
    while (this.eventCount > this.limits.maxEvents || this.byteCount > this.limits.maxBytes) {
      const victim = this.entries.findIndex((e) => e.batch.batchId !== this.inFlight);
      if (victim < 0) {
        if (this.collecting.length === 0) { return; }
        this.sealNow();
        continue;
      }
      const { events } = this.entries[victim]!.batch;
      void this.removeAt(victim);
      this.hooks.dropped('queue_full', events);
    }
  }

  /** Drops every batch whose oldest event is older than the age limit (`expired`). */
  async expire(): Promise<number> {
    const limit = this.clock.now() - this.limits.maxAgeMs;
    let dropped = 0;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i]!;
      if (entry.batch.oldestAt < limit && entry.batch.batchId !== this.inFlight) {
        dropped += entry.batch.events.length;
        const { events } = entry.batch;
        await this.removeAt(i);
        this.hooks.dropped('expired', events);
      }
    }
    if (dropped > 0) { this.hooks.changed(); }
    return dropped;
  }

  /**
   * A 413: splits the batch into two new batches in its place (new ids, new bytes), or, for a single
   * event, drops it as `event_too_large`. Returns the new batches.
   */
  async split(batchId: string): Promise<SealedBatch[]> {
    const i = this.entries.findIndex((e) => e.batch.batchId === batchId);
    if (i < 0) { return []; }
    const old = this.entries[i]!;
    if (old.batch.events.length === 1) { await this.drop(batchId, 'event_too_large'); return []; }
    const events = eventsOf(old.batch);
    const half = Math.ceil(events.length / 2);
    const made = [events.slice(0, half), events.slice(half)].map((part) => this.reseal(part, old.batch));
    this.replace(i, made);
    await Promise.all(this.entries.filter((e) => made.includes(e.batch)).map((e) => e.persisting));
    this.hooks.changed();
    return made;
  }

  private reseal(events: QueuedEvent[], old: SealedBatch): SealedBatch {
    const ownerKeyHash = this.hooks.ownerKeyHash(old.installationId) ?? (JSON.parse(old.body) as { ownerKeyHash: string }).ownerKeyHash;
    return sealBatch({ batchId: this.hooks.newBatchId(), sealedAt: this.clock.now(), installationId: old.installationId, ownerKeyHash, events, replaces: [old.batchId, ...old.replaces] });
  }

  /** Puts `made` where entry `i` was; the old file is deleted only after the new ones are written. */
  private replace(i: number, made: SealedBatch[]): void {
    const [old] = this.entries.splice(i, 1);
    if (!old) { return; }
    old.removed = true;
    this.sealedEvents -= old.batch.events.length;
    this.sealedBytes -= old.batch.bytes;
    this.approvals.delete(old.batch.batchId);
    // The old batch's unreleased log counts move to the first replacement (the logs must outlive both).
    made.forEach((batch, k) => this.insert(i + k, batch, k === 0 ? new Map(old.logs) : new Map()));
    const oldId = old.batch.batchId;
    void old.persisting.then(() => this.files.remove(joinPath(this.dir, approvalFile(oldId)))).catch(() => {});
  }

  /**
   * Removes every waiting event that matches (consent withdrawn for its kind, or its installation
   * forgotten), counting them under `code` when given. Collecting events are rewritten to a fresh log
   * so that a crash cannot bring them back; a sealed batch that keeps some events is sealed anew.
   * The batch in flight is left to the sender. Returns how many were removed.
   */
  async purge(matches: (event: EventMeta) => boolean, code: ReasonCode | undefined): Promise<number> {
    let removed = 0;
    const gone = this.collecting.filter((c) => matches(c.event));
    if (gone.length > 0) {
      const kept = this.collecting.filter((c) => !matches(c.event));
      removed += gone.length;
      await this.rewriteCollecting(kept);
      if (code) { this.hooks.dropped(code, gone.map((c) => c.event)); }
    }
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i]!;
      if (entry.batch.batchId === this.inFlight || !entry.batch.events.some(matches)) { continue; }
      const all = eventsOf(entry.batch);
      const out = all.filter((e) => matches(e));
      const keep = all.filter((e) => !matches(e));
      removed += out.length;
      if (keep.length === 0) { await this.removeAt(i); } else { this.replace(i, [this.reseal(keep, entry.batch)]); }
      if (code) { this.hooks.dropped(code, out); }
    }
    await Promise.all(this.entries.map((e) => e.persisting));
    if (removed > 0) { this.hooks.changed(); }
    return removed;
  }

  /** Starts a new log holding exactly `kept`, then lets the old logs go. */
  private async rewriteCollecting(kept: Collected[]): Promise<void> {
    const before = this.collecting;
    this.collecting = [];
    this.collectingBytes = 0;
    await this.rotateLog();
    const name = this.logName;
    if (kept.length > 0) { await this.log.append(kept.map((c) => `${c.event.line}\n`).join('')); }
    for (const c of before) { this.release(c.log, 1); }
    this.logLive.set(name, (this.logLive.get(name) ?? 0) + kept.length);
    // Events whose lines were written meanwhile arrived in `collecting` through `collected`; keep them after.
    this.collecting = [...kept.map((c) => ({ event: c.event, log: name })), ...this.collecting];
    this.collectingBytes = this.collecting.reduce((sum, c) => sum + c.event.bytes, 0);
  }

  /** Takes in what the recovery found (own files after a crash, or files adopted from a closed window). */
  restore(recovered: Recovered): void {
    for (const batch of recovered.batches) {
      const entry: Entry = { batch, persisted: true, persisting: Promise.resolve(), logs: new Map(), removed: false };
      // Batches keep their order by id (UUIDv7 sorts by the time they were sealed).
      let at = this.entries.length;
      while (at > 0 && this.entries[at - 1]!.batch.batchId > batch.batchId && this.entries[at - 1]!.batch.batchId !== this.inFlight) { at--; }
      this.entries.splice(at, 0, entry);
      this.sealedEvents += batch.events.length;
      this.sealedBytes += batch.bytes;
      const approved = recovered.approvals.get(batch.batchId);
      if (approved === batch.sha256) { this.approvals.set(batch.batchId, approved); }
    }
    for (const log of recovered.logs) { if (!this.logLive.has(log)) { this.logLive.set(log, 0); } }
    for (const { event, log } of recovered.events) {
      this.logLive.set(log, (this.logLive.get(log) ?? 0) + 1);
      this.collected(event, log);
    }
    // Recovered events are old: seal them now rather than waiting for the interval again.
    this.sealNow();
    for (const log of recovered.logs) { this.release(log, 0); }
    this.enforceCaps();
    this.hooks.changed();
  }

  // ---- logs ---------------------------------------------------------------------------------------

  private rotation: Promise<void> = Promise.resolve();

  /** Switches to a new log, one switch at a time. */
  private rotateLog(): Promise<void> {
    this.rotation = this.rotation.then(() => this.openLog()).catch((e: Error) => this.hooks.problem(`Could not start a new queue log (${e.message}); the current one is kept.`));
    return this.rotation;
  }

  private async openLog(): Promise<void> {
    const previous = this.log as GroupCommitLog | undefined;
    const previousName = this.logName;
    const name = newLogName(this.clock.now());
    const { handle, size } = await this.files.openAppend(joinPath(this.dir, name));
    this.log = new GroupCommitLog(handle, size, this.clock, this.groupCommit);
    this.logName = name;
    this.logLive.set(name, this.logLive.get(name) ?? 0);
    if (previous) {
      await previous.close().catch(() => {});
      this.closedLogStats.writes += previous.writes;
      this.closedLogStats.syncs += previous.syncs;
      this.release(previousName, 0);
    }
  }

  /** `count` events of `log` left it for good; a log that holds nothing more (and is not current) is deleted. */
  private release(log: string, count: number): void {
    const left = (this.logLive.get(log) ?? 0) - count;
    if (left > 0 || log === this.logName) { this.logLive.set(log, Math.max(0, left)); return; }
    this.logLive.delete(log);
    void this.files.remove(joinPath(this.dir, log)).catch(() => {});
  }

  /** Writes what is pending and closes the log (at shutdown). */
  async close(): Promise<void> {
    await this.rotation;
    await this.settled();
    await this.log.close();
    // A log that holds nothing still waiting goes: the next session then has nothing to repair, and does
    // not load the repair and the event validator only to read an empty file.
    if (!this.logLive.get(this.logName)) { await this.files.remove(joinPath(this.dir, this.logName)).catch(() => {}); }
  }

  private closedLogStats = { writes: 0, syncs: 0 };

  /** For the benchmark and tests: writes and disk flushes of every log this queue opened. */
  get logStats(): { writes: number; syncs: number } {
    return { writes: this.closedLogStats.writes + this.log.writes, syncs: this.closedLogStats.syncs + this.log.syncs };
  }
}

function checkLimits(limits: QueueLimits): QueueLimits {
  const batchEvents = Math.max(1, Math.min(500, Math.floor(limits.batchEvents)));
  return { ...limits, batchEvents, maxEvents: Math.max(limits.maxEvents, 2 * batchEvents) };
}
