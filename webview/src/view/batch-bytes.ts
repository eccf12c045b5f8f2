// A batch's bytes, whole and exactly as they are (or were) sent, with the digest the user can check and
// what the batch's own fields mean. Used for pending batches and for deliveries from the history.
import { explainBatch } from '../model/explain';
import { layOutBatch } from '../model/batch-layout';
import { sha256Hex } from '../model/digest';
import { formatBytes } from '../model/format';
import { utf8Length } from '../model/utf8';
import { el } from './dom';
import { explanationTable } from './field-table';

export function batchBytesView(body: string, opts: { readonly heading: string; readonly facts: readonly string[]; readonly givenDigest?: string }): HTMLElement {
  const digestLine = el('p', { class: 'digest', 'aria-live': 'polite' }, 'Computing the SHA-256 of the bytes shown…');
  void sha256Hex(body).then((shown) => {
    const parts = [`SHA-256 of the bytes shown: ${shown}.`];
    if (opts.givenDigest !== undefined) {
      parts.push(shown === opts.givenDigest ? 'It matches the digest Candor will send them under.' : `It does NOT match the digest Candor gave (${opts.givenDigest}): these bytes cannot be approved.`);
      digestLine.classList.toggle('mismatch', shown !== opts.givenDigest);
    }
    digestLine.textContent = parts.join(' ');
  });
  const layout = layOutBatch(body);
  return el('section', { class: 'batch-bytes', 'aria-label': opts.heading },
    el('h3', { tabindex: -1 }, opts.heading),
    el('p', null, [...opts.facts, `${formatBytes(utf8Length(body))} (${utf8Length(body)} bytes)`].join(' · ')),
    digestLine,
    layout.ok ? null : el('p', { class: 'note' }, layout.problem),
    el('pre', { class: 'bytes', tabindex: 0, 'aria-label': `${opts.heading}: exact bytes` }, body),
    layout.ok ? explanationTable(explainBatch(layout.parsed), "What the batch's own fields mean") : null);
}
