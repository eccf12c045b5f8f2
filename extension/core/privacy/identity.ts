// The installation's identity: a random installation id (UUIDv4, never derived from the machine), the
// salt that keys every identifier hash (never leaves the machine; rotates every 30 days and on "forget
// me"), and the proof of ownership for export and deletion (PROTOCOL.md §5): the owner secret lives in
// the editor's secret storage, its hash in this file. Past installation ids are kept, with their
// secrets, so that export and deletion cover everything this installation ever sent.
//
// The file is shared by every window of the editor: it is created once (exclusively, so two windows
// starting together agree on one id) and replaced atomically.
import { newInstallationId } from '../../../protocol/ids';
import { isOwnerSecret, newOwnerSecret, ownerKeyHash } from '../../../protocol/owner-key';
import type { Clock } from '../ports/clock';
import { joinPath, type Files } from '../ports/files';
import { ownerSecretKey, type Secrets } from '../ports/secrets';
import { newSalt, SALT_BYTES } from './hasher';

export const SALT_ROTATION_MS = 30 * 24 * 60 * 60_000;

export interface Installation {
  readonly installationId: string;
  readonly ownerKeyHash: string;
  /** When it was made (first enabled, or the last "forget me"). */
  readonly createdAt: number;
}

export interface Identity extends Installation {
  readonly salt: Buffer;
  readonly saltCreatedAt: number;
}

export interface PastInstallation extends Installation { readonly retiredAt: number }

interface IdentityFile {
  readonly v: 1;
  readonly installationId: string;
  readonly ownerKeyHash: string;
  readonly createdAt: number;
  readonly salt: string;
  readonly saltCreatedAt: number;
  readonly past: readonly PastInstallation[];
}

const UUIDV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const HASH = /^[0-9a-f]{64}$/;
const isTime = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
const isInstallation = (v: unknown): v is Installation => {
  const o = v as Partial<Installation> | null;
  return !!o && typeof o.installationId === 'string' && UUIDV4.test(o.installationId) && typeof o.ownerKeyHash === 'string' && HASH.test(o.ownerKeyHash) && isTime(o.createdAt);
};

/** The identity file is input from disk: anything not exactly right is refused. */
function parseIdentityFile(bytes: Uint8Array): IdentityFile {
  const v = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<IdentityFile>;
  if (v.v !== 1 || !isInstallation({ installationId: v.installationId, ownerKeyHash: v.ownerKeyHash, createdAt: v.createdAt }) || typeof v.salt !== 'string' || Buffer.from(v.salt, 'base64url').length !== SALT_BYTES
    || !isTime(v.saltCreatedAt) || !Array.isArray(v.past) || !v.past.every((p) => isInstallation(p) && isTime((p as PastInstallation).retiredAt))) {
    throw new Error('identity.json does not have the expected fields');
  }
  return v as IdentityFile;
}

export class IdentityStore {
  private file: IdentityFile | undefined;
  private identity: Identity | undefined;
  private creating: Promise<Identity> | undefined;

  constructor(private readonly files: Files, private readonly secrets: Secrets, private readonly clock: Clock,
    private readonly storage: string, private readonly saltRotationMs = SALT_ROTATION_MS,
    private readonly problem: (message: string) => void = () => {}) {}

  private get path(): string { return joinPath(this.storage, 'identity.json'); }

  /** The identity in use, if one exists (none before the user first enabled Candor). */
  get current(): Identity | undefined { return this.identity; }

  /** Every installation id this machine has used and not yet deleted at the endpoint, newest first. */
  installations(): Installation[] {
    if (!this.file) { return []; }
    const { installationId, ownerKeyHash: hash, createdAt } = this.file;
    return [{ installationId, ownerKeyHash: hash, createdAt }, ...this.file.past.map(({ installationId: id, ownerKeyHash: h, createdAt: c }) => ({ installationId: id, ownerKeyHash: h, createdAt: c }))];
  }

  /** The owner key hash of a current or past installation, or undefined if it is not ours (any more). */
  ownerKeyHashOf(installationId: string): string | undefined {
    return this.installations().find((i) => i.installationId === installationId)?.ownerKeyHash;
  }

  async secretOf(installationId: string): Promise<string | undefined> {
    const secret = await this.secrets.get(ownerSecretKey(installationId));
    return isOwnerSecret(secret) ? secret : undefined;
  }

