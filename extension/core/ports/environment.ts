// What the core needs to know about where it runs, handed in as plain values.
import type { EventEnvelope } from '../../../generated/types';

/** The envelope's `client` object: Candor's and the editor's versions and the OS family. Nothing else. */
export type ClientFacts = EventEnvelope['client'];

export interface ProcessFacts {
  /** This process's id, written into the queue's owner file. */
  readonly pid: number;
  /** Whether a process with this id still runs (another window's extension host). */
  isAlive(pid: number): boolean;
}

/** Strings that name this user or machine, scrubbed wherever they appear (user name, host name). */
export interface PersonalStrings {
  readonly userName?: string;
  readonly hostName?: string;
  readonly homeDir?: string;
}
