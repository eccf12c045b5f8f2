import { describe, expect, it } from 'vitest';
import { settle } from '../../support/fake-clock';
import { FakeFiles, fsError } from '../../support/fake-files';
import { down } from '../../support/fake-transport';
import { directModules } from '../../support/fakes';
import { accept, consentAt, failure, rig, STORAGE, usage } from '../../support/harness';

const logsOf = (files: FakeFiles) => files.under(`${STORAGE}/queue`).filter((p) => /\/log-[^/]*\.jsonl$/.test(p));
const batchesOf = (files: FakeFiles) => files.under(`${STORAGE}/queue`).filter((p) => p.endsWith('.batch'));

describe('queue bounds', () => {
  it('seals at the batch size, keeps at most maxEvents, and drops the oldest batches as queue_full', async () => {
    const { pipeline, endpoint, clock } = await rig({ settings: { batchEvents: 10 }, deps: { limits: { maxEvents: 40 } } });
    // Paused, so that no batch is in flight (a batch being sent is never dropped under the sender).
    pipeline.setPaused(true);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) { ids.push(await accept(pipeline, usage())); }
    await settle();
    expect(pipeline.status().pendingEvents).toBe(40);
    expect(pipeline.records.drops.queue_full).toBe(60);
    // The oldest went first: what is left is the newest.
    const left = pipeline.queue!.sealedBatches().flatMap((b) => b.events.map((e) => e.id));
    expect(left).toEqual(ids.slice(100 - left.length));
    expect(pipeline.ledgerOf(ids[0]!).at(-1)).toMatchObject({ step: 'dropped', code: 'queue_full' });
    pipeline.setPaused(false);
    await clock.advance(10 * 60_000);
    expect(endpoint.eventIds().sort()).toEqual(left.sort());
  });

  it('bounds the bytes held too', async () => {
    const { pipeline, endpoint } = await rig({ settings: { batchEvents: 5 }, deps: { limits: { maxBytes: 20_000 } } });
    endpoint.failNext(down(), 1000);
    for (let i = 0; i < 60; i++) { await accept(pipeline, usage({ pad: 'z'.repeat(800) })); }
    expect(pipeline.queue!.byteCount).toBeLessThanOrEqual(20_000);
    expect(pipeline.records.drops.queue_full).toBeGreaterThan(0);
  });

  it('drops batches older than the age limit as expired, never by attempts', async () => {
    // An age limit of 2 hours stands for the default 7 days, to keep the fake timers few.
    const { pipeline, endpoint, clock } = await rig({ deps: { limits: { maxAgeMs: 2 * 3600_000 } } });
    endpoint.failNext(down(), 100_000);
    const id = await accept(pipeline, usage());
    await clock.advance(110 * 60_000);
    expect(pipeline.status().pendingEvents).toBe(1);
    expect(endpoint.received.length).toBeGreaterThan(20);
    await clock.advance(20 * 60_000);
    expect(pipeline.status().pendingEvents).toBe(0);
    expect(pipeline.records.drops.expired).toBe(1);
    expect(pipeline.ledgerOf(id).at(-1)).toMatchObject({ step: 'dropped', code: 'expired' });
  });
});

