// The panel's page: a root element, the bundle's stylesheet and script, and the CSP. Nothing inline that
// runs. Pure (no `vscode`), so that the browser tests load exactly this page.
import { panelCsp } from './csp';

export interface PanelPage {
  /** The webview's `cspSource`: the origin its local resources are served from. */
  readonly cspSource: string;
  readonly nonce: string;
  /** Where the bundle's files are, as webview URIs. */
  readonly scriptUri: string;
  readonly styleUri: string;
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function panelHtml(p: PanelPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(panelCsp(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Candor</title>
<link rel="stylesheet" href="${attr(p.styleUri)}" nonce="${attr(p.nonce)}">
</head>
<body>
<main id="app" aria-busy="true" aria-label="Candor: pending telemetry, history and consent">Loading Candor…</main>
<script src="${attr(p.scriptUri)}" nonce="${attr(p.nonce)}"></script>
</body>
</html>
`;
}
