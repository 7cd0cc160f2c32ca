/**
 * Counts the worker's calls into the workflow `vm` context, for bench/vm-calls.ts's per-call costs: a preload
 * for a bench worker (`bench/compare-workers.ts` with `"nodeFlags": ["--require", "<this file>"]` and
 * `"env": { "VM_CALL_COUNTS": "<file>" }` in the SPEC). Each workflow thread writes to the file, every two
 * seconds, the calls by the SDK's entry point (`activate`, `concludeActivation`, `initRuntime`, ...), how
 * many of them changed the workflow the context's globals belong to, and how many globals the context has.
 * Measurement only: it wraps `vm.Script.prototype.runInContext` and changes nothing else.
 */
'use strict';
const vm = require('node:vm');
const { isMainThread, threadId } = require('node:worker_threads');
const { appendFileSync } = require('node:fs');

const out = process.env.VM_CALL_COUNTS;
if (out && !isMainThread) {
  const run = vm.Script.prototype.runInContext;
  const calls = new Map();
  const state = { total: 0, switches: 0, holder: undefined, globals: 0, context: undefined };
  vm.Script.prototype.runInContext = function countedRunInContext(context, options) {
    const args = context && context.__temporal_args;
    if (Array.isArray(args)) {
      state.total += 1;
      calls.set(String(args[1]), (calls.get(String(args[1])) ?? 0) + 1);
      if (args[0] !== state.holder) state.switches += 1;
      state.holder = args[0];
      state.context = context;
    }
    return run.call(this, context, options);
  };
  const count = new vm.Script('Reflect.ownKeys(globalThis).length');
  setInterval(() => {
    if (state.context && state.globals === 0) state.globals = run.call(count, state.context);
    const line = { thread: threadId, calls: state.total, switches: state.switches, globals: state.globals };
    appendFileSync(out, `${JSON.stringify({ ...line, byEntry: Object.fromEntries(calls) })}\n`);
  }, 2000).unref();
}
