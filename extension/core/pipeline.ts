// The pipeline, assembled: intake → (scrub, hash) → queue → batches → delivery, with consent checked on
// the way in and again on the way out, and the ledger and records beside it. This file only wires the
// parts and runs their life cycle (start, consent changes, settings, periodic upkeep, shutdown); each part
// decides in its own module. Everything outside comes through the ports (clock, files, transport,
// secrets, validators), so tests run the whole pipeline with fakes or with the real disk and network.
import { randomBytes } from 'node:crypto';
import type { CandorEvent, EventCatalogue, ReasonCode } from '../../generated/types';
import { newEventId, uuidv7Time } from '../../protocol/ids';
import { allowsKind, type ConsentState } from './consent/consent';
import { DeliveryLoop } from './delivery/delivery-loop';
import { EventBuilder } from './intake/build-event';
import { EventIntake, type IntakeTarget } from './intake/intake';
import type { TrackInput, TrackResult } from './intake/track-input';
import type { EventInput } from './events/event-input';
import type { EventSource, Intake, IntakeOptions } from './events/intake';
import { Ledger, parseLedgerLines, type LedgerEntry } from './ledger/ledger';
import { LedgerFile, RecordsFile } from './ledger/persistence';
import { Records, type DropCounts } from './ledger/records';
import type { Clock, TimerHandle } from './ports/clock';
import type { ClientFacts, PersonalStrings, ProcessFacts } from './ports/environment';
import { joinPath, type Files } from './ports/files';
import type { Secrets } from './ports/secrets';
import type { Transport } from './ports/transport';
import type { LazyValidators } from './ports/validators';
import { IdentityStore } from './privacy/identity';
import { createScrubber } from './privacy/scrubber';
import type { GroupCommitOptions } from './queue/group-commit';
import { isWindowDirName, LEDGER_FILE, OWNER_FILE, quarantineDir, queueRoot, STATE_FILE } from './queue/layout';
import { adoptOrphans, claimWindowDir, releaseWindowDir } from './queue/ownership';
import { DEFAULT_LIMITS, Queue, type QueueLimits } from './queue/queue';
import type { EventMeta } from './queue/queued-event';
import type { DataRights, PanelModel, Subscription } from './view/panel-model';
import type { LazyModules } from './ports/modules';

/** How often the pipeline adopts closed windows' queues, rereads the shared identity and drops expired events. */
export const UPKEEP_INTERVAL_MS = 60_000;

export interface PipelineDeps {
  /** The extension's global storage folder; everything Candor keeps lives below it. */
  readonly storage: string;
  readonly files: Files;
  readonly clock: Clock;
  readonly transport: Transport;
  readonly secrets: Secrets;
  readonly validators: LazyValidators;
  /** The parts not needed to activate (data rights, panel model, queue repair), loaded on first use. */
  readonly modules: LazyModules;
  readonly process: ProcessFacts;
  readonly client: ClientFacts;
  readonly personal?: PersonalStrings;
  readonly random?: () => number;
  /** Candor's problems (never an event's content), for its output channel. */
  readonly log?: (message: string) => void;
  /** This window's id (tests fix it); random by default. */
  readonly windowId?: string;
  readonly limits?: Partial<QueueLimits>;
  readonly groupCommit?: GroupCommitOptions;
  /** Issue 7's hook: events whose name is new in an updated catalogue wait for the user's approval. */
  readonly needsApproval?: (event: EventMeta) => boolean;
  /** The catalogues of other extensions, which the panel explains fields from (Candor's own is always there). */
  readonly catalogues?: () => EventCatalogue[];
  /** How long one delivery attempt may take (30 s by default). */
  readonly requestTimeoutMs?: number;
}

export interface PipelineSettings {
  /** Where to send (a checked base URL ending in `/`), or undefined. Used for export and deletion even while consent is off. */
  readonly endpoint: string | undefined;
  readonly reviewBeforeSend: boolean;
  /** `candor.batch.maxEvents`. */
  readonly batchEvents: number;
  /** `candor.batch.intervalSeconds`, in ms. */
  readonly batchIntervalMs: number;
}

