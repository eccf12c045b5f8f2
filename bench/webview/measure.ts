// Functions that run inside the page (serialised by playwright): each measures one thing with
// performance.now() and requestAnimationFrame, so the figures include style, layout and paint.

/** Posts a state as the extension would, and times it until two frames later (laid out and painted). */
export async function timeState(state: unknown): Promise<number> {
  const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
  await frame();
  const t0 = performance.now();
  window.dispatchEvent(new MessageEvent('message', { data: state }));
  await frame(); await frame();
  return performance.now() - t0;
}

/** Scrolls `selector` by `step` pixels each frame for `frames` frames; returns the time between frames. */
export async function scrollFrames({ selector, step, frames }: { selector: string; step: number; frames: number }): Promise<number[]> {
  const el = document.querySelector(selector) as HTMLElement;
  const deltas: number[] = [];
  let last = await new Promise<number>((r) => requestAnimationFrame(r));
  for (let i = 0; i < frames; i++) {
    el.scrollTop = (el.scrollTop + step) % Math.max(1, el.scrollHeight - el.clientHeight);
    const now = await new Promise<number>((r) => requestAnimationFrame(r));
    deltas.push(now - last);
    last = now;
  }
  return deltas;
}

/** Types into the search box and times it until the list has been redrawn and painted. */
export async function timeSearch(text: string): Promise<number> {
  const input = document.querySelector('#pending-search')?.shadowRoot?.querySelector('input') as HTMLInputElement;
  const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
  await frame();
  const t0 = performance.now();
  input.value = text;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await frame(); await frame();
  return performance.now() - t0;
}

/**
 * The bare reference: the same rows drawn all at once into a plain scrolling div, as a list without
 * windowing would. Times the build until painted; the caller then scrolls it.
 */
export async function timeNaiveList(rows: { name: string; kind: string; ext: string; size: string; text: string }[]): Promise<number> {
  const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
  await frame();
  const t0 = performance.now();
  const box = document.createElement('div');
  box.id = 'naive-list';
  box.className = 'wlist';
  box.style.position = 'fixed'; box.style.inset = '0'; box.style.zIndex = '10';
  box.style.background = 'var(--vscode-editor-background)';
  for (const r of rows) {
    const row = document.createElement('div');
    row.className = 'wlist-row event';
    row.style.position = 'relative';
    for (const [cls, t] of [['check', ''], ['name', r.name], ['kind', r.kind], ['ext', r.ext], ['size', r.size], ['preview', r.text]] as const) {
      const s = document.createElement(cls === 'preview' ? 'code' : 'span');
      s.className = cls;
      s.textContent = t;
      row.appendChild(s);
    }
    box.appendChild(row);
  }
  document.body.appendChild(box);
  await frame(); await frame();
  return performance.now() - t0;
}
