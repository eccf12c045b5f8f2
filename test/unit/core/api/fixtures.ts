import type { EventCatalogue } from '../../../../generated/types';

/** A realistic third-party catalogue: one event of each kind an extension may declare. */
export const gitGraphCatalogue = (): EventCatalogue => ({
  extension: 'acme.git-graph',
  events: [
    {
      name: 'openView', kind: 'usage', description: 'The graph view was opened, and from where.', purpose: 'FeatureInsight',
      properties: {
        trigger: { type: 'string', enum: ['palette', 'button'], description: 'How the view was opened.', classification: 'SystemMetaData' },
        repoId: { type: 'string', maxLength: 256, description: 'Which repository, as a keyed hash.', classification: 'EndUserPseudonymizedInformation' },
        branches: { type: 'integer', minimum: 0, maximum: 100_000, description: 'How many branches.', classification: 'SystemMetaData' },
        dark: { type: 'boolean', description: 'Whether a dark theme was active.', classification: 'SystemMetaData' },
        label: { type: 'string', maxLength: 8, description: 'A short label.', classification: 'SystemMetaData' },
      },
      required: ['trigger'],
      measurements: { nodes: { description: 'How many commits the graph showed.', unit: 'count' } },
    },
    { name: 'renderTime', kind: 'performance', unit: 'ms', description: 'How long the graph took to draw.', purpose: 'PerformanceAndHealth',
      properties: { view: { type: 'string', enum: ['graph', 'list'], description: 'Which view.', classification: 'SystemMetaData' } } },
    { name: 'renderFailed', kind: 'error', description: 'Drawing the graph failed.', purpose: 'PerformanceAndHealth',
      properties: { stage: { type: 'string', maxLength: 32, description: 'Which stage failed.', classification: 'SystemMetaData' } } },
    { name: 'firstGraph', kind: 'milestone', description: 'The first graph was shown.', purpose: 'BusinessInsight' },
  ],
});