export interface PipelineStatus {
  /** Events waiting (collecting and sealed). */
  readonly pendingEvents: number;
  /** Sealed batches waiting for the user's approval. */
  readonly awaitingReview: number;
  readonly paused: boolean;
  /** The last failed attempt, until a delivery succeeds. */
  readonly lastFailure?: { readonly message: string; readonly at: number; readonly held?: true };
  /** When the next attempt is due, while backing off. */
  readonly nextAttemptAt?: number;
}

const OFF: ConsentState = { usageAllowed: false, errorsAllowed: false, editorLevel: 'off', candorEnabled: false, endpoint: undefined, explanation: 'Off: Candor has not started yet.' };

export class Pipeline implements Intake {
  readonly windowId: string;
  readonly identity: IdentityStore;
  readonly ledger: Ledger;
  readonly records: Records;
  private panelModelRef: Promise<PanelModel> | undefined;
  private rightsRef: Promise<DataRights> | undefined;
  private readonly intake: EventIntake;
  readonly delivery: DeliveryLoop;
  private queueRef: Queue | undefined;
  private opening: Promise<Queue> | undefined;
  private consentState: ConsentState = OFF;
  private settingsState: PipelineSettings = { endpoint: undefined, reviewBeforeSend: false, batchEvents: 500, batchIntervalMs: 30_000 };
  private paused = false;
  private dir: string | undefined;
  private recordsFile: RecordsFile | undefined;
  private ledgerFile: LedgerFile | undefined;
  private sealTimer: { handle: TimerHandle; at: number } | undefined;
  private upkeepTimer: TimerHandle | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly acceptListeners = new Set<(source: EventSource, event: EventInput) => void>();
  private readonly dropListeners = new Set<(code: ReasonCode, count: number) => void>();
  private readonly deliveryListeners = new Set<(batches: number) => void>();
  private notifyQueued = false;
  private closed = false;
  private consentWork: Promise<void> = Promise.resolve();

  constructor(private readonly deps: PipelineDeps) {
    this.windowId = deps.windowId ?? `w-${randomBytes(9).toString('base64url')}`;
    const log = deps.log ?? (() => {});
    this.identity = new IdentityStore(deps.files, deps.secrets, deps.clock, deps.storage, undefined, log);
    this.records = new Records(() => { this.recordsFile?.schedule(); this.changed(); });
    this.ledger = new Ledger(20_000, (line) => this.ledgerFile?.append(line));
    const builder = new EventBuilder(createScrubber(deps.personal));
    this.intake = new EventIntake({
      clock: deps.clock, builder, client: deps.client, sessionSecret: randomBytes(16).toString('hex'),
      consent: () => this.consentState,
      target: () => (this.queueRef && this.identity.current ? { queue: this.queueRef, identity: this.identity.current } : undefined),
      prepare: () => this.prepare(),
    });
    this.delivery = new DeliveryLoop({
      queue: () => this.queueRef,
      transport: deps.transport, clock: deps.clock, secrets: deps.secrets, validators: deps.validators,
      ledger: this.ledger, records: this.records, random: deps.random ?? Math.random,
      consent: () => this.consentState,
      needsApproval: deps.needsApproval ?? (() => false),
      purgeDisallowed: () => this.purgeDisallowed(),
      stillOurs: (batch) => this.stillOurs(batch),
      changed: () => this.changed(),
      ...(deps.requestTimeoutMs ? { requestTimeoutMs: deps.requestTimeoutMs } : {}),
      delivered: () => { for (const l of this.deliveryListeners) { try { l(1); } catch { /* the listener's fault */ } } },
    });
  }

  /** The panel's model (see view/panel-model.ts), loaded on first use. */
  panelModel(): Promise<PanelModel> {
    this.panelModelRef ??= this.deps.modules.panel().then(({ PipelinePanel }) => new PipelinePanel(this, this.deps.catalogues ?? (() => [])));
    return this.panelModelRef;
  }

  /** Export and deletion (see view/panel-model.ts), loaded on first use. */
  dataRights(): Promise<DataRights> {
    this.rightsRef ??= this.deps.modules.rights().then(({ PipelineDataRights }) => new PipelineDataRights(this, this.deps));
    return this.rightsRef;
  }

