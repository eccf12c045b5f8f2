// Every setting of the endpoint, in one table: its flag, its environment variable, its default, how its
// value is read, and the line `--help` prints. The parser and the help text are both derived from it, so
// a setting cannot exist without being documented.
import { MAX_BODY_BYTES } from '../../../protocol/limits';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type DatabaseLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface Config {
  host: string;
  port: number;
  database: DatabaseLocation;
  ingestTokens: string[];
  adminToken: string | undefined;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  maxInFlight: number;
  rateLimitPerInstallation: number;
  rateLimitPerAddress: number;
  trustProxy: boolean | string[];
  retentionDays: number;
  maintenanceIntervalMs: number;
  pgPoolSize: number;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}

/** Reads one raw value; throws an Error whose message says what is wrong and what is expected. */
type Reader<T> = (raw: string) => T;

export interface Option<K extends keyof Config = keyof Config> {
  flag: string;
  env: string;
  key: K;
  /** How the value is written in the help text, e.g. `<seconds>`. */
  value: string;
  help: string;
  /** Several flags (or a comma-separated environment variable) make a list. */
  repeatable?: boolean;
  /** Never printed: a token's value must not appear in help, errors or logs. */
  secret?: boolean;
  read: Reader<Config[K]>;
  fallback: Config[K];
}

function integer(min: number, max: number, unit: string): Reader<number> {
  return (raw) => {
    if (!/^[0-9]{1,10}$/.test(raw.trim())) { throw new Error(`must be a whole number of ${unit}`); }
    const n = Number(raw.trim());
    if (n < min || n > max) { throw new Error(`must be between ${min} and ${max} ${unit}`); }
    return n;
  };
}

const seconds = (min: number, max: number): Reader<number> => (raw) => integer(min, max, 'seconds')(raw) * 1000;

function token(raw: string): string {
  // A bearer token is sent in a header (RFC 6750 b64token): visible ASCII without spaces.
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(raw)) { throw new Error('must be letters, digits and - . _ ~ + / (a bearer token), with no spaces'); }
  if (raw.length < 16 || raw.length > 512) { throw new Error('must be 16 to 512 characters long; make one with `openssl rand -base64url 32`'); }
  return raw;
}

