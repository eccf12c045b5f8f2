// An HTTP proxy on loopback in front of an endpoint (the reference endpoint, or the protocol server), that
// injects the faults a real network and a real endpoint produce: refused connections (the endpoint down),
// a connection reset mid-upload, an endpoint that commits and then resets before answering, 5xx and 429
// with Retry-After, and slow answers. Requests without a planned fault pass through untouched.
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Batch } from '../../generated/types';
import { FaultyServer } from './faulty-server';

export class FaultProxy extends FaultyServer {
  /** Batch requests that reached the proxy, and how many were forwarded to the endpoint. */
  received = 0;
  forwarded = 0;
  /** Every batch body that reached the endpoint, decompressed. */
  readonly bodies: string[] = [];
  /** Told of each batch the endpoint answered, with its status (what "arrived at the endpoint" means), before the client hears the answer. */
  onExchange: ((batch: Batch, status: number) => void) | undefined;
  /** Told of each batch request as it arrives, before it is forwarded. */
  onRequest: (() => void) | undefined;
  /**
   * Every other request the endpoint answered (export, deletion, health…): its method and path, the
   * ownership proof it carried (`Candor-Installation-Secret`), and the endpoint's status.
   */
  readonly requests: { method: string; path: string; secret: string | undefined; status: number }[] = [];

  /** Where requests go; a test may point it at a restarted endpoint. */
  constructor(public upstream: string) { super(); }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const isBatch = req.method === 'POST' && req.url?.endsWith('/v1/batch');
    const fault = isBatch ? this.faults.shift() : undefined;
    if (isBatch) { this.received++; this.onRequest?.(); }
    if (fault?.kind === 'reset-mid-upload') { req.socket.destroy(); return; }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (fault?.kind === 'status') {
        res.writeHead(fault.status, { 'content-type': 'application/problem+json', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) });
        res.end(JSON.stringify({ type: `urn:candor:problem:${fault.code}`, title: fault.code, status: fault.status, code: fault.code, detail: `injected ${fault.code}` }));
        return;
      }
      const target = new URL(req.url ?? '/', this.upstream);
      const headers = { ...req.headers, host: target.host };
      let text: string | undefined;
      if (isBatch) {
        this.forwarded++;
        try { const raw = Buffer.concat(chunks); text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8'); this.bodies.push(text); } catch { text = undefined; }
      }
      const upstream = http.request(target, { method: req.method, headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          if (text !== undefined && this.onExchange) { try { this.onExchange(JSON.parse(text) as Batch, answer.statusCode ?? 0); } catch { /* not a batch */ } }
          if (!isBatch) {
            const secret = req.headers['candor-installation-secret'];
            this.requests.push({ method: req.method ?? '', path: req.url ?? '', secret: typeof secret === 'string' ? secret : undefined, status: answer.statusCode ?? 0 });
          }
          // The endpoint committed; the client never hears it.
          if (fault?.kind === 'commit-then-reset') { req.socket.destroy(); return; }
          const send = () => { res.writeHead(answer.statusCode ?? 502, answer.headers); res.end(Buffer.concat(body)); };
          if (fault?.kind === 'slow') { setTimeout(send, fault.ms); } else { send(); }
        });
      });
      upstream.on('error', () => { res.writeHead(502); res.end(); });
      upstream.end(Buffer.concat(chunks));
    });
  }
}