  // ---- the way in -------------------------------------------------------------------------------------

  /**
   * Records one event of `source`; resolves when it is on disk, or says why it was not recorded (see
   * intake/intake.ts). Per-caller limits and catalogue checks (core/api/) run before this.
   */
  track(source: EventSource, event: EventInput, options?: IntakeOptions): Promise<TrackResult> {
    if (this.closed) { return Promise.resolve({ status: 'notCollected', reason: 'Candor is shutting down.' }); }
    const result = this.intake.track(source, event, options);
    if (this.acceptListeners.size === 0) { return result; }
    return result.then((r) => {
      if (r.status === 'accepted') { for (const l of this.acceptListeners) { try { l(source, event); } catch { /* the listener's fault */ } } }
      return r;
    });
  }

  /** Every accepted event, after it is on disk (the heartbeat's counters and the daily aggregate of core/builtin). */
  onDidAccept(listener: (source: EventSource, event: EventInput) => void): Subscription {
    this.acceptListeners.add(listener);
    return { dispose: () => { this.acceptListeners.delete(listener); } };
  }

  /** The same, with the source inside the input. */
  trackInput(input: TrackInput | unknown): Promise<TrackResult> {
    if (this.closed) { return Promise.resolve({ status: 'notCollected', reason: 'Candor is shutting down.' }); }
    return this.intake.trackInput(input);
  }

  // ---- life cycle ---------------------------------------------------------------------------------------

  /** Starts with the current consent and settings. Cheap when Candor is off and has nothing left on disk. */
  async start(consent: ConsentState, settings: PipelineSettings, paused = false): Promise<void> {
    this.consentState = consent;
    this.paused = paused;
    this.applySettings(settings);
    await this.identity.load().catch((e: Error) => this.log(`Could not read Candor's identity (${e.message}).`));
    const leftovers = (await this.deps.files.list(queueRoot(this.deps.storage))).some(isWindowDirName);
    if (consent.errorsAllowed) {
      await this.prepare().catch(() => {});
    } else if (leftovers) {
      // What was left from a session in which consent was still given goes, now that it is withdrawn.
      await this.openQueue().catch(() => {});
    }
    this.upkeepTimer = this.deps.clock.setTimeout(() => this.upkeep(), UPKEEP_INTERVAL_MS);
    this.delivery.kick();
  }

  /** Opens the queue and the identity, making the installation if this is the first time (the user opted in). */
  private prepare(): Promise<IntakeTarget> {
    return this.openQueue().then(async (queue) => ({ queue, identity: await this.identity.ensure() }));
  }

  /** Opens the queue: claims this window's folder and adopts the files of closed windows. */
  private openQueue(): Promise<Queue> {
    this.opening ??= this.open().catch((error: Error) => {
      this.opening = undefined;
      this.log(`Could not open Candor's queue: ${error.message}`);
      throw error;
    });
    return this.opening;
  }

  private async open(): Promise<Queue> {
    const { files, clock } = this.deps;
    const dir = await claimWindowDir(files, this.deps.storage, this.windowId, this.deps.process, clock.now());
    this.dir = dir;
    this.recordsFile = new RecordsFile(files, clock, joinPath(dir, STATE_FILE), this.records, (m) => this.log(m));
    this.ledgerFile = new LedgerFile(files, joinPath(dir, LEDGER_FILE), this.ledger);
    this.queueRef = await Queue.open(files, clock, dir, {
      dropped: (code, events) => this.dropped(code, events),
      changed: () => this.queueChanged(),
      ownerKeyHash: (installationId) => (this.identity.current?.installationId === installationId ? this.identity.current.ownerKeyHash : undefined),
      newBatchId: () => newEventId(clock.now()),
      admits: (event) => (event.installationId !== this.identity.current?.installationId ? { code: undefined }
        : allowsKind(this.consentState, event.kind) ? true : { code: 'consent_withdrawn' }),
      problem: (m) => this.log(m),
    }, this.limits(), this.deps.groupCommit);
    await this.adopt();
    return this.queueRef;
  }

