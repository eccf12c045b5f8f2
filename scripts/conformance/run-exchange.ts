// Runs one HTTP exchange file (schemas/vectors/http/*.json, PROTOCOL.md §10) against a live endpoint:
// each step's request is built with fresh placeholders and sent over a new connection, and its answer is
// checked for the exact status, the headers (regular expressions on the whole value), the body's schema
// and the body pattern. Usable against any endpoint, in any language.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gzipSync } from 'node:zlib';
import type { HTTPConformanceExchange, Step } from '../../generated/types';
import { toFieldErrors } from '../../protocol/validation-errors';
import { BODY_SCHEMAS } from './body-schemas';
import { mismatches } from './match';
import { Placeholders } from './placeholders';

export interface StepResult {
  description: string;
  status: number | undefined;
  problems: string[];
}

export interface ExchangeResult {
  description: string;
  steps: StepResult[];
  passed: boolean;
}

export interface RunOptions {
  /** The endpoint's base URL; paths are appended to it (a base may have a path prefix). */
  baseUrl: string;
  /** The token the endpoint requires, for `{{ingestToken}}`; absent for an endpoint that requires none. */
  ingestToken?: string | undefined;
  /** Milliseconds to wait for each answer. */
  timeoutMs?: number;
}

export async function runExchange(exchange: HTTPConformanceExchange, options: RunOptions): Promise<ExchangeResult> {
  const placeholders = new Placeholders(options.ingestToken);
  const steps: StepResult[] = [];
  for (const step of exchange.steps) {
    steps.push(await runStep(step, placeholders, options));
  }
  return { description: exchange.description, steps, passed: steps.every((s) => s.problems.length === 0) };
}

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

async function runStep(step: Step, placeholders: Placeholders, options: RunOptions): Promise<StepResult> {
  const now = Date.now();
  const r = step.request;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.headers ?? {})) { headers[name.toLowerCase()] = placeholders.fillString(String(value), now); }
  let body: Buffer | undefined;
  if (r.body !== undefined) { body = Buffer.from(JSON.stringify(placeholders.fill(r.body, now, true)), 'utf8'); }
  if (r.bodyText !== undefined) { body = Buffer.from(placeholders.fillString(r.bodyText, now), 'utf8'); }
  if (r.bodyBase64 !== undefined) { body = Buffer.from(r.bodyBase64, 'base64'); }
  if (r.gzip === true && body !== undefined) {
    body = gzipSync(body);
    headers['content-encoding'] ??= 'gzip';
  }
  if (body !== undefined || r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH') {
    headers['content-length'] = String(body?.length ?? 0);
  }
  const url = new URL(options.baseUrl.replace(/\/+$/, '') + placeholders.fillString(r.path, now));
  const problems: string[] = [];
  let answer: Answer;
  try {
    answer = await send(url, r.method, headers, body, options.timeoutMs ?? 30_000);
  } catch (error) {
    return { description: step.description, status: undefined, problems: [`no answer: ${(error as Error).message}`] };
  }
  const expected = step.response;
  if (answer.status !== expected.status) { problems.push(`status: expected ${expected.status}, got ${answer.status}`); }
  for (const [name, pattern] of Object.entries(expected.headers ?? {})) {
    const raw = answer.headers[name.toLowerCase()];
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (value === undefined) { problems.push(`header ${name}: missing`); continue; }
    if (!new RegExp(`^(?:${pattern})$`).test(value)) { problems.push(`header ${name}: ${JSON.stringify(value)} does not match ${pattern}`); }
  }
  if (expected.bodySchema !== undefined || expected.body !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch {
      problems.push(`body: not JSON: ${JSON.stringify(answer.body.toString('utf8').slice(0, 200))}`);
      return { description: step.description, status: answer.status, problems };
    }
    if (expected.bodySchema !== undefined) {
      const validate = BODY_SCHEMAS.get(expected.bodySchema);
      if (!validate) {
        problems.push(`bodySchema ${expected.bodySchema}: this runner has no validator for it`);
      } else if (!validate(json)) {
        for (const e of toFieldErrors(validate.errors)) { problems.push(`body against ${expected.bodySchema}: ${e.pointer || '/'} ${e.message}`); }
      }
    }
    if (expected.body !== undefined) {
      problems.push(...mismatches(placeholders.fill(expected.body, now, false), json).map((m) => `body ${m}`));
    }
  }
  return { description: step.description, status: answer.status, problems };
}

function send(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, agent: false, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
