// The command line: read the settings, open the database, listen, print "listening on http://HOST:PORT"
// once requests are accepted, and shut down gracefully on SIGTERM or SIGINT (stop accepting, answer what
// is in flight, close the database). Other parts of the project start this as a child process and wait
// for that line; it is a contract.
import type { AddressInfo } from 'node:net';
import { helpText } from './config/help';
import { parseConfig } from './config/parse-config';

async function main(): Promise<void> {
  const parsed = parseConfig(process.argv.slice(2), process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  if (parsed.kind === 'errors') {
    for (const e of parsed.errors) { process.stderr.write(`candor-endpoint: ${e}\n`); }
    process.exitCode = 2;
    return;
  }
  const config = parsed.config;
  // Loaded only now, so that --help and a bad flag answer at once.
  const [{ createEndpoint }, { describeLocation, openStorage }] = await Promise.all([import('./server'), import('./storage/open-storage')]);
  let storage;
  try {
    storage = await openStorage(config.database, config.pgPoolSize);
  } catch (error) {
    process.stderr.write(`candor-endpoint: cannot open the database ${describeLocation(config.database)}: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const { app, admission, maintenance } = await createEndpoint(config, storage);
  process.on('unhandledRejection', (reason) => { app.log.error({ err: reason }, 'unhandled rejection'); });

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    process.stderr.write(`candor-endpoint: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}\n`);
    await storage.close();
    process.exitCode = 1;
    return;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  app.log.info({ database: describeLocation(config.database), ingestTokens: config.ingestTokens.length, adminToken: config.adminToken !== undefined }, 'started');
  if (config.adminToken === undefined) { app.log.warn('no --admin-token: /metrics and /admin/v1/* are open to anyone who can reach this endpoint'); }
  maintenance.start();
  process.stdout.write(`listening on http://${host}:${address.port}\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) { return; }
    stopping = true;
    app.log.info({ signal }, 'shutting down: answering the requests in flight');
    admission.close();
    setTimeout(() => {
      app.log.error('requests still in flight after --shutdown-timeout; exiting anyway (they were not answered, so clients retry)');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    void (async () => {
      await maintenance.stop();
      await app.close();
      await storage.close();
      app.log.info('stopped');
    })().then(() => { process.exitCode = 0; }, (error: unknown) => {
      app.log.error({ err: error }, 'error while shutting down');
      process.exitCode = 1;
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();
