// A sealed batch: the exact bytes of one `POST /v1/batch` body (PROTOCOL.md §4), made once and never
// changed. Every retry sends these bytes, the panel shows these bytes with their SHA-256, and an approval
// in review mode names that digest. The body is concatenated from the events' stored lines, so what was
// queued is byte for byte what is sent.
import { createHash } from 'node:crypto';
import type { Batch, CandorEvent } from '../../../generated/types';
import { SPEC_VERSION } from '../../../protocol/limits';
import { metaOf, type EventMeta, type QueuedEvent } from './queued-event';

export interface SealedBatch {
  readonly batchId: string;
  readonly installationId: string;
  readonly body: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly events: readonly EventMeta[];
  /** Time of the oldest event, for the age limit. */
  readonly oldestAt: number;
  readonly sealedAt: number;
  /** Batches this one replaces (a 413 split, or a purge that kept some events). */
  readonly replaces: readonly string[];
}

/** What a batch adds around its events: everything but the events' own bytes and the commas between them. */
export function batchOverhead(batchId: string, sentAt: string, installationId: string, ownerKeyHash: string): number {
  return Buffer.byteLength(head(batchId, sentAt, installationId, ownerKeyHash)) + 2;
}

function head(batchId: string, sentAt: string, installationId: string, ownerKeyHash: string): string {
  return `{"specVersion":${JSON.stringify(SPEC_VERSION)},"batchId":"${batchId}","sentAt":"${sentAt}","installationId":"${installationId}","ownerKeyHash":"${ownerKeyHash}","events":[`;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface SealInput {
  readonly batchId: string;
  readonly sealedAt: number;
  readonly installationId: string;
  readonly ownerKeyHash: string;
  readonly events: readonly QueuedEvent[];
  readonly replaces?: readonly string[];
}

export function sealBatch(input: SealInput): SealedBatch {
  const sentAt = new Date(input.sealedAt).toISOString();
  let body = head(input.batchId, sentAt, input.installationId, input.ownerKeyHash);
  let oldestAt = Number.POSITIVE_INFINITY;
  const events: EventMeta[] = [];
  for (let i = 0; i < input.events.length; i++) {
    const e = input.events[i]!;
    body += i === 0 ? e.line : `,${e.line}`;
    if (e.at < oldestAt) { oldestAt = e.at; }
    events.push({ id: e.id, kind: e.kind, name: e.name, extension: e.extension, installationId: e.installationId, at: e.at });
  }
  body += ']}';
  return {
    batchId: input.batchId, installationId: input.installationId, body, bytes: Buffer.byteLength(body), sha256: sha256Hex(body),
    events, oldestAt: Number.isFinite(oldestAt) ? oldestAt : input.sealedAt, sealedAt: input.sealedAt, replaces: input.replaces ?? [],
  };
}

/** The events of a sealed batch again, as lines (for a split or a purge); JSON.stringify gives back the same bytes. */
export function eventsOf(batch: SealedBatch): QueuedEvent[] {
  const parsed = JSON.parse(batch.body) as Batch;
  return parsed.events.map((event: CandorEvent) => {
    const line = JSON.stringify(event);
    return { ...metaOf(event), line, bytes: Buffer.byteLength(line) };
  });
}

/** The batch file: one line of metadata (to check the body against), then the body. */
export function batchFileText(batch: SealedBatch): string {
  const meta = { v: 1, batchId: batch.batchId, sha256: batch.sha256, bytes: batch.bytes, eventCount: batch.events.length, sealedAt: batch.sealedAt, replaces: batch.replaces };
  return `${JSON.stringify(meta)}\n${batch.body}`;
}

export interface BatchFileMeta { readonly batchId: string; readonly sha256: string; readonly bytes: number; readonly eventCount: number; readonly sealedAt: number; readonly replaces: readonly string[] }

/** Reads a batch file; throws with what is wrong when it is damaged. The events themselves are checked by the caller. */
export function parseBatchFile(text: string, expectedId: string): { meta: BatchFileMeta; body: string; batch: Batch } {
  const newline = text.indexOf('\n');
  if (newline < 0) { throw new Error('no metadata line'); }
  const meta = JSON.parse(text.slice(0, newline)) as Partial<BatchFileMeta> & { v?: unknown };
  if (meta.v !== 1 || meta.batchId !== expectedId || typeof meta.sha256 !== 'string' || typeof meta.sealedAt !== 'number'
    || typeof meta.eventCount !== 'number' || !Array.isArray(meta.replaces) || !meta.replaces.every((r) => typeof r === 'string')) {
    throw new Error('metadata line is not a batch header');
  }
  const body = text.slice(newline + 1);
  if (sha256Hex(body) !== meta.sha256) { throw new Error('body does not match its SHA-256 (damaged)'); }
  const batch = JSON.parse(body) as Batch;
  if (batch === null || typeof batch !== 'object' || batch.batchId !== expectedId || !Array.isArray(batch.events) || batch.events.length !== meta.eventCount
    || typeof batch.installationId !== 'string') {
    throw new Error('body is not the batch its header describes');
  }
  return { meta: meta as BatchFileMeta, body, batch };
}
