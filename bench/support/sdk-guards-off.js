/**
 * An experiment, never part of the runner: switches off, in a bench worker's workflow thread, the two
 * per-activation costs of the Temporal SDK that have no setting, to measure what they cost end to end and
 * what a TypeScript worker spends per call without them. A preload for `bench/compare-workers.ts`
 * (`"nodeFlags": ["--require", "<this file>"]` on one build of the SPEC, and optionally
 * `"env": { "SDK_GUARDS_OFF": "timeout" }` or `"promise-hook"` to switch off one only; both by default):
 * - `timeout`: drops the `timeout` option the SDK passes to `Script.runInContext` on every call into the
 *   workflow sandbox (`isolateExecutionTimeout`), for which Node starts and joins a watchdog thread per
 *   call. Without it a workflow stuck in a loop stalls the workflow thread for good.
 * - `promise-hook`: keeps the SDK from installing its V8 promise hook, which captures and source-maps a
 *   stack trace for every promise created in workflow code. Without it the `__stack_trace` and
 *   `__enhanced_stack_trace` queries (the Temporal UI's stack trace view) answer nothing useful.
 * Both matter only in the workflow thread; the main thread is left as it is.
 */
'use strict';
const { isMainThread } = require('node:worker_threads');

const off = new Set((process.env.SDK_GUARDS_OFF || 'timeout,promise-hook').split(',').map((s) => s.trim()));
if (!isMainThread) {
  if (off.has('timeout')) {
    const vm = require('node:vm');
    const run = vm.Script.prototype.runInContext;
    vm.Script.prototype.runInContext = function runWithoutWatchdog(context, options) {
      if (options && options.timeout !== undefined) {
        const { timeout: _dropped, ...rest } = options;
        return run.call(this, context, rest);
      }
      return run.call(this, context, options);
    };
  }
  if (off.has('promise-hook')) {
    const v8 = require('node:v8');
    v8.promiseHooks.createHook = () => () => undefined;
  }
}