  /** Takes over the queues of windows that closed or crashed, and merges their records. */
  private async adopt(): Promise<void> {
    const queue = this.queueRef;
    if (!queue || !this.dir) { return; }
    const { files } = this.deps;
    const adopted = await adoptOrphans(files, this.deps.storage, this.windowId, this.dir, this.deps.process);
    for (const name of adopted.states) {
      const bytes = await files.read(joinPath(this.dir, name));
      try { if (bytes) { this.records.merge(JSON.parse(Buffer.from(bytes).toString('utf8'))); } } catch { /* a damaged record file is skipped */ }
      await files.remove(joinPath(this.dir, name));
    }
    for (const name of adopted.ledgers) {
      const bytes = await files.read(joinPath(this.dir, name));
      if (bytes) { this.ledger.replay(parseLedgerLines(Buffer.from(bytes).toString('utf8'))); }
      await files.remove(joinPath(this.dir, name));
    }
    // An empty log (a window that stopped right after starting a new one) holds nothing to repair.
    const logs: string[] = [];
    for (const name of adopted.logs) {
      if ((await files.read(joinPath(this.dir, name)))?.length) { logs.push(name); } else { await files.remove(joinPath(this.dir, name)); }
    }
    const names = [...logs, ...adopted.batches, ...adopted.approvals];
    if (names.length === 0) { return; }
    const { recover, quarantineInto } = await this.deps.modules.recovery();
    const validate = await this.deps.validators.get<CandorEvent>('event');
    const quarantine = quarantineInto(files, quarantineDir(this.deps.storage), this.windowId, () => this.deps.clock.now());
    const recovered = await recover(files, this.dir, names, validate, quarantine);
    if (recovered.corrupted > 0) {
      this.countDrops('queue_corrupted', recovered.corrupted);
      this.log(`Repaired the queue: ${recovered.corrupted} damaged event(s) moved to ${quarantineDir(this.deps.storage)}.`);
    }
    queue.restore(recovered);
    await this.purgeDisallowed();
    this.delivery.kick();
  }

  /** Before each send: the shared identity is reread, so a batch of a forgotten installation is never sent. */
  private async stillOurs(batch: { installationId: string }): Promise<boolean> {
    await this.identity.load().catch(() => {});
    if (batch.installationId === this.identity.current?.installationId) { return true; }
    await this.purgeDisallowed();
    return false;
  }

  /** Consent changed (the editor's level, `candor.enabled`, the endpoint): takes effect at once. */
  setConsent(next: ConsentState): Promise<void> {
    const before = this.consentState;
    this.consentState = next;
    const withdrawn = (before.usageAllowed && !next.usageAllowed) || (before.errorsAllowed && !next.errorsAllowed);
    this.consentWork = this.consentWork.then(async () => {
      if (withdrawn) {
        this.delivery.abortInFlight();
        await this.delivery.idle();
        await this.purgeDisallowed();
      }
      if (next.errorsAllowed) { await this.prepare().catch(() => {}); }
      this.delivery.kick();
      this.changed();
    });
    this.changed();
    return this.consentWork;
  }

  get consent(): ConsentState { return this.consentState; }

  /** Removes every waiting event whose kind consent no longer allows, counted as `consent_withdrawn`. */
  async purgeDisallowed(): Promise<void> {
    const queue = this.queueRef;
    if (!queue) { return; }
    const consent = this.consentState;
    const current = this.identity.current?.installationId;
    // Events of a forgotten installation go silently: the user asked for them to be deleted.
    await queue.purge((e) => e.installationId !== current, undefined);
    await queue.purge((e) => !allowsKind(consent, e.kind), 'consent_withdrawn');
  }

  configure(settings: PipelineSettings): void {
    this.applySettings(settings);
    this.changed();
  }

  private applySettings(settings: PipelineSettings): void {
    this.settingsState = settings;
    this.queueRef?.setLimits(this.limits());
    this.delivery.configure({ endpoint: settings.endpoint, reviewBeforeSend: settings.reviewBeforeSend, paused: this.paused });
    this.armSealTimer();
  }

  get settings(): PipelineSettings { return this.settingsState; }

