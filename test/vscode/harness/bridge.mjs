// The tests run inside the editor's extension host, but some of what they check is only visible to a
// user: the palette, a webview's pixels, a screenshot; and some processes belong beside the editor,
// not inside it (the endpoint). The launcher serves those as actions on a loopback HTTP port whose
// URL the extension host gets in CANDOR_HARNESS_BRIDGE; test/vscode/helpers/ calls them.
//
// Protocol: POST /<action> with a JSON body of arguments → 200 {"value": …} or 500 {"error": "…"}.
import http from 'node:http';

/**
 * @param {Record<string, (args: any) => Promise<unknown>>} actions
 * @returns {Promise<{ url: string, handle(name: string, fn: (args: any) => Promise<unknown>): void, close(): Promise<void> }>}
 */
export async function startBridge(actions = {}) {
  const table = new Map(Object.entries(actions));
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
      const reply = (status, value) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(value)); };
      const action = req.method === 'POST' ? table.get(name) : undefined;
      if (!action) {
        reply(404, { error: `the harness has no action "${name}" in this launcher (it has: ${[...table.keys()].join(', ') || 'none'})` });
        return;
      }
      try {
        reply(200, { value: (await action(body ? JSON.parse(body) : {})) ?? null });
      } catch (e) {
        reply(500, { error: e instanceof Error ? e.message : String(e) });
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    handle(name, fn) { table.set(name, fn); },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve(undefined)); }),
  };
}
