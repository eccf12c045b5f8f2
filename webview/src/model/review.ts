// Review before send: what an approval or a discard asks of the extension. Approval is by batch (the
// endpoint receives batches), with the digest of the bytes shown; discarding is by event, for good.
import type { BatchDigest } from '../../../generated/types';
import type { PendingEvent, PendingIndex, ReadBatch } from './pending-index';

export interface ApprovalPlan {
  readonly approve: readonly BatchDigest[];
  /** Batches that were asked for but are not approved, with the reason, for the user. */
  readonly skipped: readonly { readonly batchId: string; readonly reason: string }[];
}

/** Only sealed batches that wait for review can be approved; a collecting batch's bytes may still change. */
export const awaitsReview = (b: ReadBatch) => b.batch.status === 'awaitingReview';

export async function planApproval(batches: readonly ReadBatch[], digest: (text: string) => Promise<string>): Promise<ApprovalPlan> {
  const approve: BatchDigest[] = [];
  const skipped: { batchId: string; reason: string }[] = [];
  for (const b of batches) {
    if (!awaitsReview(b)) { skipped.push({ batchId: b.batch.batchId, reason: `it is ${b.batch.status}, not awaiting review` }); continue; }
    const shown = await digest(b.batch.body);
    if (shown !== b.batch.sha256) {
      // The extension's digest and the bytes it sent disagree: approving either would approve something unseen.
      skipped.push({ batchId: b.batch.batchId, reason: 'its bytes do not match the digest the extension gave for them' });
      continue;
    }
    approve.push({ batchId: b.batch.batchId, sha256: shown });
  }
  return { approve, skipped };
}

/** The batches of which every event is selected: approving a batch approves all of its bytes. */
export function whollySelectedBatches(index: PendingIndex, selected: ReadonlySet<string>): { whole: ReadBatch[]; partial: ReadBatch[] } {
  const whole: ReadBatch[] = [];
  const partial: ReadBatch[] = [];
  for (const b of index.batches) {
    const n = b.events.filter((e) => selected.has(e.key)).length;
    if (n > 0 && n === b.events.length) { whole.push(b); } else if (n > 0) { partial.push(b); }
  }
  return { whole, partial };
}

/** The most event ids one `discard` message may carry (from-webview schema). */
export const MAX_DISCARD_IDS = 10_000;

/** The ids to discard, unique, in messages of at most MAX_DISCARD_IDS; events without a usable id cannot be named. */
export function discardIds(events: readonly PendingEvent[]): { chunks: string[][]; unnamed: number } {
  const ids = [...new Set(events.flatMap((e) => (e.id ? [e.id] : [])))];
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += MAX_DISCARD_IDS) { chunks.push(ids.slice(i, i + MAX_DISCARD_IDS)); }
  return { chunks, unnamed: events.filter((e) => !e.id).length };
}
