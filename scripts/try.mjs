// `npm run try`: Candor working in a minute. Starts the reference endpoint on an embedded SQLite file
// and a local VS Code (code-server) with the freshly packaged Candor installed, enabled and pointed at
// that endpoint, then prints the address to open in a browser. Ctrl-C stops both.
//
// Everything is throwaway (a temporary profile and database); both listen on 127.0.0.1 only, because
// this code-server has no password. From another machine, forward the port: ssh -L PORT:127.0.0.1:PORT host.
import { ensureInstalled } from './vscode/install.mjs';
import { buildEndpoint, endpointAvailable, startEndpoint } from '../test/vscode/harness/endpoint.mjs';
import { packageCandor } from '../test/vscode/harness/build.mjs';
import { installExtensions, startCodeServer } from '../test/vscode/harness/code-server.mjs';
import { createProfile } from '../test/vscode/harness/profile.mjs';

const say = (line) => console.log(`[try] ${line}`);

if (!endpointAvailable()) {
  console.error('[try] the endpoint is not in this checkout (endpoint/ has no build script), so there is nothing to send to yet');
  process.exit(1);
}
await ensureInstalled();
say('packaging Candor and building the endpoint');
const vsix = packageCandor();
buildEndpoint();

let endpoint;
let profile;
let editor;
let stopping = false;
async function stop(code) {
  if (stopping) { return; }
  stopping = true;
  say('stopping VS Code and the endpoint');
  await Promise.allSettled([editor?.stop(), endpoint?.stop()]);
  profile?.remove();
  process.exit(code);
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));

try {
  endpoint = await startEndpoint(); // in its own temporary folder, removed when it stops
  // What a user chooses to opt in; the editor's telemetry level stays at its default.
  profile = createProfile({ prefix: 'candor-try-', settings: { 'candor.enabled': true, 'candor.endpoint': endpoint.url } });
  installExtensions(profile, [vsix]);
  editor = await startCodeServer(profile);
} catch (e) {
  console.error(`[try] could not start: ${e instanceof Error ? e.message : e}`);
  await stop(1);
}
endpoint.process.exited.then(() => { if (!stopping) { console.error(`[try] the endpoint stopped:\n${endpoint.process.output().slice(-2000)}`); void stop(1); } });
editor.process.exited.then(() => { if (!stopping) { console.error(`[try] VS Code stopped:\n${editor.process.output().slice(-2000)}`); void stop(1); } });

console.log(`
  Candor is running in VS Code (code-server), enabled and pointed at the endpoint.

    Open in a browser:  ${editor.url}?folder=${encodeURIComponent(profile.workspace)}
    Endpoint:           ${endpoint.url}  (SQLite file: ${endpoint.databaseFile})

  The status bar shows Candor's state; "Candor: Show Consent and Status" in the command palette explains it.
  Ctrl-C stops both.
`);
