// Step 7 of PROTOCOL.md §4: each event on its own, in order; the first failing check is its reason.
// What passes is a candidate for storage; an id seen earlier in the batch is a duplicate already.
// Depths are measured only once an event fails validation: an event the schema accepts is never deeper
// than the limits (test/spec/nesting-bound.test.ts), so valid batches are never walked for them. Then
// the whole body is held to step 4's limit first (the batch object is the body), and the event to 7.2's.
import validateEvent from '../../../generated/validators/event.cjs';
import type { Batch, CandorEvent, Rejection } from '../../../generated/types';
import envelope from '../../../schemas/event/envelope.schema.json';
import { MAX_EVENT_BYTES, MAX_EVENT_DEPTH } from '../../../protocol/limits';
import { refusalCode, toFieldErrors } from '../../../protocol/validation-errors';
import { depthUpTo } from '../http/nesting';
import { refuseIfTooDeep } from '../http/parse-json';
import { jsonBytesAtMost } from '../../../protocol/json-size';

const UUIDV7 = new RegExp(envelope.$defs.uuidv7.pattern);

export interface Candidate {
  index: number;
  event: CandorEvent;
  /** The event's compact JSON: measured for the size limit, then stored as it is. */
  json: string;
}

export interface EventVerdicts {
  candidates: Candidate[];
  rejected: Rejection[];
  /** Events found duplicates before storing: an earlier event of this batch had the id, or it is in `stored`. */
  duplicates: number;
}

/** `stored`: ids the storage holds for the batch's installation, when it was asked (Storage.holding). */
export function checkEvents(batch: Batch, stored?: ReadonlySet<string>): EventVerdicts {
  const candidates: Candidate[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let bodyChecked = false;
  batch.events.forEach((value: unknown, index) => {
    const at = `/events/${index}`;
    const id = (value as { id?: unknown }).id;
    const reject = (code: Rejection['code'], errors: Rejection['errors']) => {
      const r: Rejection = { index, code, errors };
      if (typeof id === 'string' && UUIDV7.test(id)) { r.eventId = id; }
      rejected.push(r);
    };
    // Validation first (it never recurses deeper than the schema): an invalid event may hide a value too
    // deep for the body, which step 4 refuses as a whole, and for JSON.stringify, which recurses.
    const valid = validateEvent(value);
    const errors = valid ? [] : validateEvent.errors ?? [];
    if (!valid && !bodyChecked) { refuseIfTooDeep(batch); bodyChecked = true; }
    // An event already stored is not stored again: its size (7.1 comes before 7.5) from a bound, without
    // serialising it, unless the bound says it may be over.
    const known = valid && stored !== undefined && value.installationId === batch.installationId && stored.has(value.id);
    let json: string | undefined;
    let bytes = known ? jsonBytesAtMost(value, MAX_EVENT_BYTES) : Number.POSITIVE_INFINITY;
    if (bytes > MAX_EVENT_BYTES) {
      json = JSON.stringify(value);
      bytes = Buffer.byteLength(json, 'utf8');
    }
    if (bytes > MAX_EVENT_BYTES) {
      reject('event_too_large', [{ pointer: at, message: `is ${bytes} bytes as compact JSON; the limit is ${MAX_EVENT_BYTES}` }]);
      return;
    }
    if (!valid) {
      if (depthUpTo(value, MAX_EVENT_DEPTH) > MAX_EVENT_DEPTH) {
        reject('too_deep', [{ pointer: at, message: `nests more than ${MAX_EVENT_DEPTH} levels deep (the event object is level 1)` }]);
        return;
      }
      reject(refusalCode(value, errors), toFieldErrors(errors, at) as Rejection['errors']);
      return;
    }
    if (value.installationId !== batch.installationId) {
      reject('installation_mismatch', [{ pointer: `${at}/installationId`, message: `must be the batch's installationId, ${batch.installationId}` }]);
      return;
    }
    if (known || seen.has(value.id)) { duplicates++; return; }
    seen.add(value.id);
    // Not known, so serialised above.
    candidates.push({ index, event: value, json: json! });
  });
  return { candidates, rejected, duplicates };
}
