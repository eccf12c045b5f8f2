// The limits of PROTOCOL.md §7, in one place for the client and the endpoint.

/** Largest body an endpoint must accept, as sent and after decompression. */
export const MAX_BODY_BYTES = 512_000;
/** Most events in one batch. */
export const MAX_EVENTS_PER_BATCH = 500;
/** Largest event (compact JSON) an endpoint must accept. */
export const MAX_EVENT_BYTES = 32_768;
/** Deepest nesting of one event; the event object is level 1. */
export const MAX_EVENT_DEPTH = 16;
/** Deepest nesting of a whole body, refused before validation. */
export const MAX_BODY_DEPTH = 32;
/** Largest uncompressed body a client seals, leaving room for the batch's own fields. */
export const CLIENT_MAX_BATCH_BYTES = 491_520;
/** Largest event a client accepts, leaving a margin for serialisations that differ between languages. */
export const CLIENT_MAX_EVENT_BYTES = 32_000;
/** The spec version this code implements. */
export const SPEC_VERSION = '1.0';
