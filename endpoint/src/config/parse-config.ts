// Turns the command line and the environment into a Config, or into messages that say which flag is
// wrong and why. A flag wins over its environment variable; both win over the default.
import { parseArgs } from 'node:util';
import { type Config, OPTIONS } from './options';

export type ParsedConfig = { kind: 'config'; config: Config } | { kind: 'help' } | { kind: 'errors'; errors: string[] };

export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedConfig {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = { help: { type: 'boolean', short: 'h' } };
    for (const o of OPTIONS) { options[o.flag] = { type: 'string', multiple: o.repeatable === true }; }
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    return { kind: 'errors', errors: [argumentError(error)] };
  }
  if (values.help === true) { return { kind: 'help' }; }

  const config: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const o of OPTIONS) {
    const fromFlag = values[o.flag];
    const fromEnv = env[o.env];
    let raws: string[] | undefined;
    let source: string;
    if (fromFlag !== undefined) {
      raws = Array.isArray(fromFlag) ? fromFlag : [String(fromFlag)];
      source = `--${o.flag}`;
    } else if (fromEnv !== undefined && fromEnv !== '') {
      raws = o.repeatable ? fromEnv.split(',').map((s) => s.trim()).filter((s) => s !== '') : [fromEnv];
      source = o.env;
    } else {
      config[o.key] = o.fallback;
      continue;
    }
    try {
      const read = raws.map((raw) => o.read(raw));
      config[o.key] = o.repeatable ? read.flat() : read[read.length - 1];
    } catch (error) {
      const shown = o.secret ? '(value hidden)' : JSON.stringify(raws.join(',')).slice(0, 120);
      errors.push(`${source} ${shown} ${(error as Error).message}. Run with --help to see every setting.`);
    }
  }
  return errors.length > 0 ? { kind: 'errors', errors } : { kind: 'config', config: config as unknown as Config };
}

function argumentError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? 'a flag';
    return `unknown flag ${flag}. Run with --help to see every setting.`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /Option '([^']+)'/.exec(message)?.[1] ?? 'a flag';
    const name = flag.replace(/^-\w, /, '').replace(/ <value>$/, '');
    return `${name} needs a value (write ${name}=VALUE for a value that starts with -). Run with --help to see every setting.`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']+)'/.exec(message)?.[1] ?? 'an argument';
    return `unexpected argument ${arg}: every setting is a --flag with a value. Run with --help to see them.`;
  }
  return `${message}. Run with --help to see every setting.`;
}
