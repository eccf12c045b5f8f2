// A VS Code TelemetrySender that routes through Candor, so an extension that already uses
// `vscode.env.createTelemetryLogger` switches with one line. The editor's logger prefixes names with the
// extension id and mixes in its common properties (`common.vscodemachineid` among them); Candor drops
// every `common.*` member — no stable machine identifier ever leaves — and sends only what the
// catalogue declares.
import type { TrackResult } from '../events/intake';
import type { Reporter } from './reporter';

export interface SenderOptions {
  /** The declared error event that errors logged through the logger are reported as. Default: the first declared error event. */
  readonly errorEvent?: string;
  /** Told about every refusal, since a TelemetrySender cannot return one to its caller. */
  readonly onResult?: (result: TrackResult, eventName: string) => void;
}

/** Structurally a `vscode.TelemetrySender`; the core does not import `vscode`. */
export interface TelemetrySenderLike {
  sendEventData(eventName: string, data?: Record<string, unknown>): void;
  sendErrorData(error: Error, data?: Record<string, unknown>): void;
  flush?(): void | Thenable<void>;
}

export function createSender(reporter: Reporter, extensionId: string, errorEvent: string | undefined, options: SenderOptions = {}): TelemetrySenderLike {
  const prefix = `${extensionId.toLowerCase()}/`;
  const strip = (name: string) => (name.toLowerCase().startsWith(prefix) ? name.slice(prefix.length) : name);
  const own = (data?: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(data ?? {}).filter(([k]) => !k.startsWith('common.')));
  const report = (name: string, result: Promise<TrackResult>) => {
    void result.then((r) => options.onResult?.(r, name));
  };
  return {
    sendEventData(eventName, data) {
      const name = strip(String(eventName));
      report(name, reporter.send(name, own(data)));
    },
    sendErrorData(error, data) {
      const name = options.errorEvent ?? errorEvent;
      if (!name) {
        options.onResult?.({ status: 'refused', code: 'unregistered_event', message: `${extensionId} logged an error, but its catalogue declares no error event to report it as.`, errors: [] }, '(error)');
        return;
      }
      report(name, reporter.send(name, own(data), error));
    },
  };
}