export function readDatabase(raw: string): DatabaseLocation {
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    try { new URL(raw); } catch { throw new Error('is not a valid postgres:// URL, e.g. postgres://candor:secret@db.internal:5432/candor'); }
    return { kind: 'postgres', url: raw };
  }
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (path.length === 0) { throw new Error('needs a file after sqlite:, e.g. sqlite:data/candor.db'); }
    if (path === ':memory:') { throw new Error('needs a file after sqlite:, e.g. sqlite:data/candor.db: an in-memory database would lose every accepted event when the endpoint stops'); }
    return { kind: 'sqlite', path };
  }
  throw new Error('must start with sqlite: (a file, e.g. sqlite:data/candor.db) or postgres:// (a server)');
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const OPTIONS: readonly Option[] = [
  { flag: 'host', env: 'CANDOR_HOST', key: 'host', value: '<address>', fallback: '127.0.0.1',
    help: 'Address to listen on. 0.0.0.0 (or ::) to accept connections from other hosts, e.g. behind a reverse proxy.',
    read: (raw) => { if (!/^[A-Za-z0-9.:-]{1,253}$/.test(raw)) { throw new Error('must be an IP address or host name'); } return raw; } },
  { flag: 'port', env: 'CANDOR_PORT', key: 'port', value: '<port>', fallback: 8080,
    help: 'TCP port. 0 picks a free port; the line "listening on http://HOST:PORT" says which.',
    read: integer(0, 65535, '(a TCP port)') },
  { flag: 'database', env: 'CANDOR_DATABASE', key: 'database', value: '<sqlite:PATH|postgres://…>', fallback: { kind: 'sqlite', path: 'data/candor.db' },
    help: 'Where events are stored. sqlite:PATH is an embedded database file, created with its folder on first start. postgres://user:password@host:5432/db is a PostgreSQL server that several endpoint processes can share.',
    read: readDatabase },
  { flag: 'ingest-token', env: 'CANDOR_INGEST_TOKENS', key: 'ingestTokens', value: '<token>', fallback: [], repeatable: true, secret: true,
    help: 'Require "Authorization: Bearer <token>" on POST /v1/batch, export and deletion. Repeat the flag (or separate with commas in the variable) to accept several tokens while you rotate them. Without one, any client may send.',
    read: (raw) => [token(raw)] },
  { flag: 'admin-token', env: 'CANDOR_ADMIN_TOKEN', key: 'adminToken', value: '<token>', fallback: undefined, secret: true,
    help: 'Require "Authorization: Bearer <token>" on /metrics and /admin/v1/*. Without one, those routes are open: set one whenever the endpoint is reachable by others.',
    read: token },
  { flag: 'max-body-bytes', env: 'CANDOR_MAX_BODY_BYTES', key: 'maxBodyBytes', value: '<bytes>', fallback: MAX_BODY_BYTES,
    help: `Largest request body, as sent and after gzip decompression (413 above it). The protocol requires at least ${MAX_BODY_BYTES}.`,
    read: integer(MAX_BODY_BYTES, 64 * 1024 * 1024, 'bytes') },
  { flag: 'body-timeout', env: 'CANDOR_BODY_TIMEOUT', key: 'bodyTimeoutMs', value: '<seconds>', fallback: 10_000,
    help: 'Time a client has to send its whole request body; a slower one gets 408.',
    read: seconds(1, 300) },
  { flag: 'max-in-flight', env: 'CANDOR_MAX_IN_FLIGHT', key: 'maxInFlight', value: '<requests>', fallback: 256,
    help: 'Requests to the client routes processed at once; more get 503 with Retry-After instead of queueing without bound. Each may hold up to --max-body-bytes of memory.',
    read: integer(1, 100_000, 'requests') },
  { flag: 'rate-limit-installation', env: 'CANDOR_RATE_LIMIT_INSTALLATION', key: 'rateLimitPerInstallation', value: '<per minute>', fallback: 120,
    help: 'Batches one installation may send per minute (429 with Retry-After above it). 0 turns the limit off. A client sends about 2 a minute.',
    read: integer(0, 10_000_000, 'requests per minute') },
  { flag: 'rate-limit-address', env: 'CANDOR_RATE_LIMIT_ADDRESS', key: 'rateLimitPerAddress', value: '<per minute>', fallback: 6000,
    help: 'Requests one client address may make per minute to the client routes (429 with Retry-After above it). 0 turns the limit off. Many installations can share an address behind a NAT.',
    read: integer(0, 10_000_000, 'requests per minute') },
  { flag: 'trust-proxy', env: 'CANDOR_TRUST_PROXY', key: 'trustProxy', value: '<addresses>', fallback: false,
    help: 'Addresses (or CIDR ranges, comma-separated) of reverse proxies whose X-Forwarded-For names the client, for the per-address rate limit; "true" trusts any. Off by default: the TCP peer is the client.',
    read: (raw) => {
      if (raw === 'true') { return true; }
      if (raw === 'false') { return false; }
      const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
      if (list.length === 0 || list.some((a) => !/^[0-9A-Fa-f.:]+(\/[0-9]{1,3})?$/.test(a))) { throw new Error('must be true, false, or comma-separated IP addresses or CIDR ranges such as 10.0.0.0/8'); }
      return list;
    } },
  { flag: 'retention-days', env: 'CANDOR_RETENTION_DAYS', key: 'retentionDays', value: '<days>', fallback: 90,
    help: 'Delete stored events of days (by their corrected time, UTC) more than this many days ago. The daily roll-ups hold no installation id and stay. 0 keeps events forever.',
    read: integer(0, 36_500, 'days') },
  { flag: 'maintenance-interval', env: 'CANDOR_MAINTENANCE_INTERVAL', key: 'maintenanceIntervalMs', value: '<seconds>', fallback: 300_000,
    help: 'How often retention and the daily roll-up run (also once at start). The roll-up route also rolls up before it answers.',
    read: seconds(1, 86_400) },
  { flag: 'pg-pool-size', env: 'CANDOR_PG_POOL_SIZE', key: 'pgPoolSize', value: '<connections>', fallback: 10,
    help: 'Connections each process keeps to PostgreSQL. Keep the total over all replicas below the server\'s max_connections.',
    read: integer(1, 1000, 'connections') },
  { flag: 'log-level', env: 'CANDOR_LOG_LEVEL', key: 'logLevel', value: `<${LOG_LEVELS.join('|')}>`, fallback: 'info',
    help: 'Structured JSON logs on standard error. They never hold a token, a secret or an event\'s content.',
    read: (raw) => { if (!LOG_LEVELS.includes(raw as LogLevel)) { throw new Error(`must be one of ${LOG_LEVELS.join(', ')}`); } return raw as LogLevel; } },
  { flag: 'shutdown-timeout', env: 'CANDOR_SHUTDOWN_TIMEOUT', key: 'shutdownTimeoutMs', value: '<seconds>', fallback: 10_000,
    help: 'On SIGTERM or SIGINT, time to finish the requests in flight before the process exits anyway.',
    read: seconds(1, 600) },
];