  /**
   * Reads the shared file again (another window may have rotated the salt or forgotten the installation)
   * and rotates the salt when it is due. Returns the identity, or undefined if none was made yet.
   */
  async load(): Promise<Identity | undefined> {
    const bytes = await this.files.read(this.path);
    if (!bytes) {
      if (!this.file) { this.identity = undefined; return undefined; }
      // Deleted under Candor (no window ever deletes it): written back, so that the events waiting keep
      // their installation and a later export or deletion still covers it.
      await this.files.mkdirp(this.storage);
      await this.files.writeAtomic(this.path, JSON.stringify(this.file));
      return this.identity;
    }
    try {
      this.adopt(parseIdentityFile(bytes));
    } catch (error) {
      // Damaged: move it aside and start a new installation; the old id cannot be trusted any more.
      this.problem(`Candor's identity file was damaged (${(error as Error).message}); a new installation id was made.`);
      await this.files.rename(this.path, `${this.path}.damaged-${this.clock.now()}`);
      this.file = undefined; this.identity = undefined;
      return this.ensure();
    }
    if (this.clock.now() - this.file!.saltCreatedAt >= this.saltRotationMs) { await this.rotateSalt(); }
    return this.identity;
  }

  /** The identity, made now if there is none yet (the first time the user enables Candor). */
  async ensure(): Promise<Identity> {
    if (this.identity) { return this.identity; }
    this.creating ??= this.create().finally(() => { this.creating = undefined; });
    return this.creating;
  }

  private async create(): Promise<Identity> {
    const existing = await this.files.read(this.path);
    if (existing) { const loaded = await this.load(); if (loaded) { return loaded; } }
    const now = this.clock.now();
    const { file, secret } = this.fresh(now, []);
    // The secret is stored before the file names its hash: a batch never carries a hash whose secret is lost.
    await this.secrets.store(ownerSecretKey(file.installationId), secret);
    await this.files.mkdirp(this.storage);
    if (await this.files.createExclusive(this.path, JSON.stringify(file))) {
      this.adopt(file);
      return this.identity!;
    }
    // Another window made it first: use theirs.
    await this.secrets.delete(ownerSecretKey(file.installationId));
    const theirs = await this.load();
    if (!theirs) { throw new Error('the identity file vanished while it was being made'); }
    return theirs;
  }

  /**
   * "Forget me": a new installation id, salt and owner secret. The previous id joins the past ids
   * (until its data is deleted at the endpoint, see `dropPast`).
   */
  async forget(): Promise<Identity> {
    await this.load();
    const now = this.clock.now();
    const past: PastInstallation[] = this.file
      ? [{ installationId: this.file.installationId, ownerKeyHash: this.file.ownerKeyHash, createdAt: this.file.createdAt, retiredAt: now }, ...this.file.past]
      : [];
    const { file, secret } = this.fresh(now, past);
    await this.secrets.store(ownerSecretKey(file.installationId), secret);
    await this.files.mkdirp(this.storage);
    await this.files.writeAtomic(this.path, JSON.stringify(file));
    this.adopt(file);
    return this.identity!;
  }

  /** Forgets past ids whose data the endpoint confirmed deleted, with their secrets. */
  async dropPast(installationIds: readonly string[]): Promise<void> {
    if (!this.file || installationIds.length === 0) { return; }
    const drop = new Set(installationIds.filter((id) => id !== this.file!.installationId));
    const next: IdentityFile = { ...this.file, past: this.file.past.filter((p) => !drop.has(p.installationId)) };
    await this.files.writeAtomic(this.path, JSON.stringify(next));
    this.adopt(next);
    for (const id of drop) { await this.secrets.delete(ownerSecretKey(id)); }
  }

  private async rotateSalt(): Promise<void> {
    if (!this.file) { return; }
    const next: IdentityFile = { ...this.file, salt: newSalt().toString('base64url'), saltCreatedAt: this.clock.now() };
    await this.files.writeAtomic(this.path, JSON.stringify(next));
    this.adopt(next);
  }

  private fresh(now: number, past: PastInstallation[]): { file: IdentityFile; secret: string } {
    const secret = newOwnerSecret();
    return {
      secret,
      file: { v: 1, installationId: newInstallationId(), ownerKeyHash: ownerKeyHash(secret), createdAt: now, salt: newSalt().toString('base64url'), saltCreatedAt: now, past },
    };
  }

  private adopt(file: IdentityFile): void {
    this.file = file;
    this.identity = {
      installationId: file.installationId, ownerKeyHash: file.ownerKeyHash, createdAt: file.createdAt,
      salt: Buffer.from(file.salt, 'base64url'), saltCreatedAt: file.saltCreatedAt,
    };
  }
}
