/**
 * Builds the runner's Temporal worker: the `serverlessWorkflow` workflow (from source or a prebuilt
 * bundle), the activities created from their dependencies, and the `progress` sink, which is never called
 * during replay so a progress event leaves the worker once per real execution.
 */
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import type { WorkflowProgressEvent } from './contract';
import { createActivities } from './activities';
import { type ProgressBatch, unpackProgressBatch } from './progress-batch';
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

/** Path of the workflow bundle's entry (every workflow type the worker registers), for `bundleWorkflowCode`. */
export const WORKFLOWS_PATH = require.resolve('./workflows/bundle-entry');

/**
 * Modules the reusable V8 context loads once and shares with every workflow it runs, instead of evaluating
 * them again for each workflow: the runner's whole workflow code (interpreter, DSL helpers, jq engine).
 * Sharing is safe because none of them keeps per-workflow state at module level (Temporal APIs such as
 * sinks and activities look the running workflow up when called); the only module-level state is the jq
 * engine's parsed builtins and its cache of compiled programs, pure functions of the program text, so a
 * cache hit and a miss give the same result. test/dsl/shared-modules.test.ts guards the isolation.
 */
export const SHARED_WORKFLOW_MODULES: readonly string[] = [WORKFLOWS_PATH];

/** Workflow interceptor modules (progress events leave once per activation). */
export const WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [require.resolve('./workflows/interceptors')];

/** Options of `bundleWorkflowCode` for the runner's workflows (or for an entry module that re-exports them). */
export function workflowBundleOptions(workflowsPath: string = WORKFLOWS_PATH): {
  workflowsPath: string;
  preloadModules: string[];
  workflowInterceptorModules: string[];
} {
  return {
    workflowsPath,
    preloadModules: [...SHARED_WORKFLOW_MODULES],
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES],
  };
}

export async function createRunnerWorker(options: RunnerWorkerOptions): Promise<Worker> {
  const bundling = workflowBundleOptions();
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : {
        workflowsPath: bundling.workflowsPath,
        bundlerOptions: { preloadModules: bundling.preloadModules },
        interceptors: { workflowModules: bundling.workflowInterceptorModules },
      };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflowSource,
    activities: createActivities(options.activities),
    sinks: {
      progress: {
        emitBatch: {
          fn: (_info, batch: ProgressBatch) => {
            for (const event of unpackProgressBatch(batch)) options.onProgress(event);
          },
          callDuringReplay: false,
        },
      },
    },
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
  });
}
