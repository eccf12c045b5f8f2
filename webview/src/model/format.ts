// How numbers and times read in the panel.

export function formatBytes(n: number): string {
  if (n < 1024) { return `${n} B`; }
  if (n < 1024 * 1024) { return `${(n / 1024).toFixed(1)} KiB`; }
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

export const formatCount = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A timestamp of the spec (UTC, ISO 8601) as the user's local date and time, keeping the original for a tooltip. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}
