// Removes personal data from free text before anything is stored (PROTOCOL.md §9): e-mail addresses,
// keys and tokens, IP addresses, URLs (with their credentials and query strings), absolute file paths,
// and this user's and machine's names. Each is replaced by a placeholder that says what was there
// (`<email>`, `<path>.ts`), so a message stays readable without saying whose it was.
//
// Order matters: whole structures first (private keys, URLs, file URIs), then shapes inside them would
// no longer be seen (a token inside a URL's query is gone with the URL). Placeholders contain none of
// the characters the later rules look for, so nothing is scrubbed twice.
import type { PersonalStrings } from '../ports/environment';

type Rule = readonly [RegExp, string | ((match: string, ...groups: string[]) => string)];

/** File extensions kept after a scrubbed path: common ones only, so a folder named `alice.smith` never leaks its "extension". */
const KEPT_EXTENSIONS = new Set(('ts tsx mts cts js jsx mjs cjs json jsonc md mdx txt py pyi rs go java kt kts scala c h cc cpp hpp cs fs vb rb php ' +
  'html htm css scss sass less vue svelte astro yaml yml toml xml ini cfg conf sh bash zsh ps1 bat cmd sql graphql proto lock log ' +
  'ipynb swift m mm dart lua r jl ex exs erl hs ml clj zig nim tf gradle csproj sln vsix zip gz tar tgz png jpg jpeg gif svg ico ' +
  'wasm node exe dll so dylib map pdf csv tsv').split(' '));

function pathPlaceholder(path: string): string {
  const last = path.split(/[\\/]/).pop() ?? '';
  const dot = last.lastIndexOf('.');
  const ext = dot > 0 ? last.slice(dot + 1).toLowerCase() : '';
  return KEPT_EXTENSIONS.has(ext) ? `<path>.${ext}` : '<path>';
}

// Characters that end a path or URL in running text.
const STOP = `\\s'"<>|()\\[\\]{}\`,;`;
/** One character of a file or folder name. */
const NAME = `[^${STOP}:*?\\\\/]`;
/** A folder name, which may hold single spaces. */
const SEGMENT = `${NAME}+(?: ${NAME}+)*`;

const RULES: readonly Rule[] = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, '<private-key>'],
  // file:// URIs are paths.
  [new RegExp(`\\bfile:(?://)?[^${STOP}]+`, 'gi'), (m) => pathPlaceholder(decodeSafely(m))],
  // Every other URL goes whole: its host, path, credentials and query can all name someone.
  [new RegExp(`\\b[a-z][a-z0-9+.-]{1,20}://[^${STOP}]+`, 'gi'), '<url>'],
  [/\b(Bearer|Basic|Digest|Token)\s+[A-Za-z0-9._~+/=-]{6,}/g, '$1 <token>'],
  // JSON Web Tokens: three base64url parts, the first a JSON header.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '<token>'],
  // Well-known key shapes (GitHub, GitLab, AWS, Google, Slack, Stripe, OpenAI/Anthropic, npm, SendGrid).
  [/\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|xox[abposr]-[A-Za-z0-9-]{10,}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|sk-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,})/g, '<key>'],
  // `password=…`, `api_key: …`, `"token": "…"`: keep the name, drop the value.
  [/\b((?:pass(?:word|wd|phrase)?|pwd|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|account[_-]?key|shared[_-]?access[_-]?key|auth|authorization|credentials?|session[_-]?id|cookie)["']?\s*[:=]\s*)(?!(?:Bearer|Basic|Digest|Token)\s|<)(?:(["'])(?:(?!\2)[^\n])*\2|[^\s"',;&]+)/gi,
    (_m, name: string, value?: string) => `${name}${value ?? ''}<secret>${value ?? ''}`],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g, '<email>'],
  // Windows paths (C:\…, C:/…), UNC paths (\\server\share), home-relative and POSIX absolute paths.
  // A folder name may hold single spaces (`C:\Users\Alice Smith\…`); the last segment may not.
  [new RegExp(`\\b[A-Za-z]:[\\\\/](?:${SEGMENT}[\\\\/])*${NAME}*`, 'g'), (m) => pathPlaceholder(m)],
  [new RegExp(`\\\\\\\\${NAME}+[\\\\/](?:${SEGMENT}[\\\\/])*${NAME}*`, 'g'), (m) => pathPlaceholder(m)],
  [new RegExp(`(?<![A-Za-z0-9_.~-])~[\\\\/](?:${SEGMENT}[\\\\/])*${NAME}*`, 'g'), (m) => pathPlaceholder(m)],
  [new RegExp(`(?<![A-Za-z0-9_.~:-])/(?:(?:${SEGMENT}/)+${NAME}*|${NAME}+)`, 'g'), (m) => pathPlaceholder(m)],
  // IP addresses. IPv6 candidates are confirmed by the parser so that times like 12:30:45 stay.
  [/(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:[0-9]{1,3}\.){3}[0-9]{1,3})(?:%[0-9A-Za-z]+)?(?![0-9A-Za-z:])/g,
    (m) => (isIPv6(m.replace(/%.*$/, '')) ? '<ip>' : m)],
  [/(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(?![0-9]|\.[0-9])/g, '<ip>'],
  // Long random-looking runs (hex digests, base64 secrets): letters and digits mixed, 32 or more.
  [/(?<![A-Za-z0-9_+/=-])(?=[A-Za-z0-9_+/=-]*[0-9])(?=[A-Za-z0-9_+/=-]*[A-Za-z])[A-Za-z0-9_+/=-]{32,}(?![A-Za-z0-9_+/=-])/g, '<token>'],
];

