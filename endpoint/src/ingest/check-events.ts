// Step 7 of PROTOCOL.md §4: each event on its own, in order; the first failing check is its reason.
// What passes is a candidate for storage; an id seen earlier in the batch is a duplicate already.
import validateEvent from '../../../generated/validators/event.cjs';
import type { Batch, CandorEvent, Rejection } from '../../../generated/types';
import envelope from '../../../schemas/event/envelope.schema.json';
import { MAX_EVENT_BYTES, MAX_EVENT_DEPTH } from '../../../protocol/limits';
import { refusalCode, toFieldErrors } from '../../../protocol/validation-errors';
import { depthUpTo } from '../http/nesting';

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
  /** Events whose id an earlier event of this batch already had. */
  repeats: number;
}

/**
 * `bodyDepth` is the depth of the whole body: an event sits 2 levels down (body, events), so when the body
 * is no deeper than 16 + 2 no event can be too deep, and the events are not walked again.
 */
export function checkEvents(batch: Batch, bodyDepth = Number.POSITIVE_INFINITY): EventVerdicts {
  const mayBeTooDeep = bodyDepth > MAX_EVENT_DEPTH + 2;
  const candidates: Candidate[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  let repeats = 0;
  batch.events.forEach((value: unknown, index) => {
    const at = `/events/${index}`;
    const id = (value as { id?: unknown }).id;
    const reject = (code: Rejection['code'], errors: Rejection['errors']) => {
      const r: Rejection = { index, code, errors };
      if (typeof id === 'string' && UUIDV7.test(id)) { r.eventId = id; }
      rejected.push(r);
    };
    const json = JSON.stringify(value);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > MAX_EVENT_BYTES) {
      reject('event_too_large', [{ pointer: at, message: `is ${bytes} bytes as compact JSON; the limit is ${MAX_EVENT_BYTES}` }]);
      return;
    }
    if (mayBeTooDeep && depthUpTo(value, MAX_EVENT_DEPTH) > MAX_EVENT_DEPTH) {
      reject('too_deep', [{ pointer: at, message: `nests more than ${MAX_EVENT_DEPTH} levels deep (the event object is level 1)` }]);
      return;
    }
    if (!validateEvent(value)) {
      const errors = validateEvent.errors ?? [];
      reject(refusalCode(value, errors), toFieldErrors(errors, at) as Rejection['errors']);
      return;
    }
    if (value.installationId !== batch.installationId) {
      reject('installation_mismatch', [{ pointer: `${at}/installationId`, message: `must be the batch's installationId, ${batch.installationId}` }]);
      return;
    }
    if (seen.has(value.id)) { repeats++; return; }
    seen.add(value.id);
    candidates.push({ index, event: value, json });
  });
  return { candidates, rejected, repeats };
}
