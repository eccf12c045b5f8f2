// Flattens a schema into the list of its fields (path, constraints, description, privacy annotation),
// following `$ref`s between the spec's files. EVENTS.md and the preview's field explanations are both
// made from this list, so they cannot disagree.
import { resolveRef } from './schemas.mjs';

export function makeResolver(entries) {
  const byId = new Map(entries.map((e) => [e.id, e.schema]));
  /** @returns {{ schema: any, baseId: string }} */
  return function resolve(ref, baseId) {
    const abs = resolveRef(ref, baseId);
    const [docId, fragment = ''] = abs.split('#');
    let node = byId.get(docId);
    if (!node) { throw new Error(`unresolved $ref ${ref} from ${baseId}`); }
    for (const part of fragment.split('/').filter(Boolean)) {
      node = node[decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))];
      if (node === undefined) { throw new Error(`unresolved $ref ${ref} from ${baseId}`); }
    }
    return { schema: node, baseId: docId };
  };
}

/** The node with its `$ref` chain merged in: the referring node's own keywords win (description etc.). */
export function deref(node, baseId, resolve) {
  let merged = { ...node };
  let base = baseId;
  while (merged.$ref) {
    const { schema, baseId: nextBase } = resolve(merged.$ref, base);
    const { $ref, ...own } = merged;
    merged = { ...schema, ...own, ...(schema.$ref ? { $ref: schema.$ref } : {}) };
    if (!schema.$ref) { delete merged.$ref; }
    base = nextBase;
  }
  return { node: merged, baseId: base };
}

export function typeSummary(node) {
  if (node.const !== undefined) { return `\`${JSON.stringify(node.const)}\``; }
  if (node.enum) { return node.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| '); }
  if (node.anyOf) { return node.anyOf.map((n) => n.type ?? 'number').join(' \\| '); }
  if (node.oneOf && node.oneOf.every((n) => n.const !== undefined)) { return 'reason code'; }
  if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object') { return 'map'; }
  return node.type ?? 'any';
}

export function constraintSummary(node) {
  const parts = [];
  if (node.minLength !== undefined && node.maxLength !== undefined && node.minLength === node.maxLength) { parts.push(`${node.maxLength} chars`); }
  else {
    if (node.minLength) { parts.push(`≥ ${node.minLength} chars`); }
    if (node.maxLength !== undefined) { parts.push(`≤ ${node.maxLength} chars`); }
  }
  if (node.pattern) { parts.push(`pattern \`${node.pattern}\``); }
  if (node.minimum !== undefined) { parts.push(`≥ ${node.minimum}`); }
  if (node.maximum !== undefined) { parts.push(`≤ ${node.maximum}`); }
  if (node.minItems) { parts.push(`≥ ${node.minItems} items`); }
  if (node.maxItems !== undefined) { parts.push(`≤ ${node.maxItems} items`); }
  if (node.maxProperties !== undefined) { parts.push(`≤ ${node.maxProperties} entries`); }
  return parts.join(', ');
}

/**
 * Every field under `schema`'s properties, depth first, as `{ path, node, required, privacy }` where `path` is a
 * JSON Pointer relative to the instance (`/data/stack/*\/file` for array items: `*`).
 */
export function listFields(schema, baseId, resolve, prefix = '') {
  const out = [];
  const { node: root, baseId: rootBase } = deref(schema, baseId, resolve);
  const members = (root.allOf ?? []).map((s) => deref(s, rootBase, resolve));
  const required = new Set([...(root.required ?? []), ...members.flatMap((m) => m.node.required ?? [])]);
  // Fields in the envelope's order; where the schema refines an envelope field (kind, data), its own
  // definition (and description) wins.
  const defs = new Map();
  for (const m of members) {
    for (const [name, sub] of Object.entries(m.node.properties ?? {})) { defs.set(name, { sub, base: m.baseId }); }
  }
  for (const [name, sub] of Object.entries(root.properties ?? {})) { defs.set(name, { sub, base: rootBase }); }
  for (const [name, { sub, base }] of defs) {
    const { node, baseId: subBase } = deref(sub, base, resolve);
    const path = `${prefix}/${name}`;
    out.push({ path, node, required: required.has(name), privacy: node['x-privacy'] });
    if (node.type === 'object' && node.properties) { out.push(...listFields(node, subBase, resolve, path)); }
    if (node.type === 'array' && node.items) {
      const { node: item, baseId: itemBase } = deref(node.items, subBase, resolve);
      if (item.type === 'object' && item.properties) { out.push(...listFields(item, itemBase, resolve, `${path}/*`)); }
    }
  }
  return out;
}