// A cheap first look: text with none of these cannot match any rule above, and most property values are
// short names like `candor.sendNow` that pass straight through.
const SUSPICIOUS = /[@/\\:~]|[0-9]\.[0-9]|[A-Za-z0-9_+=-]{20,}|bearer|basic|digest|token|pass|pwd|secret|key|auth|cred|cookie|session|file:|-----/i;

/** Whether `s` is an IPv6 address (RFC 4291 text forms, with an optional trailing IPv4). Pure, so the scrubber needs no `net`. */
export function isIPv6(s: string): boolean {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // A trailing IPv4 address counts as the last two groups.
    if (!/^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/.test(tail)) { return false; }
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) { return false; }
  const parts = halves.map((h) => (h === '' ? [] : h.split(':')));
  if (parts.some((g) => g.some((x) => !/^[0-9A-Fa-f]{1,4}$/.test(x)))) { return false; }
  const groups = parts[0]!.length + (parts[1]?.length ?? 0);
  return halves.length === 2 ? groups <= 7 : groups === 8;
}

function decodeSafely(uri: string): string {
  try { return decodeURIComponent(uri); } catch { return uri; }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface Scrubber {
  /** `text` with every personal datum replaced by a placeholder. */
  scrub(text: string): string;
  /** A stack frame's file: a path inside the reporting extension stays relative; an absolute one becomes `<path>.ext`. */
  scrubFile(file: string): string;
}

export function createScrubber(personal: PersonalStrings = {}): Scrubber {
  // The user's own names, wherever they appear (a project folder named after them, a prompt in a message).
  const names = [personal.homeDir, personal.userName, personal.hostName]
    .filter((n): n is string => typeof n === 'string' && n.trim().length >= 2)
    .map((n) => n.trim());
  const named = names.length === 0 ? undefined
    : new RegExp(`(?<![A-Za-z0-9])(?:${names.map(escapeRegExp).sort((a, b) => b.length - a.length).join('|')})(?![A-Za-z0-9])`, 'gi');
  const placeholderFor = (m: string) => {
    const lower = m.toLowerCase();
    if (personal.homeDir && lower === personal.homeDir.trim().toLowerCase()) { return '<path>'; }
    if (personal.hostName && lower === personal.hostName.trim().toLowerCase()) { return '<host>'; }
    return '<user>';
  };

  const scrub = (text: string): string => {
    let out = text;
    if (SUSPICIOUS.test(out)) {
      for (const [pattern, replacement] of RULES) {
        pattern.lastIndex = 0;
        out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
      }
    }
    if (named) { named.lastIndex = 0; out = out.replace(named, placeholderFor); }
    return out;
  };

  const scrubFile = (file: string): string => {
    const isAbsolute = /^(?:[A-Za-z]:[\\/]|[\\/]|~[\\/]|file:)/i.test(file);
    return isAbsolute ? pathPlaceholder(file.startsWith('file:') ? decodeSafely(file) : file) : scrub(file);
  };

  return { scrub, scrubFile };
}
