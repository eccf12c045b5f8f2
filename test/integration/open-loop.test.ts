// The bench's open-loop load generator (bench/endpoint/open-loop.ts) against real servers on loopback:
// it sends exactly the requests it is given, reads every answer however it is framed, counts what
// failed, and charges a stalled server for the whole backlog from each request's due time.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openLoop } from '../../bench/endpoint/open-loop';

let server: Server | undefined;
afterEach(async () => { await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined)); server = undefined; });

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer; socket: number }

async function serve(answer: (seen: Seen, index: number, response: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const sockets = new Map<unknown, number>();
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (!sockets.has(request.socket)) { sockets.set(request.socket, sockets.size); }
      const s: Seen = { method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks), socket: sockets.get(request.socket)! };
      seen.push(s);
      answer(s, seen.length - 1, response);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

const bodies = () => { let n = 0; return () => Buffer.from(JSON.stringify({ n: n++, pad: 'é'.repeat(3000) })); };
const WARM_UP = (connections: number) => 2 * connections;

describe('open-loop load generator', () => {
  it('sends each request as given and reads answers framed by length and by chunks', async () => {
    const { url, seen } = await serve((s, i, response) => {
      if (i % 2 === 0) { response.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' }).end('{"ok":true}'); return; }
      // No length: node:http sends the body in chunks, here in two.
      response.writeHead(201, { 'content-type': 'application/json' });
      response.write('{"ok":');
      setImmediate(() => response.end('true}'));
    });
    const result = await openLoop({ url, path: '/v1/batch', headers: { 'content-type': 'application/json', authorization: 'Bearer t' }, body: bodies(), rate: 200, seconds: 0.5, connections: 3 });
    expect(result).toMatchObject({ answered: 100, failed: 0 });
    expect(seen).toHaveLength(100 + WARM_UP(3));
    for (const s of seen) {
      expect(s).toMatchObject({ method: 'POST', url: '/v1/batch' });
      expect(s.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer t', 'content-length': String(s.body.length) });
      expect(JSON.parse(s.body.toString('utf8')).pad).toBe('é'.repeat(3000));
    }
    // Kept alive: three connections carried everything.
    expect(new Set(seen.map((s) => s.socket)).size).toBe(3);
    expect(result.p50).toBeGreaterThan(0);
    // 200 requests/s were due; the rate is measured over the run, answers included (a loose bound: CI is busy).
    expect(result.rate).toBeGreaterThan(100);
    expect(result.rate).toBeLessThan(100 / 0.495 + 1); // the last request is due 495 ms after the first
  });

  it('charges a stalled server for the backlog from each due time, not from when a request could be sent', async () => {
    const stalled = WARM_UP(1);
    const { url } = await serve((_s, i, response) => {
      const answer = () => response.writeHead(200, { 'content-length': '2' }).end('{}');
      if (i === stalled) { setTimeout(answer, 300); } else { answer(); }
    });
    // One connection: the requests due during the stall wait for it, on their own clocks.
    const result = await openLoop({ url, path: '/', headers: {}, body: bodies(), rate: 100, seconds: 1, connections: 1 });
    expect(result).toMatchObject({ answered: 100, failed: 0 });
    expect(result.max).toBeGreaterThanOrEqual(295);
    // About 30 requests were due during the stall: the p99 holds it; counted from sending, it does not.
    expect(result.p99).toBeGreaterThan(200);
    expect(result.p99FromSend).toBeLessThan(result.p99 / 2);
  });

  it('counts answers other than 2xx as failed, and replaces connections the server closes', async () => {
    const { url, seen } = await serve((_s, i, response) => {
      if (i % 5 === 4) { response.writeHead(503, { 'content-length': '0', connection: 'close' }).end(); return; }
      response.writeHead(200, { 'content-length': '2' }).end('{}');
    });
    // One connection and a rate it cannot keep up with: each next request is waiting when an answer
    // ends, so it must not go out on the connection the server is closing.
    const result = await openLoop({ url, path: '/', headers: {}, body: bodies(), rate: 2000, seconds: 0.05, connections: 1 });
    const measured = seen.slice(WARM_UP(1));
    expect(measured).toHaveLength(100);
    expect(result.failed).toBe(measured.filter((_s, k) => (k + WARM_UP(1)) % 5 === 4).length);
    expect(result.answered).toBe(100 - result.failed);
    // A new connection after each one the server closed, and none besides.
    expect(new Set(seen.map((s) => s.socket)).size).toBe(seen.filter((_s, i) => i % 5 === 4).length + 1);
  });
});