  private limits(): QueueLimits {
    return { ...DEFAULT_LIMITS, ...this.deps.limits, batchEvents: Math.min(this.deps.limits?.batchEvents ?? 500, this.settingsState.batchEvents) };
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.delivery.configure({ ...this.delivery.current, paused });
    this.changed();
  }

  get isPaused(): boolean { return this.paused; }

  /** Seals what is collecting and sends what may be sent, now. */
  async sendNow(): Promise<void> {
    this.queueRef?.sealNow();
    await this.queueRef?.settled();
    await this.delivery.sendNow();
  }

  /** Seals what is collecting (its bytes are then fixed). */
  sealNow(): void { this.queueRef?.sealNow(); }

  /** At `deactivate()`: a last delivery within `deadlineMs`; everything else stays on disk for the next session. */
  async shutdown(deadlineMs = 1000): Promise<void> {
    if (this.closed) { return; }
    this.closed = true;
    if (this.upkeepTimer) { this.deps.clock.clearTimeout(this.upkeepTimer); }
    await this.upkeepRun;
    if (this.sealTimer) { this.deps.clock.clearTimeout(this.sealTimer.handle); this.sealTimer = undefined; }
    const queue = this.queueRef;
    if (queue) {
      queue.sealNow();
      await queue.settled();
      await this.delivery.finalRound(deadlineMs).catch(() => {});
    } else {
      this.delivery.stop();
    }
    await this.recordsFile?.save();
    await this.ledgerFile?.flushed();
    if (queue) { await queue.close().catch((e: Error) => this.log(`Closing the queue: ${e.message}`)); }
    // Last: from now on another window (or the next session) may adopt what is left.
    if (this.dir) { await releaseWindowDir(this.deps.files, this.dir).catch(() => {}); }
  }

  // ---- upkeep -------------------------------------------------------------------------------------

  private upkeepRun: Promise<void> | undefined;

  /** Resolves when no upkeep and no delivery is running (tests, and shutdown). */
  async idle(): Promise<void> {
    while (this.upkeepRun) { await this.upkeepRun; }
    await this.delivery.idle();
  }

  private upkeep(): void {
    if (this.closed) { return; }
    this.upkeepRun = (async () => {
      try {
        const before = this.identity.current?.installationId;
        await this.identity.load();
        if (this.queueRef && this.dir) {
          // The folder deleted under Candor: make it again and write back everything still held.
          if (!(await this.deps.files.read(joinPath(this.dir, OWNER_FILE)))) {
            this.log(`Candor's queue folder ${this.dir} was removed; it was made again and the ${this.queueRef.eventCount} waiting event(s) written back.`);
            await this.deps.files.mkdirp(this.dir);
            await this.deps.files.writeAtomic(joinPath(this.dir, OWNER_FILE), JSON.stringify({ pid: this.deps.process.pid, windowId: this.windowId, createdAt: this.deps.clock.now() }));
            await this.queueRef.rehome();
          }
          if (before !== this.identity.current?.installationId) { await this.purgeDisallowed(); }
          await this.adopt();
          await this.queueRef.expire();
          await this.queueRef.retryPersist();
        }
      } catch (error) {
        this.log(`Upkeep: ${(error as Error).message}`);
      } finally {
        if (!this.closed) { this.upkeepTimer = this.deps.clock.setTimeout(() => this.upkeep(), UPKEEP_INTERVAL_MS); }
        this.delivery.kick();
        this.upkeepRun = undefined;
      }
    })();
  }

  /** Seals the collecting batch when its oldest event has waited the batch interval. */
  private armSealTimer(): void {
    const since = this.queueRef?.collectingSince;
    if (since === undefined || this.closed) {
      if (this.sealTimer) { this.deps.clock.clearTimeout(this.sealTimer.handle); this.sealTimer = undefined; }
      return;
    }
    const at = since + this.settingsState.batchIntervalMs;
    if (this.sealTimer && this.sealTimer.at === at) { return; }
    if (this.sealTimer) { this.deps.clock.clearTimeout(this.sealTimer.handle); }
    this.sealTimer = {
      at,
      handle: this.deps.clock.setTimeout(() => {
        this.sealTimer = undefined;
        this.queueRef?.sealNow();
        this.delivery.kick();
      }, Math.max(0, at - this.deps.clock.now())),
    };
  }

