// What a view may ask of the app: send an action to the extension and await its answer. Views never
// see the host, and never post anything but the schema's messages.
import type { FromWebviewMessage, ToWebviewMessage } from '../../generated/types';

type WithoutRequestId<M> = M extends { requestId: string } ? Omit<M, 'requestId'> : never;
/** An action of the panel, before the app gives it a request id. */
export type Action = WithoutRequestId<FromWebviewMessage>;
export type Answer = Extract<ToWebviewMessage, { type: 'result' | 'batchBytes' }>;

export interface AppPort {
  request(action: Action): Promise<Answer>;
}
