// DataRights (see ../view/panel-model.ts): the user's export and deletion, behind the commands and the
// consent screen. Both cover every installation id this machine has used and still knows (the current
// one and past ones whose deletion was not yet confirmed), locally and at the endpoint.
//
// Deletion, in an order that leaves nothing behind: sending stops and the attempt in flight ends; the
// local queue, history, refused list and ledger are emptied; each installation is deleted at the
// endpoint; then a new installation id and salt are made ("forget me"). Ids whose deletion failed stay
// known, so a later deletion can try them again.
import type { CandorEvent, DeletionReceipt } from '../../../generated/types';
import type { Pipeline, PipelineDeps } from '../pipeline';
import { INGEST_TOKEN_KEY } from '../ports/secrets';
import type { ActionResult, DataRights } from '../view/panel-model';
import { deleteInstallation, exportInstallation, type ExportResult } from './endpoint-rights';

export class PipelineDataRights implements DataRights {
  constructor(private readonly pipeline: Pipeline, private readonly deps: Pick<PipelineDeps, 'transport' | 'validators' | 'secrets' | 'clock'>) {}

  /** Every event waiting in the queue, as objects (collecting, then sealed). */
  private pendingEvents(): CandorEvent[] {
    const queue = this.pipeline.queue;
    if (!queue) { return []; }
    const collecting = queue.collectingEvents().map((e) => JSON.parse(e.line) as CandorEvent);
    const sealed = queue.sealedBatches().flatMap((b) => (JSON.parse(b.body) as { events: CandorEvent[] }).events);
    return [...sealed, ...collecting];
  }

  async exportAll(): Promise<{ readonly json: string; readonly summary: string }> {
    const p = this.pipeline;
    await p.identity.load().catch(() => {});
    const installations = p.identity.installations();
    const endpoint = p.settings.endpoint;
    const token = await this.deps.secrets.get(INGEST_TOKEN_KEY).catch(() => undefined);
    const remote: { installationId: string; result: ExportResult | { status: 'failed'; message: string } }[] = [];
    for (const { installationId } of installations) {
      const secret = await p.identity.secretOf(installationId).catch(() => undefined);
      if (!endpoint) { remote.push({ installationId, result: { status: 'failed', message: 'no endpoint is set (candor.endpoint)' } }); continue; }
      if (!secret) { remote.push({ installationId, result: { status: 'failed', message: 'its owner secret is missing from the secret storage' } }); continue; }
      remote.push({ installationId, result: await exportInstallation(this.deps.transport, this.deps.validators, { endpoint, installationId, secret, token }) });
    }
    const pending = this.pendingEvents();
    const document = {
      exportedAt: new Date(this.deps.clock.now()).toISOString(),
      about: 'Everything Candor holds about this installation: what waits on this machine, what was delivered and refused, and the endpoint\'s copy.',
      installations: installations.map((i, n) => ({ installationId: i.installationId, current: n === 0, createdAt: new Date(i.createdAt).toISOString() })),
      local: {
        pending,
        history: p.records.history,
        rejected: p.records.rejected,
        drops: p.records.drops,
        ledger: p.ledger.latest(),
      },
      endpoint: {
        url: endpoint ?? null,
        installations: remote.map(({ installationId, result }) => ({
          installationId, status: result.status,
          ...('message' in result ? { message: result.message } : {}),
          events: 'events' in result ? result.events : [],
        })),
      },
    };
    const stored = remote.reduce((n, r) => n + ('events' in r.result ? r.result.events.length : 0), 0);
    const failed = remote.filter((r) => r.result.status === 'failed');
    const summary = `${pending.length} waiting event(s), ${p.records.history.length} recent deliveries, and ${stored} event(s) stored at the endpoint for ${installations.length} installation id(s)`
      + (failed.length > 0 ? `; the endpoint's copy could not be read for ${failed.length}: ${failed.map((f) => ('message' in f.result ? f.result.message : '')).join('; ')}` : '')
      + '.';
    return { json: JSON.stringify(document, null, 2), summary };
  }

  async deleteAll(): Promise<ActionResult & { readonly receipts: readonly DeletionReceipt[] }> {
    const p = this.pipeline;
    const wasPaused = p.isPaused;
    p.setPaused(true);
    p.delivery.abortInFlight();
    await p.delivery.idle();
    try {
      await p.identity.load().catch(() => {});
      const installations = p.identity.installations();
      // Local first, so nothing of these installations can be sent while the endpoint deletes.
      const localEvents = (await p.queue?.purge(() => true, undefined)) ?? 0;
      await p.clearLocalRecords();
      if (installations.length === 0) {
        return { ok: true, message: `Candor held no installation id; ${localEvents} waiting event(s) deleted on this machine.`, receipts: [] };
      }
      const endpoint = p.settings.endpoint;
      const token = await this.deps.secrets.get(INGEST_TOKEN_KEY).catch(() => undefined);
      const receipts: DeletionReceipt[] = [];
      const confirmed: string[] = [];
      const failures: string[] = [];
      for (const { installationId } of installations) {
        const secret = await p.identity.secretOf(installationId).catch(() => undefined);
        if (!endpoint) { failures.push(`${installationId}: no endpoint is set`); continue; }
        if (!secret) { failures.push(`${installationId}: its owner secret is missing`); continue; }
        const result = await deleteInstallation(this.deps.transport, this.deps.validators, { endpoint, installationId, secret, token });
        if (result.status === 'deleted') { receipts.push(result.receipt); confirmed.push(installationId); }
        else if (result.status === 'nothingStored') { confirmed.push(installationId); }
        else { failures.push(`${installationId}: ${result.message}`); }
      }
      // Forget me: a new id and salt; the old ids are dropped once the endpoint confirmed their deletion.
      await p.identity.forget();
      await p.identity.dropPast(confirmed);
      const deleted = receipts.reduce((n, r) => n + r.deletedEvents, 0);
      const base = `Deleted ${localEvents} waiting event(s) on this machine and ${deleted} stored event(s) at the endpoint; Candor now uses a new installation id.`;
      return failures.length === 0
        ? { ok: true, message: base, receipts }
        : { ok: false, message: `${base} The endpoint's copy could not be deleted for ${failures.length} older id(s), which Candor keeps to try again: ${failures.join('; ')}.`, receipts };
    } finally {
      p.setPaused(wasPaused);
    }
  }
}