describe('queue files', () => {
  it('a sealed batch is on disk before the log lines it holds are deleted', async () => {
    const { pipeline, files, endpoint, clock } = await rig();
    endpoint.failNext(down(), 10);
    const id = await accept(pipeline, usage());
    files.fail('writeAtomic', fsError('EIO', 'i/o error'), { pathIncludes: '.batch' });
    pipeline.sealNow();
    await settle();
    expect(logsOf(files).map((p) => files.text(p)).join('')).toContain(id);
    await clock.advance(61_000); // upkeep writes it again
    expect(batchesOf(files).map((p) => files.text(p)).join('')).toContain(id);
    expect(logsOf(files).map((p) => files.text(p)).join('')).not.toContain(id);
  });

  it('repairs a torn and a damaged log: valid events kept, damage quarantined and counted, Candor carries on', async () => {
    const files = new FakeFiles();
    // The first window gets its own clock, never advanced after it "dies": a dead window does nothing more.
    const first = await rig({ files, pid: 100 });
    first.endpoint.failNext(down(), 100);
    const kept = [await accept(first.pipeline, usage()), await accept(first.pipeline, usage())];
    // The window's process dies; its log gets a damaged line in the middle and a torn one at the end.
    first.process.dead.add(100);
    const log = logsOf(files)[0]!;
    const lines = files.text(log).split('\n').filter(Boolean);
    files.data.set(log, Buffer.from(`${lines[0]}\n{"id":"garbage\n${lines[1]}\n{"id":"01936d3c-5a4e-7b1c`));
    const second = await rig({ files, pid: 200 });
    second.process.dead.add(100);
    const more = await accept(second.pipeline, usage());
    await second.clock.advance(61_000);
    expect(second.pipeline.records.drops.queue_corrupted).toBe(2);
    const quarantined = files.under(`${STORAGE}/quarantine`).map((p) => files.text(p)).join('\n');
    expect(quarantined).toContain('{"id":"garbage');
    expect(quarantined).toContain('{"id":"01936d3c-5a4e-7b1c');
    await second.clock.advance(31_000);
    expect(second.endpoint.eventIds().sort()).toEqual([...kept, more].sort());
  });

  it('quarantines a damaged batch file whole', async () => {
    const files = new FakeFiles();
    const first = await rig({ files, pid: 100 });
    first.endpoint.failNext(down(), 100);
    await accept(first.pipeline, usage());
    first.pipeline.sealNow();
    await settle();
    const batch = batchesOf(files)[0]!;
    files.data.set(batch, Buffer.from(files.text(batch).replace('"sequence":0', '"sequence":7')));
    first.process.dead.add(100);
    const second = await rig({ files, pid: 200 });
    second.process.dead.add(100);
    await second.clock.advance(61_000);
    expect(second.pipeline.records.drops.queue_corrupted).toBe(1);
    expect(files.under(`${STORAGE}/quarantine`).map((p) => files.text(p)).join('')).toMatch(/does not match its SHA-256/);
  });

  it('a closed window\'s queue is adopted by one live window and delivered exactly once', async () => {
    const files = new FakeFiles();
    const a = await rig({ files, pid: 1 });
    a.endpoint.failNext(down(), 100);
    const ids = [await accept(a.pipeline, usage()), await accept(a.pipeline, failure())];
    a.pipeline.sealNow();
    ids.push(await accept(a.pipeline, usage()));
    await settle();
    a.process.dead.add(1);
    // Two live windows look at the orphan at the same time (one clock, one endpoint).
    const b = await rig({ files, pid: 2 });
    const c = await rig({ files, pid: 3, clock: b.clock, endpoint: b.endpoint });
    for (const r of [b, c]) { r.process.dead.add(1); }
    await b.clock.advance(61_000);
    await b.clock.advance(61_000);
    const received = b.endpoint.received.flatMap((r) => r.batch?.events.map((e) => e.id) ?? []);
    expect(received.sort()).toEqual(ids.sort());
    expect(new Set(received).size).toBe(received.length);
  });

  it('a live window\'s queue is never adopted', async () => {
    const files = new FakeFiles();
    const a = await rig({ files, pid: 1 });
    a.endpoint.failNext(down(), 100);
    await accept(a.pipeline, usage());
    const b = await rig({ files, pid: 2 });
    await b.clock.advance(61_000);
    expect(b.endpoint.received.length).toBe(0);
    expect(a.pipeline.status().pendingEvents).toBe(1);
  });

  it('the storage folder deleted under a running Candor: it is made again within a minute and nothing accepted is lost', async () => {
    const files = new FakeFiles();
    const a = await rig({ files, pid: 1 });
    a.endpoint.failNext(down(), 1000);
    const ids = [await accept(a.pipeline, usage()), await accept(a.pipeline, usage())];
    a.pipeline.sealNow();
    ids.push(await accept(a.pipeline, usage()));
    await settle();
    files.deleteTree(STORAGE);
    // Written into a file nobody can see any more (as on a real disk), until the folder is back.
    ids.push(await accept(a.pipeline, usage()));
    await a.clock.advance(61_000);
    expect(files.under(STORAGE).some((p) => p.endsWith('owner.json'))).toBe(true);
    // The window dies now: a restart must find every accepted event on disk.
    a.process.dead.add(1);
    const b = await rig({ files, pid: 2 });
    b.process.dead.add(1);
    await b.clock.advance(61_000);
    await b.clock.advance(61_000);
    expect(b.endpoint.eventIds().sort()).toEqual(ids.sort());
  });

  it('at shutdown, tries a last delivery, then leaves the rest for the next session', async () => {
    const files = new FakeFiles();
    const a = await rig({ files, pid: 1 });
    const sent = await accept(a.pipeline, usage());
    await a.pipeline.shutdown(1000);
    expect(a.endpoint.eventIds()).toEqual([sent]);
    const b0 = await rig({ files, pid: 2 });
    b0.endpoint.failNext(down(), 5);
    const left = await accept(b0.pipeline, usage());
    await b0.pipeline.shutdown(1000);
    expect(b0.endpoint.eventIds()).toEqual([]);
    // Next session (window released its folder at shutdown, so no process check is needed).
    const c = await rig({ files, pid: 3, endpoint: b0.endpoint });
    b0.endpoint.clearFaults();
    await c.clock.advance(31_000);
    expect(c.endpoint.eventIds()).toEqual([left]);
  });

  it('a session that ends with nothing waiting leaves no log, and the next one loads no repair for an empty log', async () => {
    const files = new FakeFiles();
    const a = await rig({ files, pid: 1 });
    await accept(a.pipeline, usage());
    await a.pipeline.shutdown(1000);
    expect(a.endpoint.eventIds().length).toBe(1);
    expect(logsOf(files)).toEqual([]);
    // A window killed after its batch was delivered leaves the empty log it had just started.
    const b = await rig({ files, pid: 2 });
    await accept(b.pipeline, usage());
    await b.clock.advance(31_000);
    expect(b.endpoint.eventIds().length).toBe(1);
    expect(logsOf(files).map((p) => files.text(p))).toEqual(['']);
    b.process.dead.add(2);
    let repairs = 0;
    const c = await rig({ files, pid: 3, deps: { modules: { ...directModules, recovery: () => { repairs++; return directModules.recovery(); } } } });
    c.process.dead.add(2);
    await c.clock.advance(61_000);
    expect(repairs).toBe(0);
    expect(logsOf(files).filter((p) => !p.includes(c.pipeline.windowId))).toEqual([]);
    // A log with something in it is still repaired and delivered.
    c.endpoint.failNext(down(), 5);
    const left = await accept(c.pipeline, usage());
    c.process.dead.add(3);
    const d = await rig({ files, pid: 4, endpoint: c.endpoint });
    d.process.dead.add(3);
    c.endpoint.clearFaults();
    await d.clock.advance(61_000);
    await d.clock.advance(61_000);
    expect(d.endpoint.eventIds()).toContain(left);
  });

  it('consent withdrawn while Candor was closed: what was left is purged at the next start, counted', async () => {
    const files = new FakeFiles();
    const a = await rig({ files, pid: 1 });
    a.endpoint.failNext(down(), 5);
    await accept(a.pipeline, usage());
    await a.pipeline.shutdown(100);
    const b = await rig({ files, pid: 2, consent: consentAt('all', false), endpoint: a.endpoint });
    await b.clock.advance(31_000);
    expect(b.pipeline.records.drops.consent_withdrawn).toBe(1);
    expect(b.endpoint.eventIds()).toEqual([]);
  });
});
