// Reading the settings: defaults, flags over environment variables, lists, and a message for every
// kind of mistake that names the flag, the value (never a token's) and what is expected.
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../src/config/options';
import { helpText } from '../src/config/help';
import { parseConfig } from '../src/config/parse-config';

const errors = (args: string[], env: Record<string, string> = {}) => {
  const parsed = parseConfig(args, env);
  return parsed.kind === 'errors' ? parsed.errors : [];
};

describe('settings', () => {
  it('default to a local SQLite endpoint on 127.0.0.1:8080 that requires no token', () => {
    const parsed = parseConfig([], {});
    expect(parsed).toMatchObject({ kind: 'config', config: { host: '127.0.0.1', port: 8080, database: { kind: 'sqlite', path: 'data/candor.db' }, ingestTokens: [], adminToken: undefined, maxBodyBytes: 512_000, retentionDays: 90 } });
  });

  it('take a flag over its environment variable, and seconds as milliseconds', () => {
    const parsed = parseConfig(['--port', '9000', '--body-timeout', '3'], { CANDOR_PORT: '7000', CANDOR_HOST: '0.0.0.0', CANDOR_DATABASE: 'postgres://db.internal/candor' });
    expect(parsed).toMatchObject({ kind: 'config', config: { port: 9000, host: '0.0.0.0', bodyTimeoutMs: 3000, database: { kind: 'postgres', url: 'postgres://db.internal/candor' } } });
  });

  it('make lists of repeated token flags, or of a comma-separated variable', () => {
    expect(parseConfig(['--ingest-token', 'aaaaaaaaaaaaaaaa', '--ingest-token', 'bbbbbbbbbbbbbbbb'], {})).toMatchObject({ config: { ingestTokens: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'] } });
    expect(parseConfig([], { CANDOR_INGEST_TOKENS: 'aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb' })).toMatchObject({ config: { ingestTokens: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'] } });
    expect(parseConfig(['--trust-proxy', '10.0.0.0/8,127.0.0.1'], {})).toMatchObject({ config: { trustProxy: ['10.0.0.0/8', '127.0.0.1'] } });
  });

  it.each([
    [['--port', 'eighty'], /^--port "eighty" must be a whole number/],
    [['--port', '70000'], /^--port "70000" must be between 0 and 65535/],
    [['--colour', 'red'], /^unknown flag --colour/],
    [['--port'], /^--port needs a value/],
    [['serve'], /^unexpected argument serve/],
    [['--database', 'mysql://db/x'], /^--database "mysql:\/\/db\/x" must start with sqlite: .* or postgres:\/\//],
    [['--database', 'sqlite:'], /needs a file after sqlite:/],
    [['--database', 'sqlite::memory:'], /in-memory database would lose every accepted event/],
    [['--ingest-token', 'short'], /^--ingest-token \(value hidden\) must be 16 to 512 characters/],
    [['--max-body-bytes', '1000'], /^--max-body-bytes "1000" must be between 512000/],
    [['--log-level', 'loud'], /must be one of fatal, error, warn, info, debug, trace, silent/],
    [['--trust-proxy', 'everyone'], /must be true, false, or comma-separated IP addresses/],
    [['--retention-days', '-1'], /^--retention-days needs a value \(write --retention-days=VALUE/],
    [['--retention-days=-1'], /^--retention-days "-1" must be a whole number/],
  ])('refuse %j with a message that says what is expected', (args, message) => {
    const found = errors(args);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
    expect(found[0]).toMatch(/Run with --help/);
  });

  it('report every bad setting at once, and name the variable for one from the environment', () => {
    const found = errors(['--port', 'x'], { CANDOR_RETENTION_DAYS: 'forever' });
    expect(found).toHaveLength(2);
    expect(found[1]).toMatch(/^CANDOR_RETENTION_DAYS "forever" must be a whole number of days/);
  });

  it('never repeat a token in a message', () => {
    expect(errors(['--admin-token', 'a secret with spaces'])[0]).not.toContain('secret');
  });

  it('are all in the help text, with their variables', () => {
    const help = helpText();
    for (const o of OPTIONS) { expect(help).toContain(`--${o.flag} ${o.value}`); expect(help).toContain(o.env); }
    expect(parseConfig(['-h'], {})).toEqual({ kind: 'help' });
  });
});
