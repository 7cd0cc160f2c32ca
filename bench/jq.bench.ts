/**
 * Benchmark: evaluations per CPU-second of typical workflow expressions, for this engine, @michaelhomer/jqjs
 * and jq-wasm (real jq 1.8.2) in the same process. Prints a table and geometric-mean ratios.
 * Also prints the time of the 10,000-character catastrophic regex (regexTiming).
 * Run: npx ts-node --transpile-only bench/jq.bench.ts
 */
import { loadJq } from 'jq-wasm';
import { createDslJq } from '../src/zigflow/dsl/jq-engine';

interface Case {
  readonly name: string;
  readonly program: string;
}

const items = Array.from({ length: 100 }, (_x, i) => ({
  id: i,
  name: `item-${i}`,
  status: i % 3 === 0 ? 'active' : 'inactive',
  price: (i * 7) % 50,
  tags: [`t${i % 5}`, `g${i % 7}`],
  owner: { name: `user${i % 10}`, region: i % 2 === 0 ? 'eu' : 'us' },
}));
const input = { order: { id: 'o-1', total: 120, customer: { name: 'Ada', tier: 'gold' } }, items };

const CASES: Case[] = [
  { name: 'field access + comparison', program: '.order.total > 100 and .order.customer.tier == "gold"' },
  { name: 'object construction', program: '{id: .order.id, customer: .order.customer.name, total: .order.total}' },
  { name: 'string interpolation', program: '"Order \\(.order.id) for \\(.order.customer.name): \\(.order.total)"' },
  { name: 'map(select(...)) over 100', program: '.items | map(select(.status == "active" and .price > 10))' },
  { name: 'sort_by over 100', program: '.items | sort_by(.price)' },
  {
    name: 'group_by over 100',
    program: '.items | group_by(.owner.region) | map({region: .[0].owner.region, n: length})',
  },
  { name: 'reduce over 100', program: 'reduce .items[] as $i (0; . + $i.price)' },
];

type Runner = (program: string) => (value: unknown) => unknown;

/** Milliseconds of CPU this process has used: unlike wall time, not inflated when a busy machine deschedules it. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Evaluations per CPU-second, run for at least `minMs` of CPU time. */
function measure(run: (value: unknown) => unknown, minMs: number): number {
  let n = 0;
  const start = cpuMs();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let k = 0; k < 10; k++) run(input);
    n += 10;
    elapsed = cpuMs() - start;
  }
  return (n / elapsed) * 1000;
}

async function main(): Promise<void> {
  const importEsm = new Function('s', 'return import(s)') as (
    s: string,
  ) => Promise<{ default: { compile(p: string): (v: unknown) => Iterable<unknown> } }>;
  const jqjs = (await importEsm('@michaelhomer/jqjs')).default;
  const wasm = await loadJq();
  const jq = createDslJq();
  const engines: Record<string, Runner> = {
    'src/jq': (p) => {
      const prog = jq.compile(p);
      return (v) => prog.evaluate(v);
    },
    jqjs: (p) => {
      const f = jqjs.compile(p);
      return (v) => Array.from(f(v));
    },
    'jq-wasm': (p) => (v) => wasm.json(v as object, p, ['-c']),
  };
  const results: Record<string, number[]> = {};
  for (const [engine, make] of Object.entries(engines)) {
    results[engine] = CASES.map((c) => {
      try {
        const run = make(c.program);
        measure(run, engine === 'jq-wasm' ? 50 : 200); // warm-up: let the JIT settle before measuring
        return measure(run, engine === 'jq-wasm' ? 300 : 500);
      } catch (e) {
        console.log(`${engine} failed on ${c.name}: ${(e as Error).message}`);
        return NaN;
      }
    });
  }
  const names = Object.keys(engines);
  console.log(['case'.padEnd(30), ...names.map((n) => n.padStart(12))].join(' '));
  CASES.forEach((c, k) =>
    console.log([c.name.padEnd(30), ...names.map((n) => Math.round(results[n][k]).toString().padStart(12))].join(' ')),
  );
  const geo = (xs: number[]): number =>
    Math.exp(xs.filter((x) => x > 0).reduce((a, x) => a + Math.log(x), 0) / xs.filter((x) => x > 0).length);
  console.log(
    ['geomean (evals/s)'.padEnd(30), ...names.map((n) => Math.round(geo(results[n])).toString().padStart(12))].join(
      ' ',
    ),
  );
  const ratio = (a: string, b: string): number => geo(results[a].map((x, k) => x / results[b][k]));
  console.log(`geomean ratio src/jq / jqjs:    ${ratio('src/jq', 'jqjs').toFixed(2)}x`);
  console.log(`geomean ratio src/jq / jq-wasm: ${ratio('src/jq', 'jq-wasm').toFixed(1)}x`);
  regexTiming();
}

/**
 * The catastrophic-backtracking pattern on 10,001 characters: a backtracking engine needs 2^10000 steps for
 * it; the DSL's engine runs it on re2js in linear time. Printed: the first evaluation in an engine whose
 * builtins are parsed (compiling the program and the pattern included) and the mean of the next 20.
 */
function regexTiming(): void {
  const program = '("a" * 10000 + "b") | test("^(a+)+$")';
  const fresh = createDslJq();
  fresh.compile('"x" | test("x")').evaluate(null); // parses jq's builtins: once per engine, not per pattern
  let start = performance.now();
  const result = fresh.compile(program).evaluate(null);
  const first = performance.now() - start;
  start = performance.now();
  for (let k = 0; k < 20; k++) fresh.compile(program).evaluate(null);
  const next = (performance.now() - start) / 20;
  console.log(
    `regex ${program}: ${JSON.stringify(result)} in ${first.toFixed(1)} ms (first), ${next.toFixed(2)} ms (next)`,
  );
}

void main();
