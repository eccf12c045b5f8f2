// The editor's secret storage, behind an interface: the ingest token and each installation's owner
// secret live there, never in settings or in files that Candor writes.

export interface Secrets {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export const INGEST_TOKEN_KEY = 'candor.ingestToken';
export const ownerSecretKey = (installationId: string) => `candor.ownerSecret.${installationId}`;
