/** The process's RunnerTracing (src/tracing/tracing.ts), or null when tracing is off. */
export const RUNNER_TRACING = Symbol('RUNNER_TRACING');
