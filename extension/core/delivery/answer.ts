// What an endpoint's answer means for a batch (PROTOCOL.md §4, §8). The answer is input from outside:
// a `200` must be a valid ingest response (a proxy's HTML page is not one, so the batch is retried, not
// counted as delivered); problem details are read leniently (§2), because proxies produce them too.
import type { IngestResponse, ReasonCode } from '../../../generated/types';
import { REASON_CODE_NAMES } from '../../../generated/reason-code-names';
import { isHoldingStatus, isRetryableStatus, parseRetryAfter } from '../../../protocol/retry';
import type { HttpResponse } from '../ports/transport';
import { TransportError } from '../ports/transport';
import type { RuleBroken, Validator } from '../ports/validators';

export interface Problem {
  readonly status: number;
  /** The endpoint's reason code, when it gave a known one. */
  readonly code?: ReasonCode;
  /** Its own words (title and detail), shortened; never trusted as markup. */
  readonly message: string;
}

export type Outcome =
  | { readonly kind: 'delivered'; readonly status: number; readonly response: IngestResponse; readonly bytesConfirmed: boolean }
  | { readonly kind: 'retry'; readonly status?: number; readonly message: string; readonly waitMs?: number; readonly aborted?: true }
  | { readonly kind: 'split'; readonly status: number; readonly message: string }
  /** 401/403: the token or the proof of ownership is the problem, not the events; `message` says what to do. */
  | { readonly kind: 'held'; readonly status: number; readonly problem: Problem; readonly message: string }
  | { readonly kind: 'refused'; readonly status: number; readonly problem: Problem; readonly message: string };

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');
const KNOWN_CODES: ReadonlySet<string> = new Set(REASON_CODE_NAMES);
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Problem details, read leniently: any member may be missing or wrong; unknown members are ignored. */
export function readProblem(response: HttpResponse): Problem {
  let code: ReasonCode | undefined;
  let words = '';
  try {
    const value = JSON.parse(text(response.body)) as Record<string, unknown>;
    if (value && typeof value === 'object') {
      if (typeof value.code === 'string' && KNOWN_CODES.has(value.code)) { code = value.code as ReasonCode; }
      const parts = [value.title, value.detail].filter((p): p is string => typeof p === 'string' && p.length > 0);
      words = parts.join(': ');
    }
  } catch { /* not JSON: a proxy's page; the status says enough */ }
  const message = clip(`HTTP ${response.status}${code ? ` ${code}` : ''}${words ? `: ${words.replace(/[\u0000-\u001f]/g, ' ')}` : ''}`, 500);
  return { status: response.status, ...(code ? { code } : {}), message };
}

export function interpret(answer: HttpResponse | TransportError, batch: { batchId: string; sha256: string; eventCount: number },
  validateResponse: Validator<IngestResponse, RuleBroken>, nowMs: number): Outcome {
  if (answer instanceof TransportError) {
    if (answer.reason === 'aborted') { return { kind: 'retry', message: 'cancelled', aborted: true }; }
    return { kind: 'retry', message: answer.reason === 'timeout' ? `no answer in time (${answer.message})` : `could not reach the endpoint (${answer.message})` };
  }
  const { status } = answer;
  if (status === 200) {
    let parsed: unknown;
    try { parsed = JSON.parse(text(answer.body)); } catch { parsed = undefined; }
    if (answer.truncated || !validateResponse(parsed)) {
      // Where and which rule; the full wording (protocol/validation-errors.ts) is not worth its bytes here.
      const why = parsed === undefined ? 'its body is not JSON' : answer.truncated ? 'it is too large'
        : (validateResponse.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} breaks "${e.keyword}"`).join('; ');
      return { kind: 'retry', status, message: `the endpoint answered 200, but not with an ingest response (${clip(why, 300)}); trying again` };
    }
    const response = parsed as IngestResponse;
    if (response.batchId !== batch.batchId) {
      return { kind: 'retry', status, message: `the endpoint answered for batch ${response.batchId}, not ${batch.batchId}; trying again` };
    }
    if (response.accepted + response.duplicates + response.rejected.length !== batch.eventCount) {
      return { kind: 'retry', status, message: `the endpoint's counts do not add up to the ${batch.eventCount} events sent; trying again` };
    }
    return { kind: 'delivered', status, response, bytesConfirmed: response.bodySha256 === batch.sha256 };
  }
  if (status === 413) { return { kind: 'split', status, message: readProblem(answer).message }; }
  if (isRetryableStatus(status)) {
    const waitMs = parseRetryAfter(answer.header('retry-after'), nowMs);
    return { kind: 'retry', status, message: readProblem(answer).message, ...(waitMs !== undefined ? { waitMs } : {}) };
  }
  if (status >= 200 && status < 300) {
    return { kind: 'retry', status, message: `unexpected status ${status}: a Candor endpoint answers 200 with an ingest response; trying again` };
  }
  const problem = readProblem(answer);
  if (isHoldingStatus(status)) { return { kind: 'held', status, problem, message: heldMessage(problem) }; }
  return { kind: 'refused', status, problem, message: problem.message };
}

/**
 * What is wrong and what to do, in plain text (status bar tooltips and notifications show no markdown).
 * A 403 may also mean that the endpoint holds another proof of ownership for this installation, which a
 * token cannot fix; the endpoint setting is then the one to check.
 */
export function heldMessage(problem: Problem): string {
  const what = problem.status === 401
    ? 'the endpoint requires an ingest token and none is set'
    : 'the endpoint refused the ingest token, or this installation\'s proof of ownership';
  return `${what} (${problem.message}). Set the token your endpoint's operators gave you with the command "Candor: Set Ingest Token…", `
    + 'or check the setting candor.endpoint. The events are kept (until they reach the queue\'s age limit) and sent once the token or the endpoint changes';
}
