import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ToWebviewMessage } from '../../../generated/types';
import { ownerKeyHash } from '../../../protocol/owner-key';
import { settle } from '../../support/fake-clock';
import { down, problem } from '../../support/fake-transport';
import { validatorFor } from '../../support/fakes';
import { accept, consentAt, failure, rig, usage } from '../../support/harness';

const validateToWebview = validatorFor<ToWebviewMessage>('to-webview');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('the panel model', () => {
  it('its snapshot is a valid state message, and each pending batch carries its exact bytes and their SHA-256', async () => {
    const { pipeline, endpoint, clock } = await rig({ settings: { reviewBeforeSend: true } });
    await accept(pipeline, usage({ note: '<img src=x onerror=alert(1)>' }));
    pipeline.sealNow();
    await accept(pipeline, failure());
    await settle();
    const state = (await pipeline.panelModel()).snapshot();
    expect(validateToWebview({ type: 'state', state })).toBe(true);
    expect(state.pending.map((p) => p.status)).toEqual(['collecting', 'awaitingReview']);
    const shown = state.pending[1]!;
    expect(shown.sha256).toBe(sha(shown.body));
    expect(shown.bytes).toBe(Buffer.byteLength(shown.body));
    // What was shown is what is sent, byte for byte.
    await (await pipeline.panelModel()).approve([{ batchId: shown.batchId, sha256: shown.sha256 }]);
    await clock.advance(0);
    expect(endpoint.received[0]!.text).toBe(shown.body);
    expect(pipeline.records.history[0]!.bytesConfirmed).toBe(true);
  });

  it('in review mode nothing leaves until approved; an approval names the digest of the bytes shown and nothing else', async () => {
    const { pipeline, endpoint, clock } = await rig({ settings: { reviewBeforeSend: true } });
    const a = await accept(pipeline, usage());
    pipeline.sealNow();
    const b = await accept(pipeline, usage());
    pipeline.sealNow();
    await settle();
    await clock.advance(10 * 60_000);
    expect(endpoint.received).toEqual([]);
    const [first, second] = (await pipeline.panelModel()).snapshot().pending;
    expect(pipeline.status().awaitingReview).toBe(2);
    const wrong = await (await pipeline.panelModel()).approve([{ batchId: first!.batchId, sha256: sha('something else') }]);
    expect(wrong.ok).toBe(false);
    expect(wrong.message).toMatch(/bytes differ from what was shown/);
    await clock.advance(60_000);
    expect(endpoint.received).toEqual([]);
    // Approving the second first: review mode sends what was approved, in the order approved.
    expect((await (await pipeline.panelModel()).approve([{ batchId: second!.batchId, sha256: second!.sha256 }])).ok).toBe(true);
    await clock.advance(0);
    expect(endpoint.eventIds()).toEqual([b]);
    expect(pipeline.ledgerOf(b).map((e) => e.step)).toEqual(['queued', 'shown', 'approved', 'sent', 'accepted']);
    expect(pipeline.ledgerOf(a).map((e) => e.step)).toEqual(['queued', 'shown']);
  });

  it('a split batch needs a new approval: its bytes are new', async () => {
    const { pipeline, endpoint, clock } = await rig({ settings: { reviewBeforeSend: true } });
    await accept(pipeline, usage());
    await accept(pipeline, usage());
    pipeline.sealNow();
    await settle();
    const [batch] = (await pipeline.panelModel()).snapshot().pending;
    endpoint.failNext(() => problem(413, 'body_too_large'));
    await (await pipeline.panelModel()).approve([{ batchId: batch!.batchId, sha256: batch!.sha256 }]);
    await clock.advance(60_000);
    expect(endpoint.received.length).toBe(1);
    const halves = (await pipeline.panelModel()).snapshot().pending;
    expect(halves.map((h) => h.status)).toEqual(['awaitingReview', 'awaitingReview']);
    expect(halves.map((h) => h.eventCount)).toEqual([1, 1]);
  });

  it('discarded events are gone for good and counted', async () => {
    const { pipeline, endpoint, clock } = await rig({ settings: { reviewBeforeSend: true } });
    const keep = await accept(pipeline, usage());
    const drop = await accept(pipeline, usage());
    pipeline.sealNow();
    await settle();
    const result = await (await pipeline.panelModel()).discard([drop, '01936d3c-5a4e-7b1c-9f3e-2d4c6a8b0e12']);
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/^1 event\(s\) discarded for good; 1 could not be/) });
    expect(pipeline.records.drops.discarded_in_review).toBe(1);
    const [batch] = (await pipeline.panelModel()).snapshot().pending;
    await (await pipeline.panelModel()).approve([{ batchId: batch!.batchId, sha256: batch!.sha256 }]);
    await clock.advance(0);
    expect(endpoint.eventIds()).toEqual([keep]);
  });

  it('new event names of an updated catalogue wait for approval even outside review mode (the hook of issue 7)', async () => {
    const { pipeline, endpoint, clock } = await rig({ deps: { needsApproval: (e) => e.name === 'test.brandNew' } });
    await accept(pipeline, usage({}, 'test.brandNew'));
    await clock.advance(31_000);
    expect(endpoint.received).toEqual([]);
    expect(pipeline.status().awaitingReview).toBe(1);
    const [batch] = (await pipeline.panelModel()).snapshot().pending;
    expect(batch!.status).toBe('awaitingReview');
    await (await pipeline.panelModel()).approve([{ batchId: batch!.batchId, sha256: batch!.sha256 }]);
    await clock.advance(0);
    expect(endpoint.eventIds().length).toBe(1);
  });

  it('shows a retrying batch with its next attempt and last error, and the bytes of recent deliveries', async () => {
    const { pipeline, endpoint, clock } = await rig();
    endpoint.failNext(down());
    await accept(pipeline, usage());
    await clock.advance(30_000);
    const [retrying] = (await pipeline.panelModel()).snapshot().pending;
    expect(retrying).toMatchObject({ status: 'retrying', lastError: expect.stringMatching(/could not reach the endpoint/), nextAttemptAt: expect.any(String) });
    await clock.advance(5 * 60_000);
    expect(await (await pipeline.panelModel()).deliveredBytes(retrying!.batchId)).toBe(retrying!.body);
  });

  it('tells its listeners when anything changed', async () => {
    const { pipeline } = await rig();
    let calls = 0;
    const sub = (await pipeline.panelModel()).onDidChange(() => { calls++; });
    await accept(pipeline, usage());
    await settle();
    expect(calls).toBeGreaterThan(0);
    sub.dispose();
    const before = calls;
    await accept(pipeline, usage());
    await settle();
    expect(calls).toBe(before);
  });
});

