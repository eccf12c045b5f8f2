// Which telemetry level to name in the consent explanation. The editor's TelemetryLogger flags decide
// what is allowed; the `telemetry.telemetryLevel` setting only names it. The two change by separate
// events (the setting's first, the flags' a moment later), so between them the setting can name a level
// the flags do not yet show: "Off: the level is `all`" for an instant, a flicker in the status bar and
// the consent screen, and a consent change fired twice. The setting is named only when it agrees with
// the flags; otherwise the flags' own level is, so the state changes once, when the flags do.
import type { TelemetryLevel } from './consent';

export function editorLevelOf(configured: unknown, usageEnabled: boolean, errorsEnabled: boolean): TelemetryLevel {
  if (usageEnabled) { return 'all'; }
  if (errorsEnabled) { return 'error'; }
  return configured === 'crash' ? 'crash' : 'off';
}
