/**
 * The benchmark: each reference workflow as DSL YAML through the runner, as the equivalent hand-written
 * Temporal workflow (both on one worker), and, given a Zigflow binary, through Zigflow on its own worker:
 * one dev server, side by side.
 *
 *   npx ts-node --transpile-only bench/run.ts [--scale 1] [--concurrency 50] [--only pure-data,...]
 *     [--warmup N] [--rounds N] [--peer-rounds N] [--peer-zigflow PATH] [--server-config KEY=JSON] [--codec]
 *     [--local-calls]
 *
 * `--scale` multiplies the executions measured per variant and round; `--rounds` overrides the measured
 * rounds, in which the variants take turns, and `--peer-rounds` the rounds the peer joins (the first ones).
 * Each ratio is the median of the rounds' paired ratios (the DSL's figure over the other variant's in the
 * same round); pooled ratios are kept beside them. `--peer-zigflow` (or BENCH_PEER_ZIGFLOW) adds the peer column.
 * `--codec` encrypts every payload of the runner's variants (the runner's AES-256-GCM payload codec, worker
 * and client) and writes bench/results/codec.json (and codec.md) instead: compare its wf/s with
 * latest.json's for the codec's cost. `--local-calls` runs the runner's HTTP calls as local activities (the
 * DSL under WORKFLOW_LOCAL_CALLS, hand-written with the same options; Zigflow unchanged) and writes
 * bench/results/local-calls.json (and .md): an opt-in mode, never the headline numbers. A run with
 * `--server-config` writes bench/results/server-config.json (and .md): the headline is the default server.
 * Prints the tables and writes bench/results/latest.json (and latest.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BenchEnv, buildBench, startBenchEnv } from './support/bench-env';
import { peerZigflowBinary } from './support/peer-zigflow';
import { REFERENCE_WORKFLOWS, type ReferenceWorkflow } from './support/references';
import { renderSummary, renderTable } from './support/report';
import { type BenchResults, machine, round as roundTo, type WorkflowResult, workflowResult } from './support/results';
import { measureRound, prepareVariant } from './support/variants';

interface Options {
  scale: number;
  concurrency: number;
  only?: string[];
  /** Overrides each reference workflow's warm-up count. */
  warmup?: number;
  /** Overrides each reference workflow's number of measured rounds. */
  rounds?: number;
  /** Overrides each reference workflow's number of rounds the peer joins (capped at the rounds). */
  peerRounds?: number;
  peerBinary?: string;
  /** `--server-config KEY=JSON` (repeatable): dynamic config of the dev server, e.g. activity eager execution. */
  serverConfig: Record<string, unknown>;
  /** Payload encryption on (results under the name `codec`). */
  codec: boolean;
  /** The runner's variants call HTTP through local activities (results under the name `local-calls`). */
  localCalls: boolean;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    scale: Number(value('--scale') ?? 1),
    concurrency: Number(value('--concurrency') ?? 50),
    only: value('--only')?.split(','),
    warmup: value('--warmup') === undefined ? undefined : Number(value('--warmup')),
    rounds: roundsOption(argv, '--rounds', 1),
    peerRounds: roundsOption(argv, '--peer-rounds', 0),
    peerBinary: peerZigflowBinary(argv),
    serverConfig: serverConfig(argv),
    codec: argv.includes('--codec'),
    localCalls: argv.includes('--local-calls'),
  };
}

