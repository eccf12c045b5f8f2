// The seam between the panel (webview host, extension/host/panel) and the pipeline (extension/core):
// the panel reads one snapshot and asks for actions; the pipeline decides. Shapes come from the
// spec's webview messages (schemas/webview/), so what the panel shows is what the schema describes.
import type { BatchDigest, DeletionReceipt, ViewState } from '../../../generated/types';

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

/**
 * The user's rights over their data, behind the consent screen's buttons and the commands. The host
 * asks the user (save dialog, confirmation) before calling these; the pipeline does the work.
 */
export interface DataRights {
  /** Everything Candor holds about this installation (and its past ids): local queue, history, and the endpoint's copy through the protocol's export route. */
  exportAll(): Promise<{ readonly json: string; readonly summary: string }>;
  /** Deletes it locally and on the endpoint (deletion route, for every past installation id), then starts a new installation id. */
  deleteAll(): Promise<ActionResult & { readonly receipts: readonly DeletionReceipt[] }>;
}
