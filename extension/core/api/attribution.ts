// Which extension is calling Candor's API. All extensions share one extension host, so the only
// witness is the call's stack: the innermost frame outside Candor that lies in an installed
// extension's folder names the caller. It keeps honest extensions from being impersonated by mistake
// or by a careless copy of someone else's catalogue; code running in the same process could forge a
// stack, which no in-process API can prevent.

export interface InstalledExtension {
  readonly id: string;
  /** The extension's folder on disk. */
  readonly path: string;
}

const normalise = (p: string) => p.replace(/\\/g, '/').replace(/^file:\/\//, '').replace(/\/+$/, '').toLowerCase();

/** The id of the innermost extension on `stack` other than Candor itself, or undefined. */
export function attributeCaller(stack: string | undefined, extensions: readonly InstalledExtension[], selfPath: string): string | undefined {
  if (!stack) { return undefined; }
  const self = `${normalise(selfPath)}/`;
  // Longest folder first: an extension installed inside another's folder must not be taken for it.
  const folders = extensions.map((e) => ({ id: e.id.toLowerCase(), dir: `${normalise(e.path)}/` })).filter((e) => e.dir !== self)
    .sort((a, b) => b.dir.length - a.dir.length);
  for (const line of stack.split('\n').slice(1)) {
    const location = normalise(decodeURIComponentSafe(line));
    if (location.includes(self)) { continue; }
    const match = folders.find((f) => location.includes(f.dir));
    if (match) { return match.id; }
  }
  return undefined;
}

function decodeURIComponentSafe(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}
