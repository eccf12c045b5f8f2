// Which generated validator the extension loads for each name of extension/core/ports/validators.ts. What
// every enabled session loads — the check of the endpoint's answer to a batch, and of events read back
// from queue files — is lean (generated/lean-validators/, scripts/gen/lean-validators.mjs: the same
// verdicts, the first broken rule only, less code); export, deletion and catalogues, used on demand and
// whose refusals are explained field by field, take the full validators. The build bundles these files
// into dist/lazy/; the tests load the same files.

/** The schemas (by stem) that get a lean validator. */
export const LEAN_VALIDATORS = ['event', 'ingest-response'];

const NAMES = ['event', 'ingest-response', 'export', 'deletion-receipt', 'catalogue'];

/** Validator name → its file, relative to the repository's root. */
export const EXTENSION_VALIDATORS = Object.fromEntries(NAMES.map((name) =>
  [name, `generated/${LEAN_VALIDATORS.includes(name) ? 'lean-validators' : 'validators'}/${name}.cjs`]));
