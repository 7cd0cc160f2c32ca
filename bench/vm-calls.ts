/**
 * Micro-benchmark: the fixed cost of one call from the worker into a workflow's `vm` context, as the Temporal
 * SDK makes several per activation, apart from the workflow code the call runs. Two parts are measured:
 * - the `timeout` option of `Script.runInContext` (the SDK passes `isolateExecutionTimeout`, 5 s, on every
 *   call): Node starts a watchdog thread for the call and joins it afterwards;
 * - switching the context's global object from one workflow's globals to another's: the SDK runs all
 *   workflows of a worker thread in one reused context and, when a call is for a different workflow than the
 *   previous one, saves the global object's property descriptors and restores the other workflow's. With many
 *   runs in flight nearly every activation switches. The switch here is written for this benchmark with the
 *   same operations (descriptor snapshot, per-property compare and define, delete of extras) over a context
 *   with as many globals as the runner's workflow context has (76 with hand-written
 *   workflows, 77 with the DSL's, counted in the live worker with bench/support/vm-call-counter.js).
 * Prints the process CPU time per call (microseconds; the watchdog thread's time counts, as it does in the
 * worker's CPU), medians of 5 samples.
 * Run: npx ts-node --transpile-only bench/vm-calls.ts
 */
import vm from 'vm';

const RUNNER_CONTEXT_GLOBALS = 76;

const SETUP = `{
  const state = { current: undefined };
  globalThis.__bench_enter = (owner) => {
    if (state.current !== owner) {
      if (state.current !== undefined) state.current.globals = Object.getOwnPropertyDescriptors(globalThis);
      const extra = new Set(Reflect.ownKeys(globalThis));
      for (const key of Reflect.ownKeys(owner.globals)) {
        if (owner.globals[key].value !== globalThis[key]) Object.defineProperty(globalThis, key, owner.globals[key]);
        extra.delete(key);
      }
      for (const key of extra) delete globalThis[key];
      state.current = owner;
    }
    return Promise.resolve(1).then((v) => v + 1);
  };
}`;

function context(): vm.Context {
  const ctx = vm.createContext({}, { microtaskMode: 'afterEvaluate' });
  vm.runInContext(SETUP, ctx);
  const missing = RUNNER_CONTEXT_GLOBALS - (vm.runInContext('Reflect.ownKeys(globalThis).length', ctx) as number);
  for (let i = 0; i < missing; i++) vm.runInContext(`globalThis.__bench_global_${i} = { n: ${i} };`, ctx);
  return ctx;
}

const call = new vm.Script('__bench_enter(__bench_owner)');

/** Process CPU microseconds per call, median of 5 samples of `n` calls. */
function cpuPerCall(ctx: vm.Context, n: number, owner: (i: number) => unknown, options: vm.RunningScriptOptions) {
  const samples: number[] = [];
  for (let s = 0; s < 6; s++) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      ctx.__bench_owner = owner(i);
      call.runInContext(ctx, options);
    }
    const used = process.cpuUsage(start);
    if (s > 0) samples.push((used.user + used.system) / n); // the first sample warms up
  }
  return samples.sort((a, b) => a - b)[2];
}

const ctx = context();
const pristine = vm.runInContext('Object.getOwnPropertyDescriptors(globalThis)', ctx) as PropertyDescriptorMap;
const owners = Array.from({ length: 50 }, () => ({ globals: pristine }));
const same = (): unknown => owners[0];
const switching = (i: number): unknown => owners[i % owners.length];
const guarded = { timeout: 5000, displayErrors: true };
const unguarded = { displayErrors: true };

const rows: [string, number][] = [
  ['same workflow, no timeout', cpuPerCall(ctx, 20_000, same, unguarded)],
  ['same workflow, timeout (watchdog)', cpuPerCall(ctx, 5_000, same, guarded)],
  ['switching workflows, no timeout', cpuPerCall(ctx, 5_000, switching, unguarded)],
  ['switching workflows, timeout', cpuPerCall(ctx, 5_000, switching, guarded)],
];
console.log(`one call into a vm context with ${RUNNER_CONTEXT_GLOBALS} globals, process CPU per call (median of 5)`);
for (const [name, us] of rows) console.log(`${name.padEnd(36)} ${us.toFixed(1).padStart(8)} us`);
console.log(`the watchdog: ${(rows[1][1] - rows[0][1]).toFixed(1)} us per call`);
console.log(`a switch of globals: ${(rows[2][1] - rows[0][1]).toFixed(1)} us per switch`);
