// Sends sealed batches to the endpoint, one at a time and in the order they were sealed (PROTOCOL.md §8),
// and acts on each answer: delivered → the events leave the queue; retryable → wait (Retry-After, or
// exponential backoff with full jitter) and send the same bytes again; 413 → split and resend; refused
// for good → the events move to the refused list with the endpoint's reason; 401/403 (token or ownership)
// → held: the events stay queued and sending waits for the user to change the token or the endpoint
// (or for HOLD_RETRY_MS). There is no attempt limit: events give up only by age or by the queue's bounds,
// which the queue counts.
import type * as Zlib from 'node:zlib';
import type { IngestResponse, RejectedEvent } from '../../../generated/types';
import { backoffDelay, HOLD_RETRY_MS } from '../../../protocol/retry';
import { allowsKind, type ConsentState } from '../consent/consent';
import type { Ledger } from '../ledger/ledger';
import type { Records } from '../ledger/records';
import type { EventMeta } from '../queue/queued-event';
import type { Queue } from '../queue/queue';
import type { SealedBatch } from '../queue/sealed-batch';
import type { Clock, TimerHandle } from '../ports/clock';
import { INGEST_TOKEN_KEY, type Secrets } from '../ports/secrets';
import { TransportError, type HttpResponse, type Transport } from '../ports/transport';
import type { LazyValidators } from '../ports/validators';
import { interpret, type Outcome } from './answer';

// zlib is loaded at the first large body, not with the pipeline (it takes milliseconds to load).
let zlib: typeof Zlib | undefined;
const gzip = (data: Uint8Array) => new Promise<Buffer>((resolve, reject) => {
  zlib ??= require('node:zlib') as typeof Zlib;
  zlib.gzip(data, (error, out) => (error ? reject(error) : resolve(out)));
});

/** Bodies above this are sent gzip-compressed (PROTOCOL.md §4: SHOULD above 4 KiB). */
export const GZIP_ABOVE_BYTES = 4096;
/** How long one attempt may take before it counts as a timeout. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface DeliverySettings {
  /** Base URL (ends with `/`), or undefined: nothing is sent. */
  readonly endpoint: string | undefined;
  readonly reviewBeforeSend: boolean;
  readonly paused: boolean;
}

export interface DeliveryDeps {
  /** The queue, once it is open. */
  readonly queue: () => Queue | undefined;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly secrets: Secrets;
  readonly validators: LazyValidators;
  readonly ledger: Ledger;
  readonly records: Records;
  readonly random: () => number;
  readonly consent: () => ConsentState;
  /** Events that must be approved before their first delivery even outside review mode (new catalogue names, issue 7). */
  readonly needsApproval: (event: EventMeta) => boolean;
  /** Removes events whose kind consent no longer allows (the pipeline counts them). */
  readonly purgeDisallowed: () => Promise<void>;
  /** Rereads the shared identity; false (and the batch purged) when its installation was forgotten meanwhile. */
  readonly stillOurs: (batch: SealedBatch) => Promise<boolean>;
  readonly changed: () => void;
  /** A batch was stored by the endpoint (for the heartbeat's counter and the first-delivery milestone). */
  readonly delivered: (batch: SealedBatch) => void;
  /** How long one attempt may take (default REQUEST_TIMEOUT_MS). */
  readonly requestTimeoutMs?: number;
}

export interface RetryState {
  readonly batchId: string;
  readonly failures: number;
  readonly nextAttemptAt: number;
  readonly lastError: string;
  /** Held by a 401/403: waits for a new token or endpoint (credentialsChanged, configure), else HOLD_RETRY_MS. */
  readonly held?: true;
}

export class DeliveryLoop {
  private settings: DeliverySettings = { endpoint: undefined, reviewBeforeSend: false, paused: false };
  private retry: RetryState | undefined;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private abort: AbortController | undefined;
  private readonly gzipped = new WeakMap<SealedBatch, Uint8Array>();
  private stopped = false;
  /** The bytes of the most recent answered batches, for the panel's history. */
  private readonly recentBodies = new Map<string, string>();
  /** The last attempt that failed, for the status bar; cleared by the next success. */
  lastFailure: { readonly message: string; readonly at: number; readonly held?: true } | undefined;

  constructor(private readonly deps: DeliveryDeps) {}

  configure(settings: DeliverySettings): void {
    const endpointChanged = settings.endpoint !== this.settings.endpoint;
    this.settings = settings;
    // A new endpoint starts with a clean slate: the old one's backoff says nothing about it.
    if (endpointChanged) { this.retry = undefined; }
    this.kick();
  }

  get current(): DeliverySettings { return this.settings; }
  get retryState(): RetryState | undefined { return this.retry; }

  /** Whether this batch may be sent as far as the user is concerned (review mode, new event names). */
  isCleared(batch: SealedBatch): boolean {
    const needs = this.settings.reviewBeforeSend || batch.events.some((e) => this.deps.needsApproval(e));
    return !needs || this.deps.queue()?.approvalOf(batch.batchId) === batch.sha256;
  }

