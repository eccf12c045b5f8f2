// Step 5 of PROTOCOL.md §4: the batch's own fields, against batch.schema.json (the generated validator).
// The events are only checked to be objects here; each is checked on its own in step 7. A batch that
// fails is first held to step 4's depth limit, which comes before it (parse-json.ts).
import validateBatch from '../../../generated/validators/batch.cjs';
import type { Batch } from '../../../generated/types';
import { MAX_EVENTS_PER_BATCH } from '../../../protocol/limits';
import { toFieldErrors } from '../../../protocol/validation-errors';
import { refuseIfTooDeep } from '../http/parse-json';
import { ProblemError } from '../http/problem';

const VERSION = /^([0-9]+)\.[0-9]+$/;

export function checkBatch(body: unknown): Batch {
  if (validateBatch(body)) { return body; }
  refuseIfTooDeep(body);
  const errors = validateBatch.errors ?? [];
  const version = (body as { specVersion?: unknown } | null)?.specVersion;
  const major = typeof version === 'string' ? VERSION.exec(version)?.[1] : undefined;
  if (major !== undefined && major !== '1') {
    throw new ProblemError(400, 'unsupported_spec_version',
      `specVersion ${JSON.stringify(version)} has major version ${major}; this endpoint implements 1.x. Send batches written for spec 1.x.`);
  }
  if (errors.some((e) => e.instancePath === '/events' && e.keyword === 'maxItems')) {
    const count = (body as { events: unknown[] }).events.length;
    throw new ProblemError(413, 'too_many_events',
      `The batch has ${count} events; the limit is ${MAX_EVENTS_PER_BATCH}. Split the batch and send the halves.`);
  }
  const fieldErrors = toFieldErrors(errors);
  const first = fieldErrors[0];
  throw new ProblemError(400, 'invalid_batch',
    `The body is JSON but not a valid batch${first ? `: ${first.pointer || 'the body'} ${first.message}` : ''}. See errors for every place; nothing was stored.`,
    { errors: fieldErrors });
}
