// The Node adapters on the real disk and a real socket: what the core relies on them for.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../extension/core/ports/transport';
import { httpTransport } from '../../extension/node/http-transport';
import { nodeFiles } from '../../extension/node/node-files';
import { thisProcess } from '../../extension/node/node-environment';

describe('node files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces a file atomically, creates exclusively, renames once, removes only empty folders', async () => {
    const f = path.join(dir, 'a.json');
    await nodeFiles.writeAtomic(f, 'one');
    await nodeFiles.writeAtomic(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(await nodeFiles.createExclusive(path.join(dir, 'x'), '1')).toBe(true);
    expect(await nodeFiles.createExclusive(path.join(dir, 'x'), '2')).toBe(false);
    expect(readFileSync(path.join(dir, 'x'), 'utf8')).toBe('1');
    expect(await nodeFiles.rename(path.join(dir, 'x'), path.join(dir, 'y'))).toBe(true);
    expect(await nodeFiles.rename(path.join(dir, 'x'), path.join(dir, 'z'))).toBe(false);
    mkdirSync(path.join(dir, 'full'));
    writeFileSync(path.join(dir, 'full/f'), '');
    await nodeFiles.removeEmptyDir(path.join(dir, 'full'));
    expect(existsSync(path.join(dir, 'full/f'))).toBe(true);
    expect(await nodeFiles.read(path.join(dir, 'missing'))).toBeUndefined();
    expect(await nodeFiles.list(path.join(dir, 'missing'))).toEqual([]);
  });

  it('appends, reports the size it opened at, cuts back and flushes', async () => {
    const f = path.join(dir, 'log.jsonl');
    writeFileSync(f, 'abc\n');
    const { handle, size } = await nodeFiles.openAppend(f);
    expect(size).toBe(4);
    await handle.append('é'.repeat(3) + '\n');
    await handle.datasync();
    await handle.truncate(4);
    await handle.append('d\n');
    await handle.close();
    expect(readFileSync(f, 'utf8')).toBe('abc\nd\n');
  });

  it('knows which processes live', () => {
    expect(thisProcess.isAlive(process.pid)).toBe(true);
    expect(thisProcess.isAlive(2 ** 22 + 12345)).toBe(false);
  });
});

describe('http transport', () => {
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/big') { res.writeHead(200); res.end('x'.repeat(5000)); return; }
      if (req.url === '/slow') { setTimeout(() => { res.writeHead(200); res.end('late'); }, 2000); return; }
      if (req.url === '/reset') { req.socket.destroy(); return; }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => { res.writeHead(201, { 'x-echo': String(req.headers['x-test']), 'retry-after': '5' }); res.end(Buffer.concat(chunks)); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => { server.closeAllConnections(); server.close(); });

  it('sends the body and headers and reads the answer', async () => {
    const r = await httpTransport.request({ method: 'POST', url: `${base}/echo`, headers: { 'x-test': 'yes' }, body: Buffer.from('hello'), timeoutMs: 5000 });
    expect(r.status).toBe(201);
    expect(Buffer.from(r.body).toString()).toBe('hello');
    expect(r.header('X-Echo')).toBe('yes');
    expect(r.header('retry-after')).toBe('5');
  });

  it('reads at most maxResponseBytes', async () => {
    const r = await httpTransport.request({ method: 'GET', url: `${base}/big`, headers: {}, timeoutMs: 5000, maxResponseBytes: 1000 });
    expect(r.body.length).toBe(1000);
    expect(r.truncated).toBe(true);
  });

  it('gives up on time, on abort, and on a reset, each as a TransportError', async () => {
    await expect(httpTransport.request({ method: 'GET', url: `${base}/slow`, headers: {}, timeoutMs: 100 })).rejects.toMatchObject({ reason: 'timeout' });
    const abort = new AbortController();
    const pending = httpTransport.request({ method: 'GET', url: `${base}/slow`, headers: {}, timeoutMs: 5000, signal: abort.signal });
    abort.abort();
    await expect(pending).rejects.toMatchObject({ reason: 'aborted' });
    await expect(httpTransport.request({ method: 'GET', url: `${base}/reset`, headers: {}, timeoutMs: 5000 })).rejects.toBeInstanceOf(TransportError);
    await expect(httpTransport.request({ method: 'GET', url: 'http://127.0.0.1:9/', headers: {}, timeoutMs: 5000 })).rejects.toMatchObject({ reason: 'network', message: expect.stringMatching(/ECONNREFUSED/) });
  });
});