  // ---- what the pieces report -------------------------------------------------------------------------

  private dropped(code: ReasonCode, events: readonly EventMeta[]): void {
    this.countDrops(code, events.length);
    this.ledger.record(events.map((e) => e.id), { step: 'dropped', at: new Date(this.deps.clock.now()).toISOString(), code });
  }

  private countDrops(code: ReasonCode, count: number): void {
    this.records.countDrop(code, count);
    for (const l of this.dropListeners) { try { l(code, count); } catch { /* the listener's fault */ } }
  }

  private queueChanged(): void {
    // Many events in one turn make one notification.
    if (this.notifyQueued) { return; }
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      this.armSealTimer();
      if (this.queueRef && this.queueRef.sealedBatches().length > 0) { this.delivery.kick(); }
      this.changed();
    });
  }

  private changed(): void { for (const l of this.listeners) { try { l(); } catch { /* a listener's fault is its own */ } } }

  /** Called whenever status, queue, records or consent may have changed. */
  onDidChange(listener: () => void): Subscription {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  status(): PipelineStatus {
    const queue = this.queueRef;
    const batches = queue?.sealedBatches() ?? [];
    const retry = this.delivery.retryState;
    return {
      pendingEvents: queue?.eventCount ?? 0,
      awaitingReview: batches.filter((b) => !this.delivery.isCleared(b)).length,
      paused: this.paused,
      ...(this.delivery.lastFailure ? { lastFailure: this.delivery.lastFailure } : {}),
      ...(retry ? { nextAttemptAt: retry.nextAttemptAt } : {}),
    };
  }

  /** Empties the history, refused list, drop counts and ledger, here and on disk ("delete my data"). */
  async clearLocalRecords(): Promise<void> {
    this.records.clear();
    this.ledger.clear();
    await this.recordsFile?.save();
    await this.ledgerFile?.reset();
  }

  private readonly approvalListeners = new Set<(events: readonly EventMeta[]) => void>();

  /** The user approved a batch in the panel (new event names of an updated catalogue are then approved). */
  onDidApprove(listener: (events: readonly EventMeta[]) => void): Subscription {
    this.approvalListeners.add(listener);
    return { dispose: () => { this.approvalListeners.delete(listener); } };
  }

  /** Called by the panel's model when the user approved these events' batch. */
  approvedByUser(events: readonly EventMeta[]): void {
    for (const l of this.approvalListeners) { try { l(events); } catch { /* the listener's fault */ } }
  }

  /** Events dropped, by reason, as it happens (the heartbeat of core/builtin counts them). */
  onDidDrop(listener: (code: ReasonCode, count: number) => void): Subscription {
    this.dropListeners.add(listener);
    return { dispose: () => { this.dropListeners.delete(listener); } };
  }

  /** A batch was delivered (the heartbeat's counter, the first-delivery milestone). */
  onDidDeliver(listener: (batches: number) => void): Subscription {
    this.deliveryListeners.add(listener);
    return { dispose: () => { this.deliveryListeners.delete(listener); } };
  }

  /** Drop counts since the last heartbeat, by reason; the heartbeat event (issue 7) reports and resets them. */
  takeDropsSinceHeartbeat(): DropCounts { return this.records.takeDropsSinceHeartbeat(); }

  /**
   * The steps of one event since it was queued. "Queued" is implied by the event's id, which carries the
   * time it was made (UUIDv7), so the intake writes nothing per event for it.
   */
  ledgerOf(eventId: string): readonly LedgerEntry[] {
    return [{ step: 'queued', at: new Date(uuidv7Time(eventId)).toISOString() }, ...this.ledger.of(eventId)];
  }

  /** The queue, when it is open (the panel, data rights and tests read it). */
  get queue(): Queue | undefined { return this.queueRef; }

  /** The files under this window's folder (tests and export). */
  get folder(): string | undefined { return this.dir; }

  log(message: string): void { this.deps.log?.(message); }

  now(): number { return this.deps.clock.now(); }
}
