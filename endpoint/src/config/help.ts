// The text of `--help`, made from the table of options so that it lists every one.
import { OPTIONS } from './options';

export function helpText(): string {
  const lines = [
    'candor-endpoint: the reference endpoint of the Candor telemetry protocol (schemas/PROTOCOL.md).',
    '',
    'Usage: npm start -- [flags]     (or: node endpoint/bin/candor-endpoint.mjs [flags])',
    '',
    'Prints "listening on http://HOST:PORT" on standard output once it accepts requests; logs go to',
    'standard error as JSON lines. SIGTERM or SIGINT stops it gracefully.',
    '',
    'Flags (each also read from the environment variable shown; a flag wins):',
  ];
  for (const o of OPTIONS) {
    const fallback = o.secret || o.fallback === undefined || (Array.isArray(o.fallback) && o.fallback.length === 0)
      ? 'not set' : typeof o.fallback === 'object' && o.fallback !== null && 'kind' in o.fallback
        ? (o.fallback.kind === 'sqlite' ? `sqlite:${o.fallback.path}` : 'postgres') : String(o.key.endsWith('Ms') ? Number(o.fallback) / 1000 : o.fallback);
    lines.push('', `  --${o.flag} ${o.value}${o.repeatable ? ' (repeatable)' : ''}`, `      ${o.env}; default: ${fallback}`);
    for (const line of wrap(o.help, 92)) { lines.push(`      ${line}`); }
  }
  lines.push('', '  -h, --help', '      Print this text and exit.', '');
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > width) { out.push(line); line = word; } else { line = line ? `${line} ${word}` : word; }
  }
  if (line) { out.push(line); }
  return out;
}
