// A day's mark records which roll-up took it (a random token), instead of being deleted when one starts.
// A roll-up reads a day's events in slices, with the event loop running between them (sqlite-storage.ts),
// and saves its result only if the day is still marked; a batch or deletion that changes the day meanwhile
// clears `taken`, so the day stays marked for the next run; and a roll-up cut short (a crash, a kill)
// leaves its mark behind, so the day is done again.
export const sql = `
ALTER TABLE rollup_pending ADD COLUMN taken TEXT;
`;
