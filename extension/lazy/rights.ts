// Entry of dist/lazy/rights.js: export and deletion, loaded when the user first asks for them.
export { PipelineDataRights } from '../core/rights/data-rights';