  /** Sends what may be sent, soon. Safe to call at any time, any number of times. */
  kick(): void {
    if (this.stopped) { return; }
    if (this.running) { this.again = true; return; }
    this.running = this.pump(Number.POSITIVE_INFINITY).finally(() => {
      this.running = undefined;
      if (this.again) { this.again = false; this.kick(); }
    });
  }

  /**
   * The ingest token was set or removed (here or in another window): a batch held by a 401/403 is tried
   * again now, since the user may just have fixed what stopped it.
   */
  credentialsChanged(): void {
    if (this.retry?.held) { this.retry = undefined; }
    this.kick();
  }

  /** Forgets the backoff and sends now (the "send now" command). */
  sendNow(): Promise<void> {
    if (this.retry) { this.retry = { ...this.retry, nextAttemptAt: this.deps.clock.now() }; }
    this.kick();
    return this.idle();
  }

  /** Resolves when no delivery is running. */
  async idle(): Promise<void> {
    while (this.running) { await this.running; }
  }

  /** Cancels the attempt in flight (consent withdrawn, data deleted): the batch stays queued unless purged. */
  abortInFlight(): void { this.abort?.abort(); }

  /** At shutdown: one last round within `deadlineMs`, then stop. What is left stays on disk. */
  async finalRound(deadlineMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) { this.deps.clock.clearTimeout(this.timer); this.timer = undefined; }
    const deadline = this.deps.clock.now() + deadlineMs;
    const cut = this.deps.clock.setTimeout(() => this.abort?.abort(), deadlineMs);
    try {
      await this.idle();
      if (this.retry && this.retry.nextAttemptAt > this.deps.clock.now()) { return; }
      await this.pump(deadline);
    } finally { this.deps.clock.clearTimeout(cut); }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) { this.deps.clock.clearTimeout(this.timer); this.timer = undefined; }
    this.abort?.abort();
  }

  /** The exact bytes of a recently answered batch, if still kept (the last 20). */
  deliveredBody(batchId: string): string | undefined { return this.recentBodies.get(batchId); }

  private remember(batch: SealedBatch): void {
    this.recentBodies.set(batch.batchId, batch.body);
    if (this.recentBodies.size > 20) { this.recentBodies.delete(this.recentBodies.keys().next().value!); }
  }

  private schedule(at: number): void {
    if (this.timer) { this.deps.clock.clearTimeout(this.timer); }
    this.timer = this.deps.clock.setTimeout(() => { this.timer = undefined; this.kick(); }, Math.max(0, at - this.deps.clock.now()));
  }

  /** The next batch to send: the oldest cleared one. Outside review mode, an uncleared batch holds the line. */
  private next(queue: Queue): SealedBatch | undefined {
    for (const batch of queue.sealedBatches()) {
      if (this.isCleared(batch)) { return batch; }
      if (!this.settings.reviewBeforeSend) { return undefined; }
    }
    return undefined;
  }

  private async pump(deadline: number): Promise<void> {
    for (;;) {
      const { endpoint, paused } = this.settings;
      const queue = this.deps.queue();
      if (!endpoint || paused || !queue) { return; }
      const consent = this.deps.consent();
      if (!consent.errorsAllowed) { return; }
      await queue.expire();
      const batch = this.next(queue);
      if (!batch) { return; }
      const now = this.deps.clock.now();
      if (now >= deadline) { return; }
      if (this.retry && this.retry.nextAttemptAt > now) {
        if (deadline === Number.POSITIVE_INFINITY) { this.schedule(this.retry.nextAttemptAt); }
        return;
      }
      // Consent is checked again at send time: an event whose kind is no longer allowed never leaves.
      if (!batch.events.every((e) => allowsKind(consent, e.kind))) { await this.deps.purgeDisallowed(); continue; }
      // Another window may have forgotten this installation ("delete my data") since the batch was sealed.
      if (!(await this.deps.stillOurs(batch))) { continue; }
      const outcome = await this.send(queue, batch, endpoint, Math.min(this.deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, deadline - now));
      if (this.stopped && deadline === Number.POSITIVE_INFINITY) { return; }
      const proceed = await this.apply(queue, batch, endpoint, outcome);
      if (!proceed) { return; }
    }
  }

  private async send(queue: Queue, batch: SealedBatch, endpoint: string, timeoutMs: number): Promise<Outcome> {
    const { clock, transport } = this.deps;
    queue.setInFlight(batch.batchId);
    this.abort = new AbortController();
    try {
      const token = await this.deps.secrets.get(INGEST_TOKEN_KEY).catch(() => undefined);
      const body = await this.bodyOf(batch);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        // Each attempt says when it was made; the body (and its sentAt) never changes (PROTOCOL.md §4).
        'candor-sent-at': new Date(clock.now()).toISOString(),
        ...(batch.bytes > GZIP_ABOVE_BYTES ? { 'content-encoding': 'gzip' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      };
      this.deps.ledger.record(batch.events.map((e) => e.id), { step: 'sent', at: new Date(clock.now()).toISOString(), batchId: batch.batchId, detail: endpoint });
      let answer: HttpResponse | TransportError;
      try {
        answer = await transport.request({ method: 'POST', url: `${endpoint}v1/batch`, headers, body, timeoutMs, signal: this.abort.signal });
      } catch (error) {
        answer = error instanceof TransportError ? error : new TransportError('network', (error as Error).message);
      }
      const validate = await this.deps.validators.get<IngestResponse>('ingest-response');
      return interpret(answer, { batchId: batch.batchId, sha256: batch.sha256, eventCount: batch.events.length }, validate, clock.now());
    } finally {
      this.abort = undefined;
      queue.setInFlight(undefined);
    }
  }

  private async bodyOf(batch: SealedBatch): Promise<Uint8Array> {
    const raw = Buffer.from(batch.body, 'utf8');
    if (batch.bytes <= GZIP_ABOVE_BYTES) { return raw; }
    let zipped = this.gzipped.get(batch);
    if (!zipped) { zipped = await gzip(raw); this.gzipped.set(batch, zipped); }
    return zipped;
  }

  /** Acts on an answer. Returns whether to go on with the next batch now. */
  private async apply(queue: Queue, batch: SealedBatch, endpoint: string, outcome: Outcome): Promise<boolean> {
    const { ledger, records, clock } = this.deps;
    const at = new Date(clock.now()).toISOString();
    const ids = batch.events.map((e) => e.id);
    switch (outcome.kind) {
      case 'delivered': {
        const { response } = outcome;
        const refused = new Map(response.rejected.filter((r) => r.index >= 0 && r.index < batch.events.length).map((r) => [r.index, r]));
        const rejected: RejectedEvent[] = [];
        batch.events.forEach((e, i) => {
          const r = refused.get(i);
          if (!r) { return; }
          const message = r.errors.map((err) => `${err.pointer} ${err.message}`).join('; ').slice(0, 1024);
          rejected.push({ eventId: e.id, name: e.name, extension: e.extension, batchId: batch.batchId, code: r.code, message, at });
          ledger.record([e.id], { step: 'rejected', at, batchId: batch.batchId, code: r.code, detail: message.slice(0, 512) });
        });
        // The answer counts duplicates but does not say which; an event is "duplicate" only when all were.
        const stored = ids.filter((_, i) => !refused.has(i));
        ledger.record(stored, { step: response.accepted === 0 && response.duplicates > 0 ? 'duplicate' : 'accepted', at, batchId: batch.batchId });
        records.addRejected(rejected);
        records.addDelivery({
          batchId: batch.batchId, endpoint, at, outcome: rejected.length > 0 ? 'partial' : 'delivered', httpStatus: outcome.status,
          bytes: batch.bytes, eventCount: ids.length, accepted: response.accepted, duplicates: response.duplicates,
          rejected: response.rejected.length, bytesConfirmed: outcome.bytesConfirmed,
        });
        this.retry = undefined;
        this.lastFailure = undefined;
        this.remember(batch);
        await queue.complete(batch.batchId);
        this.deps.delivered(batch);
        return true;
      }
      case 'retry': {
        // Cancelled by Candor itself (consent withdrawn, data deleted, shutdown): not the endpoint's failure.
        if (outcome.aborted) { return false; }
        const failures = (this.retry?.failures ?? 0) + 1;
        const now = clock.now();
        // Retry-After when the endpoint gave one; else full jitter from about 1 s up to 5 minutes.
        const wait = outcome.waitMs ?? backoffDelay(failures - 1, this.deps.random);
        this.retry = { batchId: batch.batchId, failures, nextAttemptAt: now + wait, lastError: outcome.message };
        this.lastFailure = { message: outcome.message, at: now };
        this.deps.changed();
        if (!this.stopped) { this.schedule(now + wait); }
        return false;
      }
      case 'held': {
        // Not a verdict on the events: they stay queued (the age limit and the disk cap still apply), and
        // resending the same batch before the user acts would only repeat the answer.
        const now = clock.now();
        this.retry = { batchId: batch.batchId, failures: (this.retry?.failures ?? 0) + 1, nextAttemptAt: now + HOLD_RETRY_MS, lastError: outcome.message, held: true };
        this.lastFailure = { message: outcome.message, at: now, held: true };
        this.deps.changed();
        if (!this.stopped) { this.schedule(now + HOLD_RETRY_MS); }
        return false;
      }
      case 'split': {
        await queue.split(batch.batchId);
        return true;
      }
      case 'refused': {
        const code = 'rejected_by_endpoint' as const;
        records.addRejected(batch.events.map((e) => ({ eventId: e.id, name: e.name, extension: e.extension, batchId: batch.batchId, code, message: outcome.message, at })));
        ledger.record(ids, { step: 'rejected', at, batchId: batch.batchId, code, detail: outcome.message });
        records.addDelivery({
          batchId: batch.batchId, endpoint, at, outcome: 'refused', httpStatus: outcome.status, bytes: batch.bytes,
          eventCount: ids.length, accepted: 0, duplicates: 0, rejected: ids.length, bytesConfirmed: false,
        });
        this.retry = undefined;
        this.lastFailure = { message: outcome.message, at: clock.now() };
        this.remember(batch);
        await queue.complete(batch.batchId);
        return true;
      }
    }
  }
}
