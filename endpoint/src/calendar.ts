// Days and times as the endpoint writes them: UTC days `YYYY-MM-DD` and RFC 3339 timestamps with
// milliseconds.

const DAY_MS = 86_400_000;
let lastDayNumber = Number.NaN;
let lastDay = '';

/**
 * `YYYY-MM-DD` (UTC) of a time. The events of a batch nearly always fall on one day: the last day is
 * remembered, so that a batch formats one date instead of one per event.
 */
export function dayOf(ms: number): string {
  const dayNumber = Math.floor(ms / DAY_MS);
  if (dayNumber !== lastDayNumber) {
    lastDay = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    lastDayNumber = dayNumber;
  }
  return lastDay;
}

/** The times a day covers: [start, end). */
export function dayRange(day: string): [number, number] {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  return [start, start + 86_400_000];
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
