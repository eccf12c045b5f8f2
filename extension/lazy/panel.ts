// Entry of dist/lazy/panel.js: the panel's model, loaded when the panel (or a command that acts like it) is first used.
export { PipelinePanel } from '../core/view/pipeline-panel';
