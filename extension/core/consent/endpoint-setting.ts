// The endpoint setting is input from outside (a settings file, possibly a workspace's): parse it
// strictly and say exactly what is wrong, so that events never go somewhere the user did not mean.

export type EndpointCheck = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly problem: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(hostname);
}

/** Validates `candor.endpoint`. An empty value means "no endpoint", which is not a problem. */
export function checkEndpoint(raw: unknown): EndpointCheck | undefined {
  if (raw === undefined || raw === null || raw === '') { return undefined; }
  if (typeof raw !== 'string') { return { ok: false, problem: 'it must be a URL string.' }; }
  if (raw.length > 2048) { return { ok: false, problem: 'it is longer than 2048 characters.' }; }
  let url: URL;
  try { url = new URL(raw.trim()); } catch { return { ok: false, problem: `"${raw.slice(0, 80)}" is not a URL; use one like https://telemetry.example.com/.` }; }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, problem: `the scheme ${url.protocol} is not supported; use https://.` };
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return { ok: false, problem: `http:// is allowed only for a loopback address (127.0.0.1, ::1, localhost); use https://${url.host}${url.pathname}.` };
  }
  if (url.username || url.password) {
    return { ok: false, problem: 'it must not contain a user name or password; set an ingest token with "Candor: Set Ingest Token" instead.' };
  }
  if (url.search || url.hash) {
    return { ok: false, problem: 'it must not contain a query (?…) or a fragment (#…).' };
  }
  // The base URL's path is a prefix for the protocol's routes, so it always ends with a slash.
  if (!url.pathname.endsWith('/')) { url.pathname += '/'; }
  return { ok: true, url: url.href };
}
