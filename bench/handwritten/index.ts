/**
 * The bench worker's workflows entry: the runner's own workflow type plus the hand-written reference
 * workflows, bundled together so both variants run on one worker with the same settings.
 */
export * from '../../src/temporal/workflows/bundle-entry';
export { benchPureData } from './pure-data';
export { benchHttpSequence } from './http-sequence';
export { benchForTryFork } from './for-try-fork';
