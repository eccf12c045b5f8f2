// A raw HTTP client for the tests: exact bytes out (any header, any body, gzip or not), status, headers
// and body in. One connection per request unless an agent is given.
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T;
}

export interface Send {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string | object;
  gzip?: boolean;
  agent?: Agent;
  timeoutMs?: number;
}

export function send(baseUrl: string, s: Send): Promise<Answer> {
  let body: Buffer | undefined;
  const headers: Record<string, string> = { ...s.headers };
  if (s.body !== undefined) {
    body = Buffer.isBuffer(s.body) ? s.body : Buffer.from(typeof s.body === 'string' ? s.body : JSON.stringify(s.body), 'utf8');
    if (!Buffer.isBuffer(s.body) && typeof s.body !== 'string') { headers['content-type'] ??= 'application/json'; }
    if (s.gzip) { body = gzipSync(body); headers['content-encoding'] ??= 'gzip'; }
    headers['content-length'] ??= String(body.length);
  }
  return new Promise((resolve, reject) => {
    const req = request(new URL(s.path, baseUrl), { method: s.method ?? (body ? 'POST' : 'GET'), headers, agent: s.agent ?? false, timeout: s.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

export const postBatch = (baseUrl: string, batch: unknown, headers: Record<string, string> = {}, gzip = false) =>
  send(baseUrl, { path: '/v1/batch', body: batch as object, headers: { 'content-type': 'application/json', ...headers }, gzip });
