// Parts of the core that are not needed to activate, loaded on first use: the user's data rights
// (export, deletion), the panel's model, and the repair of queue files left by another session. The
// extension loads each from its own bundle in dist/lazy/ (scripts/build.mjs), so activation reads less
// code; tests hand in the modules directly.
export interface LazyModules {
  rights(): Promise<typeof import('../rights/data-rights')>;
  panel(): Promise<typeof import('../view/pipeline-panel')>;
  recovery(): Promise<typeof import('../queue/recovery')>;
}
