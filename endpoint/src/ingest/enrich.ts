// Between checking and storing: what the endpoint adds to each accepted event — the times of its
// delivery, and its corrected time and day.
import { dayOf } from '../calendar';
import type { EventRow } from '../storage/storage';
import type { Candidate } from './check-events';
import { correctedTime, type DeliveryTimes } from './delivery-times';

export function enrich(candidates: readonly Candidate[], times: DeliveryTimes): EventRow[] {
  return candidates.map(({ event, json }) => {
    const correctedAt = correctedTime(event.timestamp, times);
    return { eventId: event.id, receivedAt: times.receivedAt, sentAt: times.sentAt, correctedAt, day: dayOf(correctedAt), json };
  });
}
