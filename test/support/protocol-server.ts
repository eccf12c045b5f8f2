// A small HTTP server on loopback that answers `POST /v1/batch` the way the protocol says (stores each
// event id once per installation, answers an ingest response with the body's SHA-256), with faults on
// demand: refuse connections (down), reset mid-upload, commit then reset, 5xx, 429 with Retry-After,
// slow answers. It stands in for the reference endpoint until that one is merged; the tests that use it
// are written so that swapping in the real endpoint changes only how it is started.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { Batch } from '../../generated/types';

export type ServerFault =
  | { kind: 'reset-mid-upload' }
  | { kind: 'commit-then-reset' }
  | { kind: 'status'; status: number; code: string; retryAfter?: string }
  | { kind: 'slow'; ms: number };

export class ProtocolServer {
  private server: http.Server | undefined;
  private sockets = new Set<Socket>();
  port = 0;
  /** Every event id stored, with how many times it was stored (must be 1). */
  readonly stored = new Map<string, number>();
  /** Every event id received on the wire, including retries (duplicates here are allowed). */
  readonly wire: string[] = [];
  readonly batches: Batch[] = [];
  private faults: ServerFault[] = [];
  /** Called when a batch arrives, before it is answered (the crash test kills the client here). */
  onBatch: ((batch: Batch) => void) | undefined;

  get url(): string { return `http://127.0.0.1:${this.port}/`; }

  failNext(fault: ServerFault, times = 1): void { for (let i = 0; i < times; i++) { this.faults.push(fault); } }

  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    await new Promise<void>((resolve, reject) => { this.server!.once('error', reject); this.server!.listen(port, '127.0.0.1', () => resolve()); });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and drops open connections: the endpoint is down (connections are refused). */
  async stop(): Promise<void> {
    for (const s of this.sockets) { s.destroy(); }
    await new Promise<void>((resolve) => { if (this.server) { this.server.close(() => resolve()); } else { resolve(); } });
    this.server = undefined;
  }

  storedIds(): string[] { return [...this.stored.keys()]; }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
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
