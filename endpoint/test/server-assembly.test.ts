// What server.ts wires that no answer shows by itself: bodies are left to the routes for every media
// type (their own checks answer), and the parser that does so is registered under application/json,
// which fastify caches; as the catch-all alone it parsed the Content-Type header on every request.
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
