/**
 * Workflow interceptors of the runner's workflows: when an activation concludes, the progress events it
 * produced leave through one sink call (see ProgressLog); runs started with a trace context are traced
 * (tracing.ts). Registered as a workflow interceptor module by
 * worker-factory.ts (and baked into prebuilt bundles).
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { flushProgress } from './interpreter/progress';
import { tracingInterceptors } from './tracing';

export const interceptors: WorkflowInterceptorsFactory = () => {
  // Tracing sits outermost, so its spans enclose everything the run does (tracing.ts; off unless traced).
  const tracing = tracingInterceptors();
  return {
    inbound: tracing.inbound,
    outbound: tracing.outbound,
    internals: [
      ...(tracing.internals ?? []),
      {
        concludeActivation(input, next) {
          flushProgress();
          return next(input);
        },
      },
    ],
  };
};
