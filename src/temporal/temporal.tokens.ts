/** DI tokens of the Temporal feature. */
import type { RunnerWorkerOptions } from './worker-factory';
import type { Worker } from '@temporalio/worker';

/** The worker factory (`createRunnerWorker` in production; tests may pass another). */
export const RUNNER_WORKER_FACTORY = Symbol('RUNNER_WORKER_FACTORY');

export type RunnerWorkerFactory = (options: RunnerWorkerOptions) => Promise<Worker>;
