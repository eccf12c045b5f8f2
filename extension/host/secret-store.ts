// The editor's SecretStorage behind the core's Secrets port: the ingest token and owner secrets live in
// the OS keychain (or the editor's encrypted store), never in settings or Candor's files.
import type * as vscode from 'vscode';
import type { Secrets } from '../core/ports/secrets';

export function secretStore(storage: vscode.SecretStorage): Secrets {
  return {
    get: (key) => Promise.resolve(storage.get(key)),
    store: (key, value) => Promise.resolve(storage.store(key, value)),
    delete: (key) => Promise.resolve(storage.delete(key)),
  };
}
