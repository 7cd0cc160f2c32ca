/**
 * Workflow interceptors of the runner's workflows: when an activation concludes, the progress events it
 * produced leave through one sink call (see ProgressLog). Registered as a workflow interceptor module by
 * worker-factory.ts (and baked into prebuilt bundles).
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { flushProgress } from './interpreter/progress';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  internals: [
    {
      concludeActivation(input, next) {
        flushProgress();
        return next(input);
      },
    },
  ],
});
