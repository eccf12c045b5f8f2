// Days and times as the endpoint writes them: UTC days `YYYY-MM-DD` and RFC 3339 timestamps with
// milliseconds.

/** `YYYY-MM-DD` (UTC) of a time. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The times a day covers: [start, end). */
export function dayRange(day: string): [number, number] {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  return [start, start + 86_400_000];
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
