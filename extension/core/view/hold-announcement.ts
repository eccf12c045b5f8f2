// When to tell the user, in a notification, that sending is held by a 401/403 (PROTOCOL.md §8): once
// when a hold begins, not at each retry of the same hold (every few minutes), and again only after
// delivery went through or failed otherwise in between. Pure, so that rule is tested without an editor.
import type { PipelineStatus } from '../pipeline';

export class HoldAnnouncement {
  private announced = false;

  /** The message to show now, or undefined. Call with every new status. */
  next(status: PipelineStatus | undefined): string | undefined {
    const failure = status?.lastFailure;
    if (!failure?.held) { this.announced = false; return undefined; }
    if (this.announced) { return undefined; }
    this.announced = true;
    return `Candor is holding its events: ${failure.message}.`;
  }
}
