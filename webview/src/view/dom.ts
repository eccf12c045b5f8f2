// Building the panel's DOM without HTML strings: text always goes in as text nodes, attributes through
// setAttribute, so nothing that came in a message can ever be parsed as markup (a property value of
// `<img src=x onerror=…>` shows as those characters). No innerHTML anywhere in the webview; a test holds that.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function el(tag: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement;
export function el(tag: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) { continue; }
    node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) { continue; }
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/**
 * Prose from the spec or a catalogue, where `code` is written in backticks as in Markdown: the backticked
 * parts become <code> elements. Still only text nodes: nothing else of Markdown or HTML is read.
 */
export function prose(text: string): DocumentFragment {
  const f = document.createDocumentFragment();
  text.split('`').forEach((part, i) => {
    if (part === '') { return; }
    f.appendChild(i % 2 === 1 ? el('code', null, part) : document.createTextNode(part));
  });
  return f;
}

/** Replaces the element's content with the children. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A button from @vscode-elements, with its action. */
export function button(label: string, onClick: () => void, attrs?: Attrs): HTMLElement {
  const b = el('vscode-button', attrs ?? null, label);
  b.addEventListener('click', () => { if (!b.hasAttribute('disabled')) { onClick(); } });
  return b;
}

export function setDisabled(node: Element, disabled: boolean): void {
  node.toggleAttribute('disabled', disabled);
  node.setAttribute('aria-disabled', String(disabled));
}
