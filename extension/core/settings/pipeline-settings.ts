// Candor's settings are input from outside (a settings file, possibly a workspace's, edited by hand):
// each is checked, an invalid value is replaced by a safe one, and the user is told what was wrong and
// what to do. The endpoint's own check is in ../consent/endpoint-setting.ts.
import type { PipelineSettings } from '../pipeline';
import { checkEndpoint } from '../consent/endpoint-setting';

export interface RawSettings {
  readonly endpoint: unknown;
  readonly reviewBeforeSend: unknown;
  readonly maxEvents: unknown;
  readonly intervalSeconds: unknown;
}

export interface CheckedSettings {
  readonly settings: PipelineSettings;
  /** One sentence per invalid value: the setting, what is wrong, what Candor uses instead. */
  readonly problems: readonly string[];
}

function wholeNumber(raw: unknown, name: string, min: number, max: number, fallback: number, problems: string[]): number {
  if (raw === undefined || raw === null) { return fallback; }
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max) { return raw; }
  problems.push(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)?.slice(0, 40)}; Candor uses ${fallback} until you change it.`);
  return fallback;
}

export function checkSettings(raw: RawSettings): CheckedSettings {
  const problems: string[] = [];
  const endpoint = checkEndpoint(raw.endpoint);
  if (endpoint && !endpoint.ok) { problems.push(`candor.endpoint is not usable: ${endpoint.problem} Nothing is sent until it is fixed.`); }
  let reviewBeforeSend = false;
  if (typeof raw.reviewBeforeSend === 'boolean') { reviewBeforeSend = raw.reviewBeforeSend; }
  else if (raw.reviewBeforeSend !== undefined && raw.reviewBeforeSend !== null) {
    // An unreadable value errs on the side of showing the user before anything leaves.
    reviewBeforeSend = true;
    problems.push(`candor.reviewBeforeSend must be true or false, not ${JSON.stringify(raw.reviewBeforeSend)?.slice(0, 40)}; Candor holds batches for review until you fix it.`);
  }
  return {
    settings: {
      endpoint: endpoint?.ok ? endpoint.url : undefined,
      reviewBeforeSend,
      batchEvents: wholeNumber(raw.maxEvents, 'candor.batch.maxEvents', 1, 500, 500, problems),
      batchIntervalMs: wholeNumber(raw.intervalSeconds, 'candor.batch.intervalSeconds', 1, 3600, 30, problems) * 1000,
    },
    problems,
  };
}
