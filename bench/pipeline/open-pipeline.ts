// A Pipeline as the extension host builds one, on a scratch directory and paused (the benches measure
// intake and storage, not the network); shared by the pipeline and api sections.
import { evaluateConsent } from '../../extension/core/consent/consent';
import { Pipeline } from '../../extension/core/pipeline';
import type { LazyValidators } from '../../extension/core/ports/validators';
import { DEFAULT_GROUP_COMMIT } from '../../extension/core/queue/group-commit';
import { httpTransport } from '../../extension/node/http-transport';
import { nodeFiles } from '../../extension/node/node-files';
import { systemClock, thisProcess } from '../../extension/node/node-environment';

export async function openPipeline(dir: string, validators: LazyValidators, durable: boolean, maxEvents: number): Promise<Pipeline> {
  const pipeline = new Pipeline({
    storage: dir, files: nodeFiles, clock: systemClock, transport: httpTransport, validators, process: thisProcess,
    modules: { rights: () => import('../../extension/core/rights/data-rights'), panel: () => import('../../extension/core/view/pipeline-panel'), recovery: () => import('../../extension/core/queue/recovery') },
    secrets: { get: async () => undefined, store: async () => {}, delete: async () => {} },
    client: { candorVersion: '0.1.0', editorName: 'Visual Studio Code', editorVersion: '1.100.3', platform: 'linux' },
    personal: { userName: 'jane', hostName: 'bench-host', homeDir: '/home/jane' },
    limits: { maxEvents, maxBytes: 1024 * 1024 * 1024 },
    groupCommit: { ...DEFAULT_GROUP_COMMIT, durable },
  });
  const endpoint = 'http://127.0.0.1:9/';
  const consent = evaluateConsent({ editorUsageEnabled: true, editorErrorsEnabled: true, editorLevel: 'all', candorEnabled: true, endpoint });
  await pipeline.start(consent, { endpoint, reviewBeforeSend: false, batchEvents: 500, batchIntervalMs: 30_000 }, true);
  return pipeline;
}
