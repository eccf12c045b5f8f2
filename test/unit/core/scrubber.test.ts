import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScrubber } from '../../../extension/core/privacy/scrubber';
import { PII_CORPUS, TEST_PERSONAL } from '../../support/pii-corpus';

const { scrub, scrubFile } = createScrubber(TEST_PERSONAL);

describe('the scrubber on its PII corpus', () => {
  it.each(PII_CORPUS.map((s) => [s.kind, s] as const))('removes %s', (_, sample) => {
    const out = scrub(sample.text);
    for (const secret of sample.secrets) { expect(out.toLowerCase()).not.toContain(secret.toLowerCase()); }
    expect(out).toMatch(/<(email|key|token|secret|ip|url|path|user|host|private-key)>/);
  });

  it('says what was there', () => {
    expect(scrub('mail jane.doe@example.com now')).toBe('mail <email> now');
    expect(scrub("open '/home/someone/src/index.ts'")).toBe("open '<path>.ts'");
    expect(scrub('C:\\Users\\x\\a.py failed')).toBe('<path>.py failed');
    expect(scrub('connect ECONNREFUSED 10.0.0.1:443')).toBe('connect ECONNREFUSED <ip>:443');
    expect(scrub('see https://example.com/a?b=c')).toBe('see <url>');
    expect(scrub('Authorization: Bearer abcdef123456')).toBe('Authorization: Bearer <token>');
    expect(scrub('password: hunter22')).toBe('password: <secret>');
    expect(scrub('user mkowalczyk')).toBe('user <user>');
  });

  it('keeps a path\'s extension only when it is a common file extension', () => {
    expect(scrub('/home/x/alice.smith')).toBe('<path>');
    expect(scrub('/opt/app/main.rs')).toBe('<path>.rs');
  });

  it('leaves ordinary messages, names and numbers alone', () => {
    for (const text of [
      "Cannot read properties of undefined (reading 'length')",
      'candor.sendNow', 'Request failed with status code 503', 'took 12.5 ms at 12:30:45',
      'version 1.100.3-insider', 'and/or', '50/100 done', 'TypeError', 'ECONNRESET', 'expected 3 arguments, got 2',
      'node:internal/process/task_queues', 'dist/extension.js',
    ]) { expect(scrub(text)).toBe(text); }
  });

  it('reduces stack frame files to a placeholder unless they are relative to the extension', () => {
    expect(scrubFile('/home/mkowalczyk/.vscode/extensions/x/dist/extension.js')).toBe('<path>.js');
    expect(scrubFile('C:\\Users\\bob\\ext\\out\\main.js')).toBe('<path>.js');
    expect(scrubFile('file:///Users/bob/x.ts')).toBe('<path>.ts');
    expect(scrubFile('dist/extension.js')).toBe('dist/extension.js');
  });

  it('is idempotent and never lengthens text by more than its placeholders', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      const once = scrub(s);
      expect(scrub(once)).toBe(once);
    }));
    for (const sample of PII_CORPUS) { expect(scrub(scrub(sample.text))).toBe(scrub(sample.text)); }
  });

  it('finds a secret wherever it sits in a longer text', () => {
    fc.assert(fc.property(fc.constantFrom(...PII_CORPUS), fc.string({ maxLength: 20 }).map((s) => s.replace(/[^a-z ]/g, '')), fc.string({ maxLength: 20 }).map((s) => s.replace(/[^a-z ]/g, '')),
      (sample, before, after) => {
        const out = scrub(`${before} ${sample.text} ${after}`);
        for (const secret of sample.secrets) { expect(out.toLowerCase()).not.toContain(secret.toLowerCase()); }
      }));
  });
});

describe('the IPv6 check of the scrubber', () => {
  it('agrees with Node\'s own parser', async () => {
    const { isIPv6 } = await import('../../../extension/core/privacy/scrubber');
    const net = await import('node:net');
    const samples = ['::1', '::', '1::', 'fe80::1', '2001:db8:85a3::8a2e:370:7334', '2001:0db8:0000:0000:0000:ff00:0042:8329', '::ffff:192.0.2.128',
      '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', '12:30:45', 'abcd', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.4', ':', ':::', 'g::1', '12345::1', '1:2:3:4:5:6:7::', '1::2:3:4:5:6:7'];
    for (const s of samples) { expect({ s, v: isIPv6(s) }).toEqual({ s, v: net.isIPv6(s) }); }
    fc.assert(fc.property(fc.ipV6(), (ip) => { expect(isIPv6(ip)).toBe(true); }));
    fc.assert(fc.property(fc.stringMatching(/^[0-9a-f:.]{1,20}$/), (s) => { expect(isIPv6(s)).toBe(net.isIPv6(s)); }));
  });
});