describe('data rights', () => {
  it('export holds the local queue, history and the endpoint\'s copy of every installation id, read with the owner secret', async () => {
    const { pipeline, endpoint, clock, secrets } = await rig();
    const sent = [await accept(pipeline, usage()), await accept(pipeline, failure())];
    await clock.advance(31_000);
    pipeline.setPaused(true);
    const waiting = await accept(pipeline, usage());
    const { json, summary } = await (await pipeline.dataRights()).exportAll();
    const doc = JSON.parse(json);
    expect(doc.local.pending.map((e: { id: string }) => e.id)).toEqual([waiting]);
    expect(doc.local.history).toHaveLength(1);
    expect(doc.endpoint.installations[0].events.map((e: { event: { id: string } }) => e.event.id).sort()).toEqual(sent.sort());
    expect(summary).toMatch(/^1 waiting event\(s\), 1 recent deliveries, and 2 event\(s\) stored at the endpoint for 1 installation id\(s\)\.$/);
    const exportRequest = endpoint.received.find((r) => r.request.method === 'GET')!;
    const installationId = pipeline.identity.current!.installationId;
    expect(exportRequest.request.headers['candor-installation-secret']).toBe(secrets.values.get(`candor.ownerSecret.${installationId}`));
    // The salt and the secrets are never exported.
    expect(json).not.toContain(secrets.values.get(`candor.ownerSecret.${installationId}`));
  });

  it('delete removes the local queue and the endpoint\'s copy of every past id, then starts a new installation id and salt', async () => {
    const { pipeline, endpoint, clock, secrets } = await rig();
    await accept(pipeline, usage());
    await clock.advance(31_000);
    const firstId = pipeline.identity.current!.installationId;
    const firstSalt = pipeline.identity.current!.salt;
    // An earlier "forget me" whose remote deletion failed left a past id to cover.
    endpoint.failNext(() => problem(503, 'overloaded'));
    const failed = await (await pipeline.dataRights()).deleteAll();
    expect(failed.ok).toBe(false);
    expect(failed.message).toMatch(/could not be deleted for 1 older id/);
    const secondId = pipeline.identity.current!.installationId;
    expect(secondId).not.toBe(firstId);
    expect(pipeline.identity.installations().map((i) => i.installationId)).toEqual([secondId, firstId]);
    await accept(pipeline, usage());
    await clock.advance(31_000);
    pipeline.setPaused(true);
    await accept(pipeline, usage());
    const result = await (await pipeline.dataRights()).deleteAll();
    pipeline.setPaused(false);
    expect(result).toMatchObject({ ok: true, message: expect.stringMatching(/^Deleted 1 waiting event\(s\) on this machine and 2 stored event\(s\) at the endpoint/) });
    expect(result.receipts.map((r) => r.installationId).sort()).toEqual([firstId, secondId].sort());
    expect(endpoint.events.size).toBe(0);
    expect(pipeline.identity.installations().map((i) => i.installationId)).toEqual([pipeline.identity.current!.installationId]);
    expect(Buffer.compare(pipeline.identity.current!.salt, firstSalt)).not.toBe(0);
    expect(secrets.values.has(`candor.ownerSecret.${firstId}`)).toBe(false);
    expect(pipeline.status().pendingEvents).toBe(0);
    expect(pipeline.records.history).toEqual([]);
    // Nothing of the deleted installations is ever sent afterwards.
    await clock.advance(30 * 60_000);
    expect(endpoint.events.size).toBe(0);
    const deletes = endpoint.received.filter((r) => r.request.method === 'DELETE');
    for (const d of deletes) {
      const id = d.request.url.split('/').pop()!;
      expect(ownerKeyHash(d.request.headers['candor-installation-secret']!)).toBeTypeOf('string');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('with Candor off, delete still deletes locally and at the configured endpoint', async () => {
    const { pipeline, endpoint, clock } = await rig();
    await accept(pipeline, usage());
    await clock.advance(31_000);
    await pipeline.setConsent(consentAt('all', false));
    const result = await (await pipeline.dataRights()).deleteAll();
    expect(result.ok).toBe(true);
    expect(endpoint.events.size).toBe(0);
  });
});
