/**
 * Micro-benchmark: what a read of a built-in global (`Array`, `Object`, `Math`, `Number`) costs in a Node `vm`
 * context like the one Temporal runs workflow code in (`vm.createContext({})`), through the global itself and
 * through the script-scope constants the runner's workflow bundle starts with (`intrinsicBindings()` in
 * src/temporal/worker-factory.ts), against the same loop in the main context. Prints milliseconds per run of
 * the loop (median of 5) and the ratios.
 * Run: npx ts-node --transpile-only bench/vm-globals.ts
 */
import vm from 'vm';
import { intrinsicBindings } from '../src/temporal/worker-factory';

const LOOP = `
function loop(n) {
  const o = { a: 1, b: 2 };
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (Array.isArray(s)) s = 0;
    s += Math.floor(i / 3) + Object.keys(o).length + (Number.isInteger(i) ? 1 : 0);
  }
  return s;
}
loop;`;

const N = 1_000_000;

function time(loop: (n: number) => number): number {
  loop(N / 10);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    loop(N);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples.sort((a, b) => a - b)[2];
}

const main = vm.runInThisContext(`(() => {${LOOP.replace('loop;', 'return loop;')}})()`) as (n: number) => number;
const throughGlobals = vm.runInContext(LOOP, vm.createContext({})) as (n: number) => number;
const throughBindings = vm.runInContext(`${intrinsicBindings()}\n${LOOP}`, vm.createContext({})) as (
  n: number,
) => number;

const rows: [string, number][] = [
  ['main context', time(main)],
  ['vm context, globals', time(throughGlobals)],
  ['vm context, script-scope bindings', time(throughBindings)],
];
const base = rows[0][1];
console.log(`loop of ${N.toLocaleString('en')} iterations (Array.isArray, Math.floor, Object.keys, Number.isInteger)`);
for (const [name, ms] of rows)
  console.log(`${name.padEnd(36)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / base).toFixed(2)}x`);
