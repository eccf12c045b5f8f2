// The one Ajv configuration of the project, used to generate the standalone validators and by the tests.
// Explicit on purpose (fastify's defaults coerce types and strip fields, which would accept what the
// vectors refuse): strict 2020-12, no coercion, no defaults, no removal, every error reported.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { loadSchemas } from './schemas.mjs';

/** Keywords that only annotate (privacy classification, reason metadata, what is never collected); they never change a verdict. */
export const ANNOTATION_KEYWORDS = ['x-privacy', 'x-reason', 'x-never-collected'];
/** The JSON type of each annotation's value, for ajv's strict mode. */
const ANNOTATION_TYPES = { 'x-never-collected': 'array' };

/**
 * @param {{ assertFormats?: boolean, standalone?: boolean, lean?: boolean }} [opts]
 * `assertFormats`: check `format` as an assertion (ajv-formats). The shipped validators leave formats as
 * annotations (each formatted string also has a pattern); the vector check runs both ways and demands the
 * same verdicts, which is how we know the vectors do not depend on format assertion.
 * `lean` (with `standalone`): for the lean validators of lean-validators.mjs, which stop at the first
 * error and check choices of constants as an enum.
 */
export function createAjv({ assertFormats = false, standalone = false, lean = false } = {}) {
  const ajv = new Ajv2020.default({
    // Standalone validators carry no message strings: `format-errors` words errors the same way for the
    // extension and the endpoint, naming the field and the rule, from keyword and params alone.
    messages: !standalone,
    strict: true,
    strictRequired: false, // `required` inside if/then names properties declared by the envelope
    allErrors: !lean,
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    validateFormats: assertFormats,
    unicodeRegExp: true,
    code: standalone ? { source: true, esm: false, lines: false, optimize: true } : { optimize: true },
  });
  if (assertFormats) { addFormats.default(ajv, ['uuid', 'date-time', 'date']); }
  else { for (const f of ['uuid', 'date-time', 'date']) { ajv.addFormat(f, true); } }
  for (const keyword of ANNOTATION_KEYWORDS) { ajv.addKeyword({ keyword, schemaType: ANNOTATION_TYPES[keyword] ?? 'object' }); }
  for (const { schema } of loadSchemas()) {
    const stripped = standalone ? withoutAnnotations(schema) : schema;
    ajv.addSchema(lean ? constChoicesAsEnum(stripped) : stripped);
  }
  return ajv;
}

const ANNOTATIONS_ONLY = new Set(['title', 'description', 'examples', '$comment', ...ANNOTATION_KEYWORDS]);

/** The schema without keywords that never affect a verdict, so generated code does not embed prose. */
export function withoutAnnotations(node, parentKey) {
  if (Array.isArray(node)) { return node.map((n) => withoutAnnotations(n)); }
  if (!node || typeof node !== 'object') { return node; }
  // Inside `properties`, `$defs` and the like, keys are names, not keywords: a property may be called "title".
  const keysAreNames = parentKey === 'properties' || parentKey === '$defs' || parentKey === 'patternProperties';
  return Object.fromEntries(Object.entries(node)
    .filter(([k]) => keysAreNames || !ANNOTATIONS_ONLY.has(k))
    .map(([k, v]) => [k, withoutAnnotations(v, keysAreNames ? undefined : k)]));
}

/** `oneOf: [{const: a}, {const: b}, …]` (annotations already stripped) → `enum: [a, b, …]`, anywhere in a schema. */
export function constChoicesAsEnum(node) {
  if (Array.isArray(node)) { return node.map(constChoicesAsEnum); }
  if (!node || typeof node !== 'object') { return node; }
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, constChoicesAsEnum(v)]));
  if (Array.isArray(out.oneOf) && out.oneOf.every((b) => b && typeof b === 'object' && Object.keys(b).length === 1 && 'const' in b)) {
    const values = out.oneOf.map((b) => JSON.stringify(b.const));
    if (new Set(values).size !== values.length) { throw new Error(`a oneOf repeats a const (${values.join(', ')}); it is not an enum`); }
    out.enum = out.oneOf.map((b) => b.const);
    delete out.oneOf;
  }
  return out;
}
