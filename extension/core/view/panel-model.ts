// The seam between the panel (webview host, extension/host/panel) and the pipeline (extension/core):
// the panel reads one snapshot and asks for actions; the pipeline decides. Shapes come from the
// spec's webview messages (schemas/webview/), so what the panel shows is what the schema describes.
import type { BatchDigest, ViewState } from '../../../generated/types';

export interface ActionResult {
  readonly ok: boolean;
  /** What happened, for the user: said in the panel. */
  readonly message: string;
}

export interface Subscription { dispose(): void }

export interface PanelModel {
  /** Everything the panel shows now. Pending batches carry their exact bytes and digests. */
  snapshot(): ViewState;
  /** Called whenever the snapshot may have changed (queued, sealed, sent, dropped, refused, consent). */
  onDidChange(listener: () => void): Subscription;
  /** Approve sealed batches by the digest of the bytes shown; a batch whose bytes changed is not approved. */
  approve(batches: readonly BatchDigest[]): Promise<ActionResult>;
  /** Discard events for good; counted as `discarded_in_review`. */
  discard(eventIds: readonly string[]): Promise<ActionResult>;
  /** Seal what is collecting and send what may be sent, now. */
  sendNow(): Promise<ActionResult>;
  setPaused(paused: boolean): Promise<ActionResult>;
  /** The bytes of a delivered batch from the history, if still kept. */
  deliveredBytes(batchId: string): Promise<string | undefined>;
}
