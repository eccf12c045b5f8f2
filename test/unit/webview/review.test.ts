// Review before send: approvals name the digest of the bytes shown, only for sealed batches awaiting
// review, and never when the extension's digest disagrees with the bytes; discards name event ids.
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../webview/src/model/digest';
import { PendingIndex } from '../../../webview/src/model/pending-index';
import { discardIds, MAX_DISCARD_IDS, planApproval, whollySelectedBatches } from '../../../webview/src/model/review';
import { pendingBatches, sha256 } from '../../fixtures/panel-state';

describe('planApproval', () => {
  it('approves batches awaiting review with the SHA-256 of their bytes', async () => {
    const batches = pendingBatches({ batches: 4, eventsPerBatch: 3, status: (b) => (['awaitingReview', 'collecting', 'awaitingReview', 'ready'] as const)[b]! });
    const index = new PendingIndex();
    index.update(batches);
    const plan = await planApproval(index.batches, sha256Hex);
    expect(plan.approve).toEqual([0, 2].map((i) => ({ batchId: batches[i]!.batchId, sha256: sha256(batches[i]!.body) })));
    expect(plan.skipped).toEqual([
      { batchId: batches[1]!.batchId, reason: 'it is collecting, not awaiting review' },
      { batchId: batches[3]!.batchId, reason: 'it is ready, not awaiting review' },
    ]);
  });

  it('refuses to approve a batch whose bytes do not match the digest the extension gave', async () => {
    const [b] = pendingBatches({ batches: 1, eventsPerBatch: 2 });
    const index = new PendingIndex();
    index.update([{ ...b!, sha256: sha256('other bytes') }]);
    const plan = await planApproval(index.batches, sha256Hex);
    expect(plan.approve).toEqual([]);
    expect(plan.skipped[0]!.reason).toMatch(/do not match the digest/);
  });
});

describe('selection for review', () => {
  const index = new PendingIndex();
  index.update(pendingBatches({ batches: 3, eventsPerBatch: 4 }));

  it('approves only batches whose every event is selected, and names the partly selected ones', () => {
    const selected = new Set([...index.batches[0]!.events.map((e) => e.key), index.batches[2]!.events[1]!.key]);
    const { whole, partial } = whollySelectedBatches(index, selected);
    expect(whole.map((b) => b.batch.batchId)).toEqual([index.batches[0]!.batch.batchId]);
    expect(partial.map((b) => b.batch.batchId)).toEqual([index.batches[2]!.batch.batchId]);
  });

  it('discards by unique event ids, in messages of at most 10,000, counting events without an id', () => {
    const events = [...index.events, index.events[0]!, { ...index.events[1]!, id: undefined }];
    const { chunks, unnamed } = discardIds(events);
    expect(chunks).toEqual([index.events.map((e) => e.id)]);
    expect(unnamed).toBe(1);
    const many = Array.from({ length: MAX_DISCARD_IDS + 5 }, (_, i) => ({ ...index.events[0]!, id: `id-${i}` }));
    expect(discardIds(many).chunks.map((c) => c.length)).toEqual([MAX_DISCARD_IDS, 5]);
  });
});
