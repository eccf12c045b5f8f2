// The panel's page and its Content Security Policy: nothing runs or loads unless it is our bundle.
import { describe, expect, it } from 'vitest';
import { makeNonce, panelCsp } from '../../../extension/host/panel/csp';
import { panelHtml } from '../../../extension/host/panel/html';

const SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

describe('panelCsp', () => {
  it('denies by default and allows scripts only by nonce, styles only from the bundle or by nonce, and no connections', () => {
    const csp = panelCsp(SOURCE, 'n0nce');
    const directives = new Map(csp.split('; ').map((d) => { const [k, ...v] = d.split(' '); return [k!, v.join(' ')]; }));
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'nonce-n0nce'");
    expect(directives.get('style-src')).toBe(`${SOURCE} 'nonce-n0nce'`);
    expect(directives.get('connect-src')).toBe("'none'");
    expect(directives.get('img-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|(^|\s)(https?|data|blob|vscode-resource):(\s|;|$)/);
  });
});

describe('makeNonce', () => {
  it('makes 128 random bits, different each time', () => {
    const nonces = new Set(Array.from({ length: 1000 }, makeNonce));
    expect(nonces.size).toBe(1000);
    for (const n of nonces) { expect(Buffer.from(n, 'base64')).toHaveLength(16); }
  });
});

describe('panelHtml', () => {
  const html = panelHtml({ cspSource: SOURCE, nonce: 'abc+/=', scriptUri: `${SOURCE}/ext/dist/webview/main.js`, styleUri: `${SOURCE}/ext/dist/webview/main.css` });

  it('carries the CSP and loads only the bundle, with the nonce', () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${panelCsp(SOURCE, 'abc+/=').replace(/'/g, "'")}">`);
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual([`<script src="${SOURCE}/ext/dist/webview/main.js" nonce="abc+/=">`]);
    expect(html).toContain(`<link rel="stylesheet" href="${SOURCE}/ext/dist/webview/main.css" nonce="abc+/=">`);
  });

  it('has no inline script, style or event handler', () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=|\son[a-z]+=/i);
  });

  it('escapes what it puts in attributes', () => {
    const evil = panelHtml({ cspSource: SOURCE, nonce: 'n', scriptUri: 'x" onload="alert(1)', styleUri: 'y><script>' });
    expect(evil).not.toContain('onload="');
    expect(evil).not.toContain('y><script>');
  });
});
