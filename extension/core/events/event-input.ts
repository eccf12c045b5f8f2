// What a producer of an event decides (its kind, name and data); the intake adds the envelope (id,
// time, sequence, installation, session, source, client). Derived from the generated event types.
import type { CandorEvent } from '../../../generated/types';

type DistributivePick<T, K extends keyof T> = T extends unknown ? Pick<T, K> : never;

export type EventInput = DistributivePick<CandorEvent, 'kind' | 'name' | 'data'>;
