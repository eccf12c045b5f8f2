// `npm run conformance -- --url http://127.0.0.1:8080/ [--ingest-token T] [--only file.json]`: runs the
// HTTP exchanges of schemas/vectors/http/ against any endpoint and prints, per file and step, what passed
// and what did not. Files are written for one configuration (`config.ingestToken`): with --ingest-token
// the endpoint is taken to require that token and the `required` files run; without, the `none` files.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadExchanges } from './load-exchanges';
import { runExchange } from './run-exchange';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { url: { type: 'string' }, 'ingest-token': { type: 'string' }, only: { type: 'string', multiple: true }, vectors: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (error) {
    process.stderr.write(`conformance: ${(error as Error).message}. Run with --help.\n`);
    return 2;
  }
  if (values.help || !values.url) {
    process.stdout.write([
      'Usage: npm run conformance -- --url <base URL> [--ingest-token <token>] [--only <file.json>]…',
      '',
      '  --url           The endpoint\'s base URL, e.g. http://127.0.0.1:8080/ or https://telemetry.example.com/candor/',
      '  --ingest-token  The endpoint requires this ingest token: run the files written for that (config "required").',
      '                  Without it, the files for an endpoint that requires none run.',
      '  --only          Run only this file of schemas/vectors/http/ (repeatable).',
      '  --vectors       Another folder of exchange files.',
      '',
      'Each file uses fresh installation ids, so a live endpoint\'s data is not disturbed beyond the test events.',
      '',
    ].join('\n'));
    return values.help ? 0 : 2;
  }
  const directory = values.vectors ?? path.resolve(process.cwd(), 'schemas/vectors/http');
  const wanted = values['ingest-token'] ? 'required' : 'none';
  let failed = 0;
  let ran = 0;
  for (const { name, exchange } of loadExchanges(directory)) {
    if (values.only && !values.only.includes(name)) { continue; }
    if (exchange.config.ingestToken !== wanted) {
      process.stdout.write(`- ${name}: skipped (written for an endpoint with ingestToken "${exchange.config.ingestToken}")\n`);
      continue;
    }
    ran++;
    const result = await runExchange(exchange, { baseUrl: values.url, ingestToken: values['ingest-token'] });
    process.stdout.write(`${result.passed ? '✓' : '✗'} ${name}: ${exchange.description}\n`);
    for (const step of result.steps) {
      if (step.problems.length === 0) { continue; }
      process.stdout.write(`    ✗ ${step.description} (status ${step.status ?? 'none'})\n`);
      for (const p of step.problems) { process.stdout.write(`        ${p}\n`); }
    }
    if (!result.passed) { failed++; }
  }
  process.stdout.write(`\n${ran - failed} of ${ran} exchange files passed.\n`);
  return failed === 0 && ran > 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => { process.stderr.write(`conformance: ${(error as Error).stack}\n`); process.exitCode = 1; });
