// The PanelModel of the pipeline (see panel-model.ts): one snapshot of everything the panel shows,
// built from the queue's own bytes — each pending batch's body is the exact string that will be sent,
// with its SHA-256 — and the actions the panel asks for, decided here. Showing a sealed batch is a
// step in its events' ledger; an approval names the digest of the bytes shown and covers nothing else.
import type { BatchDigest, EventCatalogue, PendingBatch, ViewState } from '../../../generated/types';
import candorCatalogue from '../builtin/candor.catalogue.json';
import type { Pipeline } from '../pipeline';
import { sealBatch, type SealedBatch } from '../queue/sealed-batch';
import type { ActionResult, PanelModel, Subscription } from './panel-model';

/** The panel shows at most this many pending batches (the schema's bound; the queue holds fewer by default). */
const MAX_PENDING_SHOWN = 10_000;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export class PipelinePanel implements PanelModel {
  private readonly shown = new Set<string>();
  private preview: { key: string; batch: SealedBatch } | undefined;

  constructor(private readonly pipeline: Pipeline, private readonly catalogues: () => EventCatalogue[]) {}

  snapshot(): ViewState {
    const p = this.pipeline;
    const c = p.consent;
    const pending: PendingBatch[] = [];
    const collecting = this.collectingPreview();
    if (collecting) { pending.push(this.pending(collecting, 'collecting')); }
    const retry = p.delivery.retryState;
    const newlyShown: SealedBatch[] = [];
    for (const batch of p.queue?.sealedBatches() ?? []) {
      if (pending.length >= MAX_PENDING_SHOWN) { break; }
      const cleared = p.delivery.isCleared(batch);
      if (!cleared) { pending.push(this.pending(batch, 'awaitingReview')); }
      else if (retry && retry.batchId === batch.batchId) {
        pending.push({ ...this.pending(batch, 'retrying'), nextAttemptAt: new Date(retry.nextAttemptAt).toISOString(), lastError: clip(retry.lastError, 512) });
      } else { pending.push(this.pending(batch, 'ready')); }
      if (!this.shown.has(batch.batchId)) { this.shown.add(batch.batchId); newlyShown.push(batch); }
    }
    const at = new Date(this.now()).toISOString();
    for (const batch of newlyShown) { p.ledger.record(batch.events.map((e) => e.id), { step: 'shown', at, batchId: batch.batchId }); }
    return {
      consent: {
        telemetryLevel: c.editorLevel, candorEnabled: c.candorEnabled, endpoint: c.endpoint ?? null,
        usageAllowed: c.usageAllowed, errorsAllowed: c.errorsAllowed, explanation: clip(c.explanation, 512),
      },
      reviewBeforeSend: p.settings.reviewBeforeSend,
      paused: p.isPaused,
      pending,
      history: [...p.records.history],
      rejected: [...p.records.rejected],
      drops: { ...p.records.drops } as ViewState['drops'],
      // Candor's own first, then those of the extensions that report through it.
      catalogues: [candorCatalogue as EventCatalogue, ...this.catalogues().filter((c) => c.extension !== candorCatalogue.extension)].slice(0, 256),
    };
  }

  private now(): number { return this.pipeline.now(); }

  private pending(batch: SealedBatch, status: PendingBatch['status']): PendingBatch {
    return { batchId: batch.batchId, status, body: batch.body, sha256: batch.sha256, bytes: batch.bytes, eventCount: batch.events.length };
  }

  /**
   * The batch that is still collecting, as it would be sealed now. Its bytes change as events join, so
   * it can be looked at but not approved; it gets its final bytes (and id) when it is sealed.
   */
  private collectingPreview(): SealedBatch | undefined {
    const queue = this.pipeline.queue;
    const events = queue?.collectingEvents() ?? [];
    const first = events[0];
    if (!first) { return undefined; }
    const key = `${first.id}:${events.length}:${events[events.length - 1]!.id}`;
    if (this.preview?.key === key) { return this.preview.batch; }
    const ownerKeyHash = this.pipeline.identity.ownerKeyHashOf(first.installationId) ?? '0'.repeat(64);
    const sameInstallation = events.filter((e) => e.installationId === first.installationId);
    // A preview id shaped like a batch id; the real one is made at sealing.
    const batch = sealBatch({ batchId: first.id, sealedAt: this.now(), installationId: first.installationId, ownerKeyHash, events: sameInstallation });
    this.preview = { key, batch };
    return batch;
  }

  onDidChange(listener: () => void): Subscription { return this.pipeline.onDidChange(listener); }

  async approve(batches: readonly BatchDigest[]): Promise<ActionResult> {
    const queue = this.pipeline.queue;
    if (!queue) { return { ok: false, message: 'Nothing is waiting to be sent.' }; }
    const approved: string[] = [];
    const refused: string[] = [];
    for (const { batchId, sha256 } of batches) {
      const batch = queue.batch(batchId);
      if (batch && (await queue.approve(batchId, sha256))) {
        approved.push(batchId);
        this.pipeline.approvedByUser(batch.events);
        this.pipeline.ledger.record(batch.events.map((e) => e.id), { step: 'approved', at: new Date(this.now()).toISOString(), batchId });
      } else { refused.push(batchId); }
    }
    this.pipeline.delivery.kick();
    if (refused.length > 0) {
      return { ok: false, message: `${approved.length} batch(es) approved; ${refused.length} not approved because they are no longer waiting or their bytes differ from what was shown (${refused.slice(0, 3).join(', ')}). Look at them again and approve what you see.` };
    }
    return { ok: true, message: `${approved.length} batch(es) approved; they will be sent as shown.` };
  }

  async discard(eventIds: readonly string[]): Promise<ActionResult> {
    const queue = this.pipeline.queue;
    const ids = new Set(eventIds);
    if (!queue || ids.size === 0) { return { ok: false, message: 'No events to discard.' }; }
    const removed = await queue.purge((e) => ids.has(e.id), 'discarded_in_review');
    const missed = ids.size - removed;
    return removed > 0
      ? { ok: missed === 0, message: `${removed} event(s) discarded for good${missed > 0 ? `; ${missed} could not be (already sent, being sent, or unknown)` : ''}.` }
      : { ok: false, message: 'None of these events is waiting any more (already sent, being sent, or unknown).' };
  }

  async sendNow(): Promise<ActionResult> {
    const p = this.pipeline;
    if (!p.consent.errorsAllowed) { return { ok: false, message: p.consent.explanation }; }
    if (p.isPaused) { return { ok: false, message: 'Sending is paused; resume it first.' }; }
    await p.sendNow();
    const status = p.status();
    if (status.lastFailure) { return { ok: false, message: `The last attempt failed: ${status.lastFailure.message}` }; }
    if (status.awaitingReview > 0) { return { ok: true, message: `Sent what was approved; ${status.awaitingReview} batch(es) wait for your review.` }; }
    return { ok: true, message: status.pendingEvents === 0 ? 'Everything was sent.' : `${status.pendingEvents} event(s) still wait.` };
  }

  async setPaused(paused: boolean): Promise<ActionResult> {
    this.pipeline.setPaused(paused);
    return { ok: true, message: paused ? 'Sending is paused. Events are still recorded and wait on disk.' : 'Sending resumed.' };
  }

  async deliveredBytes(batchId: string): Promise<string | undefined> {
    return this.pipeline.delivery.deliveredBody(batchId);
  }
}
