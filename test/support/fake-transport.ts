// An endpoint in memory, speaking the protocol's answers: it stores each event id once per installation
// (as PROTOCOL.md §4 requires), answers with ingest responses, and can be told to fail in any of the
// ways a real network or endpoint fails. Requests are recorded with their exact bytes.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Batch, CandorEvent, IngestResponse } from '../../generated/types';
import { ownerKeyHash } from '../../protocol/owner-key';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../../extension/core/ports/transport';

export function response(status: number, body: unknown = '', headers: Record<string, string> = {}): HttpResponse {
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, header: (name) => lower[name.toLowerCase()], body: bytes, truncated: false };
}

export function problem(status: number, code: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): HttpResponse {
  return response(status, { type: `urn:candor:problem:${code}`, title: code, status, code, detail: `test ${code}`, ...extra }, { 'content-type': 'application/problem+json', ...headers });
}

export interface Received {
  readonly request: HttpRequest;
  /** The body after decompression, as text. */
  readonly text: string;
  readonly batch?: Batch;
}

export type Fault = (request: HttpRequest, received: Received) => HttpResponse | TransportError | 'commit-then-reset' | undefined;

export class FakeEndpoint implements Transport {
  readonly received: Received[] = [];
  /** Stored event ids per installation, with how many times each was stored (must stay 1). */
  readonly stored = new Map<string, Map<string, number>>();
  private faults: Fault[] = [];
  /** Per-event verdicts the endpoint gives (by event name), like an older endpoint refusing a field. */
  readonly refuseNames = new Map<string, string>();
  /** What it keeps per installation, for the export and deletion routes. */
  readonly events = new Map<string, CandorEvent[]>();
  readonly owners = new Map<string, string>();

  /** The next requests are answered by `fault` (first `times` requests, default 1). */
  failNext(fault: Fault, times = 1): void { for (let i = 0; i < times; i++) { this.faults.push(fault); } }
  clearFaults(): void { this.faults = []; }

  eventIds(): string[] { return [...this.stored.values()].flatMap((m) => [...m.keys()]); }
  batches(): Batch[] { return this.received.flatMap((r) => (r.batch ? [r.batch] : [])); }

  async request(request: HttpRequest): Promise<HttpResponse> {
    if (request.signal?.aborted) { throw new TransportError('aborted', 'aborted'); }
    const raw = request.body ? Buffer.from(request.body) : Buffer.alloc(0);
    const text = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    let batch: Batch | undefined;
    try { batch = request.method === 'POST' ? (JSON.parse(text) as Batch) : undefined; } catch { batch = undefined; }
    const received: Received = { request, text, ...(batch ? { batch } : {}) };
    this.received.push(received);
    const fault = this.faults.shift()?.(request, received);
    if (fault instanceof TransportError) { throw fault; }
    if (fault === 'commit-then-reset') { this.ingest(batch!, text); throw new TransportError('network', 'socket hang up (ECONNRESET)'); }
    if (fault) { return fault; }
    const rights = /\/v1\/installations\/([0-9a-f-]{36})(\/events)?(\?.*)?$/.exec(request.url);
    if (rights) { return this.rights(request, rights[1]!, request.method === 'GET' && rights[2] !== undefined); }
    if (request.method !== 'POST' || !request.url.endsWith('/v1/batch')) { return problem(404, 'not_found'); }
    if (!batch) { return problem(400, 'invalid_json'); }
    return response(200, this.ingest(batch, text), { 'content-type': 'application/json' });
  }

  private rights(request: HttpRequest, installationId: string, isExport: boolean): HttpResponse {
    const secret = request.headers['candor-installation-secret'];
    const owner = this.owners.get(installationId);
    if (!owner) { return problem(404, 'not_found'); }
    if (!secret) { return problem(401, 'unauthorized'); }
    if (ownerKeyHash(secret) !== owner) { return problem(403, 'forbidden'); }
    const events = this.events.get(installationId) ?? [];
    const now = new Date().toISOString();
    if (isExport) {
      const url = new URL(request.url);
      const limit = Number(url.searchParams.get('limit') ?? 1000);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const page = events.slice(start, start + limit).map((event) => ({ event, receivedAt: now, sentAt: now, correctedTimestamp: event.timestamp }));
      const next = start + limit < events.length ? String(start + limit) : null;
      return response(200, { installationId, exportedAt: now, events: page, nextCursor: next });
    }
    if (request.method !== 'DELETE') { return problem(405, 'method_not_allowed'); }
    this.owners.delete(installationId);
    this.events.delete(installationId);
    this.stored.delete(installationId);
    return response(200, { receiptId: '01936d3c-6b10-7c2d-8e4f-5a6b7c8d9e0f', installationId, deletedEvents: events.length, deletedAt: now });
  }

  /** Stores the batch the way an endpoint does, and answers. */
  ingest(batch: Batch, text: string): IngestResponse {
    if (!this.owners.has(batch.installationId)) { this.owners.set(batch.installationId, batch.ownerKeyHash); }
    let kept = this.events.get(batch.installationId);
    if (!kept) { kept = []; this.events.set(batch.installationId, kept); }
    let byId = this.stored.get(batch.installationId);
    if (!byId) { byId = new Map(); this.stored.set(batch.installationId, byId); }
    let accepted = 0;
    let duplicates = 0;
    const rejected: IngestResponse['rejected'] = [];
    batch.events.forEach((e, index) => {
      const code = this.refuseNames.get(e.name);
      if (code) { rejected.push({ index, eventId: e.id, code: code as never, errors: [{ pointer: `/events/${index}/data`, message: 'is not a field of this shape' }] }); return; }
      if (byId.has(e.id)) { duplicates++; return; }
      byId.set(e.id, 1);
      kept.push(e);
      accepted++;
    });
    return {
      specVersion: '1.0', batchId: batch.batchId, receivedAt: new Date().toISOString(),
      bodySha256: createHash('sha256').update(text).digest('hex'), accepted, duplicates, rejected,
    };
  }
}

export const down = (): Fault => () => new TransportError('network', 'connect ECONNREFUSED 127.0.0.1:9');
