// A small HTTP server on loopback that answers `POST /v1/batch` the way the protocol says (stores each
// event id once per installation, answers an ingest response with the body's SHA-256), with faults on
// demand: refuse connections (down), reset mid-upload, commit then reset, 5xx, 429 with Retry-After,
// slow answers. Unit-speed tests of delivery use it where the reference endpoint's start-up would
// dominate; the tests against the real endpoint (real-endpoint.test.ts, the real-editor suites) put the
// fault proxy in front of the reference endpoint instead.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Batch } from '../../generated/types';
import { FaultyServer } from './faulty-server';

export class ProtocolServer extends FaultyServer {
  /** Every event id stored, with how many times it was stored (must be 1). */
  readonly stored = new Map<string, number>();
  /** Every event id received on the wire, including retries (duplicates here are allowed). */
  readonly wire: string[] = [];
  readonly batches: Batch[] = [];
  /** Called when a batch arrives, before it is answered (the crash test kills the client here). */
  onBatch: ((batch: Batch) => void) | undefined;

  storedIds(): string[] { return [...this.stored.keys()]; }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const fault = req.url === '/v1/batch' ? this.faults.shift() : undefined;
    if (fault?.kind === 'reset-mid-upload') { req.socket.destroy(); return; }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/batch') { return this.problem(res, 404, 'not_found'); }
      const raw = Buffer.concat(chunks);
      let text: string;
      let batch: Batch;
      try {
        text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
        batch = JSON.parse(text) as Batch;
      } catch { return this.problem(res, 400, 'invalid_json'); }
      this.onBatch?.(batch);
      if (fault?.kind === 'status') { return this.problem(res, fault.status, fault.code, fault.retryAfter); }
      for (const e of batch.events) { this.wire.push(e.id); }
      this.batches.push(batch);
      let accepted = 0;
      let duplicates = 0;
      for (const e of batch.events) {
        if (this.stored.has(e.id)) { duplicates++; } else { this.stored.set(e.id, 1); accepted++; }
      }
      if (fault?.kind === 'commit-then-reset') { req.socket.destroy(); return; }
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ specVersion: '1.0', batchId: batch.batchId, receivedAt: new Date().toISOString(), bodySha256: createHash('sha256').update(text).digest('hex'), accepted, duplicates, rejected: [] }));
      };
      if (fault?.kind === 'slow') { setTimeout(answer, fault.ms); } else { answer(); }
    });
  }

  private problem(res: http.ServerResponse, status: number, code: string, retryAfter?: string): void {
    res.writeHead(status, { 'content-type': 'application/problem+json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });
    res.end(JSON.stringify({ type: `urn:candor:problem:${code}`, title: code, status, code, detail: `test ${code}` }));
  }
}
