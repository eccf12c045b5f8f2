// The panel's Content Security Policy: nothing is allowed unless named. Scripts run only with this page's
// nonce (our one bundle, from the extension's own files), styles come from the bundle's folder or carry
// the nonce, and nothing may be fetched, framed, submitted or loaded from anywhere else; no inline
// handlers and no eval, since neither 'unsafe-inline' nor 'unsafe-eval' is given.
import { randomBytes } from 'node:crypto';

/** 128 random bits from the operating system's generator (not Math.random, which is predictable). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    "img-src 'none'",
    "font-src 'none'",
    "connect-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
