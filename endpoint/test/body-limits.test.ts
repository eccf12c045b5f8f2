// The body limits of PROTOCOL.md §4 step 3 over a real socket: size as sent (declared or streamed),
// size after gzip (a bomb is refused without being inflated), bad gzip, slow and truncated bodies.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEndpoint, startEndpoint } from '../testing/start-endpoint.mjs';
import { batchOf, mixedEvents, newInstallation } from './support/events';
import { postBatch, send } from './support/http';

/**
 * Sends the body in chunks without Content-Length (chunked transfer encoding), over a raw socket, and
 * resolves with the answer as soon as it is complete: the endpoint answers 413 before the body ends, and
 * a client library might report its own failure to write the rest instead of the answer.
 */
function postChunked(url: string, chunks: Buffer[], headers: Record<string, string>): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    let received = Buffer.alloc(0);
    let done = false;
    socket.on('error', (error) => { if (!done) { reject(error); } });
    socket.on('data', (c: Buffer) => {
      received = Buffer.concat([received, c]);
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? NaN);
      if (end >= 0 && received.length >= end + 4 + length) {
        done = true;
        resolve({ status: Number(text.slice(9, 12)), json: JSON.parse(received.subarray(end + 4, end + 4 + length).toString('utf8')) });
        socket.destroy();
      }
    });
    socket.once('connect', async () => {
      const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n${extra}\r\n`);
      for (const c of chunks) {
        if (done || socket.destroyed) { return; }
        socket.write(`${c.length.toString(16)}\r\n`);
        socket.write(c);
        if (!socket.write('\r\n')) { await new Promise((r) => socket.once('drain', r)); }
      }
      if (!done && !socket.destroyed) { socket.write('0\r\n\r\n'); }
    });
  });
}

describe('body limits', () => {
  let endpoint: RunningEndpoint;
  beforeAll(async () => { endpoint = await startEndpoint({ args: ['--body-timeout', '1', '--rate-limit-address', '0', '--rate-limit-installation', '0'] }); });
  afterAll(async () => { await endpoint?.stop(); });

  it('refuses a declared Content-Length over the limit with 413 before reading it', async () => {
    const answer = await send(endpoint.url, { path: '/v1/batch', headers: { 'content-type': 'application/json', 'content-length': '512001' }, body: Buffer.alloc(512_001, 0x20) });
    expect([answer.status, answer.json().code]).toEqual([413, 'body_too_large']);
  });

  it('refuses a streamed body (no Content-Length) once it passes the limit', async () => {
    const answer = await postChunked(endpoint.url, Array.from({ length: 40 }, () => Buffer.alloc(16_384, 0x20)), {});
    expect([answer.status, answer.json.code]).toEqual([413, 'body_too_large']);
  });

  it('accepts a body of exactly the limit (it is then judged as JSON)', async () => {
    const inst = newInstallation();
    const text = JSON.stringify(batchOf(inst, mixedEvents(inst, 3)));
    const body = Buffer.from(text.padEnd(512_000, ' '));
    const answer = await send(endpoint.url, { path: '/v1/batch', headers: { 'content-type': 'application/json' }, body });
    expect([answer.status, answer.json().accepted]).toEqual([200, 3]);
  });

  it('refuses a streamed gzip bomb after inflating no more than the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(120 * 1024 * 1024, 0x20), { level: 9 });
    const chunks = Array.from({ length: Math.ceil(bomb.length / 8192) }, (_, k) => bomb.subarray(k * 8192, (k + 1) * 8192));
    const before = await memory(endpoint.url);
    const answer = await postChunked(endpoint.url, chunks, { 'content-encoding': 'gzip' });
    expect([answer.status, answer.json.code]).toEqual([413, 'body_too_large']);
    expect(answer.json.detail).toMatch(/after gzip decompression/);
    // 120 MB inflated would show; the cap keeps the growth to a few buffers.
    expect((await memory(endpoint.url)) - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('answers the SHA-256 of the bytes after decompression', async () => {
    const inst = newInstallation();
    const text = JSON.stringify(batchOf(inst, mixedEvents(inst, 5)));
    const answer = await postBatch(endpoint.url, JSON.parse(text), {}, true);
    expect(answer.json().bodySha256).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('refuses a body that says gzip but is not, with invalid_json', async () => {
    const answer = await send(endpoint.url, { path: '/v1/batch', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: Buffer.from('{"not":"gzip"}') });
    expect([answer.status, answer.json().code]).toEqual([400, 'invalid_json']);
  });

  it('answers 408 to a body that stops arriving, and closes the connection', async () => {
    const socket = net.connect(Number(new URL(endpoint.url).port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const closed = new Promise((r) => socket.once('close', r));
    socket.write('POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"specVersion":');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => { text += c; });
    await closed;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"request_timeout"');
  });

  it('keeps answering after clients that hang up in the middle of their bodies', async () => {
    for (let k = 0; k < 20; k++) {
      const socket = net.connect(Number(new URL(endpoint.url).port), '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${k % 2 ? 'Content-Encoding: gzip\r\n' : ''}Content-Length: 5000\r\n\r\n{"spec`);
      socket.destroy();
    }
    const inst = newInstallation();
    const answer = await postBatch(endpoint.url, batchOf(inst, mixedEvents(inst, 2)));
    expect(answer.status).toBe(200);
    expect(endpoint.process.exitCode).toBeNull();
  });
});

describe('clients that go away', () => {
  let endpoint: RunningEndpoint;
  beforeAll(async () => { endpoint = await startEndpoint({ args: ['--body-timeout', '60', '--rate-limit-address', '0'] }); });
  afterAll(async () => { await endpoint?.stop(); });

  it('frees the request at once when its client hangs up mid-body, not at the body timeout', async () => {
    for (let k = 0; k < 5; k++) {
      const socket = net.connect(Number(new URL(endpoint.url).port), '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"spec`);
      await new Promise((r) => setTimeout(r, 50));
      socket.destroy();
    }
    const deadline = Date.now() + 5_000;
    let inFlight = NaN;
    while (Date.now() < deadline) {
      inFlight = Number(/^candor_requests_in_flight (\d+)/m.exec((await send(endpoint.url, { path: '/metrics' })).text)?.[1]);
      if (inFlight === 0) { break; }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(inFlight).toBe(0);
  });
});

async function memory(url: string): Promise<number> {
  const text = (await send(url, { path: '/metrics' })).text;
  return Number(/^candor_process_resident_memory_bytes (\d+)/m.exec(text)?.[1]);
}
