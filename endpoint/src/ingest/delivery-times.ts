// Clock-skew correction of PROTOCOL.md §4: the endpoint keeps the event's timestamp, the client's clock
// at the delivering attempt (`Candor-Sent-At`, or else the batch's `sentAt`) and its own receive time,
// and places the event at `receivedAt − (sentAt − timestamp)` on its own clock.
import envelope from '../../../schemas/event/envelope.schema.json';

const TIMESTAMP = new RegExp(envelope.$defs.timestamp.pattern);
/** The corrected time stays within what the timestamp format can write. */
const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

export interface DeliveryTimes {
  receivedAt: number;
  sentAt: number;
}

/** The header wins when it is a valid timestamp: a retry resends the batch's bytes, and so its old sentAt. */
export function deliveryTimes(receivedAt: number, sentAtHeader: string | undefined, batchSentAt: string): DeliveryTimes {
  const header = sentAtHeader?.trim();
  const sentAt = header !== undefined && TIMESTAMP.test(header) ? Date.parse(header) : Date.parse(batchSentAt);
  return { receivedAt, sentAt };
}

export function correctedTime(timestamp: string, times: DeliveryTimes): number {
  const corrected = times.receivedAt - (times.sentAt - Date.parse(timestamp));
  return Math.min(LATEST, Math.max(EARLIEST, corrected));
}
