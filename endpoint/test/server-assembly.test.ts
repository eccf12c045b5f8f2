// What server.ts wires that no answer shows by itself: bodies are left to the routes for every media
// type (their own checks answer), and the parser that does so is registered under application/json,
// which fastify caches; as the catch-all alone it parsed the Content-Type header on every request. Every
// answer is counted, and logged once: refusals at info, the rest at debug, built only when it is on.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/parse-config';
import { createEndpoint } from '../src/server';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage';
import type { Storage } from '../src/storage/storage';

describe('the endpoint as server.ts assembles it', () => {
  let dir: string;
  let storage: Storage;
  let app: Awaited<ReturnType<typeof createEndpoint>>['app'];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'candor-assembly-'));
    const file = path.join(dir, 'candor.db');
    const parsed = parseConfig(['--database', `sqlite:${file}`], {});
    if (parsed.kind !== 'config') { throw new Error(JSON.stringify(parsed)); }
    storage = openSqliteStorage(file);
    ({ app } = await createEndpoint(parsed.config, storage, { write: () => true }));
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers the body parser under application/json, the type clients send, not only as the catch-all', () => {
    expect(app.hasContentTypeParser('application/json')).toBe(true);
  });

  it.each(['text/plain', 'application/json; charset=latin1'])('leaves a body of %s to the route, whose own check answers 415', async (type) => {
    const answer = await app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': type }, payload: '{}' });
    expect(answer.statusCode).toBe(415);
    expect(answer.json()).toMatchObject({ code: 'unsupported_media_type', detail: expect.stringMatching(/is not accepted/) });
  });
});

describe('the answer log and counts', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'candor-answers-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it.each([['info', [404]], ['debug', [200, 404]]] as const)('at --log-level %s logs the answers with status %j, and counts all', async (level, logged) => {
    const file = path.join(dir, `${level}.db`);
    const parsed = parseConfig(['--database', `sqlite:${file}`, '--log-level', level], {});
    if (parsed.kind !== 'config') { throw new Error(JSON.stringify(parsed)); }
    const storage = openSqliteStorage(file);
    const lines: string[] = [];
    const { app, metrics } = await createEndpoint(parsed.config, storage, { write: (line: string) => lines.push(line) });
    try {
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(404);
      const answers = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'answered');
      expect(answers.map((l) => [l.res.statusCode, l.req.route, l.level])).toEqual(
        logged.map((status) => (status === 200 ? [200, '/healthz', 20] : [404, 'unmatched', 30])));
      const text = await metrics.registry.metrics();
      expect(text).toContain('candor_http_requests_total{route="/healthz",status="200"} 1\n');
      expect(text).toContain('candor_http_requests_total{route="unmatched",status="404"} 1\n');
    } finally {
      await app.close();
      await storage.close();
    }
  });
});
