// Between checking and storing: what the endpoint adds to each accepted event — the times of its
// delivery, its corrected time and day, and the measurements the daily roll-up will read.
import { measurementsJson, measurementsOf } from '../analytics/measurements';
import type { EventRow } from '../storage/storage';
import type { Candidate } from './check-events';
import { correctedTime, dayOf, type DeliveryTimes } from './delivery-times';

export function enrich(candidates: readonly Candidate[], times: DeliveryTimes): EventRow[] {
  return candidates.map(({ event, json }) => {
    const correctedAt = correctedTime(event.timestamp, times);
    return {
      eventId: event.id,
      kind: event.kind,
      name: event.name,
      source: event.source.extension,
      day: dayOf(correctedAt),
      receivedAt: times.receivedAt,
      sentAt: times.sentAt,
      correctedAt,
      json,
      measures: measurementsJson(measurementsOf(event)),
    };
  });
}
