// Time-to-first-value: each milestone is reported once per installation, with the time since the
// installation and since the same extension's previous milestone.
import type { EventInput } from '../events/event-input';

export interface MilestoneState {
  /** `extension\u0000milestone` → when it was reached (ms). */
  reached: Record<string, number>;
}

export class Milestones {
  constructor(private readonly state: MilestoneState, private readonly installedAtMs: () => number) {}

  /** The milestone event, or undefined when this installation already reached it. */
  reach(extension: string, name: string, atMs: number): EventInput | undefined {
    const key = `${extension}\u0000${name}`;
    if (this.state.reached[key] !== undefined) { return undefined; }
    const previous = Object.entries(this.state.reached)
      .filter(([k]) => k.startsWith(`${extension}\u0000`))
      .reduce<number | undefined>((latest, [, at]) => (latest === undefined || at > latest ? at : latest), undefined);
    this.state.reached[key] = atMs;
    const installedAt = this.installedAtMs();
    return {
      kind: 'milestone',
      name,
      data: {
        msSinceInstall: Math.max(0, Math.round(atMs - installedAt)),
        ...(previous !== undefined ? { msSincePrevious: Math.max(0, Math.round(atMs - previous)) } : {}),
      },
    };
  }

  /** Forgets what was reached, when the installation starts anew ("forget me"). */
  reset(): void {
    for (const k of Object.keys(this.state.reached)) { delete this.state.reached[k]; }
  }
}
