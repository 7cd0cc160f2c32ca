/**
 * Builds the runner's Temporal worker: the `serverlessWorkflow` workflow (from source or a prebuilt
 * bundle), the activities created from their dependencies, and the `progress` sink, which is never called
 * during replay so a progress event leaves the worker once per real execution.
 */
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import type { WorkflowProgressEvent } from './contract';
import { createActivities } from './activities';
import type { ActivityDeps } from './activities/deps';

export interface RunnerWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ActivityDeps;
  onProgress: (event: WorkflowProgressEvent) => void;
  /** A bundle made by `bundleWorkflowCode` (production images prebuild it); otherwise bundled from source. */
  workflowBundle?: WorkflowBundle;
  shutdownGraceTime?: Duration;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
}

/** Path of the workflow entry module, for `bundleWorkflowCode({ workflowsPath })`. */
export const WORKFLOWS_PATH = require.resolve('./workflows');

export async function createRunnerWorker(options: RunnerWorkerOptions): Promise<Worker> {
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: WORKFLOWS_PATH };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflowSource,
    activities: createActivities(options.activities),
    sinks: {
      progress: {
        emit: {
          fn: (_info, event: WorkflowProgressEvent) => options.onProgress(event),
          callDuringReplay: false,
        },
      },
    },
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
  });
}