/** A whole number of rounds: `--rounds` at least 1, `--peer-rounds` at least 0. */
function roundsOption(argv: string[], flag: string, min: number): number | undefined {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${flag} expects a whole number of at least ${min}, got '${argv[i + 1]}'`);
  return n;
}

function serverConfig(argv: string[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  argv.forEach((arg, i) => {
    if (arg !== '--server-config') return;
    const [key, ...rest] = (argv[i + 1] ?? '').split('=');
    if (!key || rest.length === 0) throw new Error(`--server-config expects KEY=JSON, got '${argv[i + 1]}'`);
    config[key] = JSON.parse(rest.join('='));
  });
  return config;
}

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

function logSummary(result: WorkflowResult): void {
  const variants = [
    ['dsl', result.dsl],
    ['handWritten', result.handWritten],
    ...(result.peer ? [['peer', result.peer] as const] : []),
  ] as const;
  for (const [variant, v] of variants) {
    const s = v.spread.throughput;
    log(
      `${result.name}/${variant}: ${v.throughput} wf/s pooled, rounds ${s.median} (${s.min}-${s.max}), ` +
        `p50 ${v.p50Ms} ms, p95 ${v.p95Ms} ms, ${v.historyEvents} history events, ` +
        `worker CPU ${v.workerCpuMsPerExecution} ms/run`,
    );
  }
  log(
    `${result.name}: DSL/hand ${result.throughputRatio} (median of ${result.roundRatios.throughput.length} rounds; ` +
      `pooled ${result.pooledThroughputRatio})` +
      (result.peer
        ? `, DSL/Zigflow ${result.peerRatio} (median of ${result.peerRounds}; pooled ${result.pooledPeerRatio})`
        : ''),
  );
}

/** Round r runs the variants in turn, starting one further along each round: drift falls on all alike. */
function turn<T>(list: T[], r: number): T[] {
  const k = r % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

async function benchWorkflow(env: BenchEnv, reference: ReferenceWorkflow, options: Options): Promise<WorkflowResult> {
  const rounds = options.rounds ?? reference.rounds;
  const peerRounds = Math.min(rounds, options.peerRounds ?? reference.peerRounds);
  const handBench = await prepareVariant(env, reference, 'handWritten', options);
  const dslBench = await prepareVariant(env, reference, 'dsl', options);
  const peerBench = env.peer && peerRounds > 0 ? await prepareVariant(env, reference, 'peer', options) : undefined;
  if (env.peer && !peerBench) log(`${reference.name}: peer left out (--peer-rounds 0)`);
  const benches = [handBench, dslBench, ...(peerBench ? [peerBench] : [])];
  for (let r = 0; r < rounds; r += 1) {
    // The peer joins the first `peerRounds` rounds; the turn rotates over the variants of the round.
    const inRound = benches.filter((b) => b.variant !== 'peer' || r < peerRounds);
    for (const bench of turn(inRound, r)) await measureRound(env, reference, bench, r, options.concurrency, log);
  }
  const result = workflowResult(reference.name, handBench, dslBench, peerBench);
  logSummary(result);
  return result;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const references = REFERENCE_WORKFLOWS.filter((r) => !options.only || options.only.includes(r.name));
  // Zigflow cannot read payloads encrypted with the runner's codec: with --codec it is left out.
  if (options.codec && options.peerBinary) log('peer column skipped: --codec encrypts payloads Zigflow cannot read');
  if (options.codec) options.peerBinary = undefined;
  if (!options.peerBinary)
    log(
      'peer column skipped: no Zigflow binary (pass --peer-zigflow PATH or set BENCH_PEER_ZIGFLOW; ' +
        'bench/zigflow/build.sh builds one, see bench/README.md)',
    );
  const build = await buildBench(log);
  const envOptions = {
    peerBinary: options.peerBinary,
    peerFiles: references.map((r) => r.peer.file),
    serverConfig: options.serverConfig,
    codec: options.codec,
  };
  let env: BenchEnv | undefined;
  // Ctrl-C (or a SIGTERM, e.g. from `timeout`) still stops the dev server and the worker processes this run started.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void (env?.close() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  }
  const results: BenchResults = {
    machine: machine(),
    settings: {
      concurrency: options.concurrency,
      scale: options.scale,
      serverConfig: options.serverConfig,
      localCalls: options.localCalls,
    },
    workflows: [],
  };
  try {
    // Each reference workflow on a fresh dev server, worker and peer: a server's cost per run grows with
    // what it holds (pure-data leaves about 4,000 Zigflow child workflows behind).
    for (const reference of references) {
      env = await startBenchEnv(log, build, envOptions);
      log(`worker ready ${roundTo(env.workerStartup.readyMs, 0)} ms after its process started (prebuilt bundle)`);
      if (env.peer) log(`peer ready ${roundTo(env.peer.coldStartMs, 0)} ms after its process started`);
      // The first environment's start-ups are the cold starts reported.
      results.coldStart ??= {
        runner: {
          modulesLoadedMs: roundTo(env.workerStartup.modulesLoadedMs, 0),
          connectedMs: roundTo(env.workerStartup.connectedMs, 0),
          workerCreatedMs: roundTo(env.workerStartup.createdMs, 0),
          readyMs: roundTo(env.workerStartup.readyMs, 0),
        },
        peerReadyMs: env.peer ? roundTo(env.peer.coldStartMs, 0) : undefined,
      };
      log(`running ${reference.name}`);
      results.workflows.push(await benchWorkflow(env, reference, options));
      await env.close();
      env = undefined;
    }
  } finally {
    await env?.close();
    build.close();
  }
  const dir = resolve(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const name = options.codec
    ? 'codec'
    : options.localCalls
      ? 'local-calls'
      : Object.keys(options.serverConfig).length > 0
        ? 'server-config'
        : 'latest';
  writeFileSync(resolve(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const tables = `${renderSummary(results)}\n\n${renderTable(results)}`;
  writeFileSync(resolve(dir, `${name}.md`), `${tables}\n`);
  process.stdout.write(`${tables}\n\nmachine: ${JSON.stringify(results.machine)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
