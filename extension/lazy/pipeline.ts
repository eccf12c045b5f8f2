// Entry of dist/lazy/pipeline.js: the whole pipeline (intake, queue, delivery) with its Node adapters
// (disk, HTTP), loaded when consent allows collecting or when events of an earlier session wait on disk
// (extension/core/deferred-pipeline.ts).
import { Pipeline, type PipelineDeps } from '../core/pipeline';
import { httpTransport } from '../node/http-transport';
import { nodeFiles } from '../node/node-files';
import { systemClock, thisProcess } from '../node/node-environment';

export type HostDeps = Omit<PipelineDeps, 'files' | 'transport' | 'clock' | 'process'>;

export function createPipeline(deps: HostDeps): Pipeline {
  return new Pipeline({ ...deps, files: nodeFiles, transport: httpTransport, clock: systemClock, process: thisProcess });
}
