// The protocol's routes for the user's rights (PROTOCOL.md §5): export every stored event of an
// installation, page by page, and delete them, each proven by the installation's owner secret. Answers
// are input from outside and are checked with the generated validators (loaded on first use).
import type { DeletionReceipt, Export, StoredEvent } from '../../../generated/types';
import { toFieldErrors } from '../../../protocol/validation-errors';
import { readProblem } from '../delivery/answer';
import { TransportError, type HttpResponse, type Transport } from '../ports/transport';
import type { LazyValidators, Validator } from '../ports/validators';

export const RIGHTS_TIMEOUT_MS = 30_000;
/** Events per export page: small enough that a page of large events stays within the read cap. */
export const EXPORT_PAGE_LIMIT = 200;
/** Stop following `nextCursor` after this many pages (an endpoint that loops must not loop us). */
const MAX_PAGES = 10_000;

export type ExportResult =
  | { readonly status: 'exported'; readonly events: StoredEvent[] }
  | { readonly status: 'nothingStored' }
  | { readonly status: 'failed'; readonly message: string; readonly events: StoredEvent[] };

export type DeleteResult =
  | { readonly status: 'deleted'; readonly receipt: DeletionReceipt }
  | { readonly status: 'nothingStored' }
  | { readonly status: 'failed'; readonly message: string };

export interface RightsRequestContext {
  readonly endpoint: string;
  readonly installationId: string;
  readonly secret: string;
  readonly token: string | undefined;
}

function headers(ctx: RightsRequestContext): Record<string, string> {
  return { 'candor-installation-secret': ctx.secret, accept: 'application/json', ...(ctx.token ? { authorization: `Bearer ${ctx.token}` } : {}) };
}

function failure(answer: HttpResponse | TransportError): string {
  if (answer instanceof TransportError) { return `could not reach the endpoint (${answer.message})`; }
  return readProblem(answer).message;
}

function parse<T>(answer: HttpResponse, validate: Validator<T>): T | string {
  let value: unknown;
  try { value = JSON.parse(Buffer.from(answer.body).toString('utf8')); } catch { return 'the answer is not JSON'; }
  if (answer.truncated) { return 'the answer is larger than Candor reads'; }
  if (!validate(value)) { return `the answer is not valid (${toFieldErrors(validate.errors, '', 3).map((e) => `${e.pointer || '/'} ${e.message}`).join('; ')})`; }
  return value;
}

async function request(transport: Transport, method: 'GET' | 'DELETE', url: string, ctx: RightsRequestContext): Promise<HttpResponse | TransportError> {
  try {
    return await transport.request({ method, url, headers: headers(ctx), timeoutMs: RIGHTS_TIMEOUT_MS, maxResponseBytes: 64 * 1024 * 1024 });
  } catch (error) {
    return error instanceof TransportError ? error : new TransportError('network', (error as Error).message);
  }
}

export async function exportInstallation(transport: Transport, validators: LazyValidators, ctx: RightsRequestContext): Promise<ExportResult> {
  const validate = await validators.get<Export>('export');
  const events: StoredEvent[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = `limit=${EXPORT_PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answer = await request(transport, 'GET', `${ctx.endpoint}v1/installations/${ctx.installationId}/events?${query}`, ctx);
    if (!(answer instanceof TransportError) && answer.status === 404 && page === 0) { return { status: 'nothingStored' }; }
    if (answer instanceof TransportError || answer.status !== 200) { return { status: 'failed', message: failure(answer), events }; }
    const parsed = parse(answer, validate);
    if (typeof parsed === 'string') { return { status: 'failed', message: parsed, events }; }
    if (parsed.installationId !== ctx.installationId) { return { status: 'failed', message: 'the endpoint answered for another installation', events }; }
    events.push(...parsed.events);
    cursor = parsed.nextCursor;
    if (cursor === null) { return { status: 'exported', events }; }
    if (seen.has(cursor)) { return { status: 'failed', message: 'the endpoint repeated a page cursor', events }; }
    seen.add(cursor);
  }
  return { status: 'failed', message: `stopped after ${MAX_PAGES} pages`, events };
}

export async function deleteInstallation(transport: Transport, validators: LazyValidators, ctx: RightsRequestContext): Promise<DeleteResult> {
  const answer = await request(transport, 'DELETE', `${ctx.endpoint}v1/installations/${ctx.installationId}`, ctx);
  if (!(answer instanceof TransportError) && answer.status === 404) { return { status: 'nothingStored' }; }
  if (answer instanceof TransportError || answer.status !== 200) { return { status: 'failed', message: failure(answer) }; }
  const parsed = parse(answer, await validators.get<DeletionReceipt>('deletion-receipt'));
  if (typeof parsed === 'string') { return { status: 'failed', message: parsed }; }
  if (parsed.installationId !== ctx.installationId) { return { status: 'failed', message: 'the receipt names another installation' }; }
  return { status: 'deleted', receipt: parsed };
}
