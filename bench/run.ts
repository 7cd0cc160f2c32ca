/**
 * The benchmark: each reference workflow as DSL YAML through the runner and as the equivalent
 * hand-written Temporal workflow, on one worker, one dev server, side by side.
 *
 *   npx ts-node --transpile-only bench/run.ts [--scale 1] [--concurrency 50] [--only pure-data,...] [--warmup N] [--rounds N] [--codec]
 *
 * `--scale` multiplies the executions measured per variant and round (default 1: about eight minutes on 2
 * vCPUs); `--rounds` overrides the measured rounds, in which the variants alternate.
 * `--codec` encrypts every payload of both variants (the runner's AES-256-GCM payload codec, worker and
 * client) and writes bench/results/codec.json (and codec.md) instead: compare its wf/s with latest.json's
 * for the codec's cost.
 * Prints a table and writes bench/results/latest.json (and latest.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Client } from '@temporalio/client';
import { WORKFLOW_TYPE, type WorkflowRunResult } from '../src/temporal/contract';
import { startValidator, withValidatedDocument } from '../src/temporal/start-input';
import { type BenchEnv, startBenchEnv } from './support/bench-env';
import { type LoadResult, measure, mergeLoads, type ResourceUsage, runLoad } from './support/measure';
import { REFERENCE_WORKFLOWS, type ReferenceWorkflow, workflowYaml } from './support/references';
import {
  type BenchResults,
  machine,
  renderTable,
  round as roundTo,
  variantResult,
  type WorkflowResult,
} from './support/report';

interface Options {
  scale: number;
  concurrency: number;
  only?: string[];
  /** Overrides each reference workflow's warm-up count. */
  warmup?: number;
  /** Overrides each reference workflow's number of measured rounds. */
  rounds?: number;
  /** Payload encryption on (results under the name `codec`). */
  codec: boolean;
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
    rounds: value('--rounds') === undefined ? undefined : Number(value('--rounds')),
    codec: argv.includes('--codec'),
  };
}

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

type Variant = 'dsl' | 'handWritten';

const validate = startValidator();

/** Starts one execution and resolves with its output; a faulted DSL run rejects. */
function executor(env: BenchEnv, reference: ReferenceWorkflow, variant: Variant, tag: string) {
  const yaml = workflowYaml(reference, env.http.baseUrl);
  return async (index: number): Promise<{ id: string; output: unknown }> => {
    const id = `${reference.name}-${variant}-${tag}-${index}`;
    if (variant === 'handWritten') {
      const output = await env.client.workflow.execute(reference.handWrittenType, {
        taskQueue: env.taskQueue,
        workflowId: id,
        args: [reference.handWrittenInput(env.http.baseUrl)],
      });
      return { id, output };
    }
    // Started as the runner's gRPC executor starts a run: the validated document rides along.
    const input = withValidatedDocument(
      { executionId: id, workflowYaml: yaml, input: reference.dslInput(env.http.baseUrl) },
      validate,
    );
    const result = (await env.client.workflow.execute(WORKFLOW_TYPE, {
      taskQueue: env.taskQueue,
      workflowId: id,
      args: [input],
    })) as WorkflowRunResult;
    if (result.status !== 'completed') throw new Error(`${id} ended ${result.status}: ${JSON.stringify(result.error)}`);
    return { id, output: result.output };
  };
}

async function historyEvents(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history.events?.length ?? 0;
}

interface VariantBench {
  variant: Variant;
  run: (index: number) => Promise<{ id: string; output: unknown }>;
  output: unknown;
  historyEvents: number;
  /** Each round's load with the worker's usage over it (the worker process, not this one). */
  rounds: Array<LoadResult & ResourceUsage>;
}

/** Warm-up (the worker's first activations pay for bundle loading and JIT) and one sample for history and output. */
async function prepareVariant(
  env: BenchEnv,
  reference: ReferenceWorkflow,
  variant: Variant,
  options: Options,
): Promise<VariantBench> {
  const run = executor(env, reference, variant, `${Date.now().toString(36)}`);
  const warmup = options.warmup ?? reference.warmup;
  const warm = await runLoad(warmup, warmup, run);
  if (warm.failed > 0) throw new Error(`${reference.name}/${variant} warm-up failed: ${warm.firstError}`);
  const sample = await run(1_000_000);
  return { variant, run, output: sample.output, historyEvents: await historyEvents(env.client, sample.id), rounds: [] };
}

async function measureRound(
  env: BenchEnv,
  reference: ReferenceWorkflow,
  bench: VariantBench,
  round: number,
  options: Options,
): Promise<void> {
  const count = Math.max(1, Math.round(reference.count * options.scale));
  await env.worker.usage({ reset: true, gc: true });
  const load = await measure(() => runLoad(count, options.concurrency, (i) => bench.run(round * count + i)));
  const usage = await env.worker.usage();
  bench.rounds.push({ ...load, ...usage });
  if (load.failed > 0) log(`${reference.name}/${bench.variant}: ${load.failed} failed, first: ${load.firstError}`);
  log(
    `${reference.name}/${bench.variant} round ${round + 1}: ${roundTo(load.throughput, 2)} wf/s, worker CPU ${roundTo(usage.cpuMs, 0)} ms`,
  );
}

function summary(reference: ReferenceWorkflow, bench: VariantBench) {
  const load = mergeLoads(bench.rounds);
  log(
    `${reference.name}/${bench.variant}: ${roundTo(load.throughput, 2)} wf/s, p50 ${roundTo(load.p50Ms, 1)} ms, ` +
      `p95 ${roundTo(load.p95Ms, 1)} ms, ${bench.historyEvents} history events, worker CPU ${roundTo(load.cpuMs, 0)} ms`,
  );
  return variantResult(load, load, bench.historyEvents);
}

async function benchWorkflow(env: BenchEnv, reference: ReferenceWorkflow, options: Options): Promise<WorkflowResult> {
  const handBench = await prepareVariant(env, reference, 'handWritten', options);
  const dslBench = await prepareVariant(env, reference, 'dsl', options);
  const rounds = options.rounds ?? reference.rounds;
  for (let r = 0; r < rounds; r += 1) {
    for (const bench of r % 2 === 0 ? [handBench, dslBench] : [dslBench, handBench]) {
      await measureRound(env, reference, bench, r, options);
    }
  }
  const hand = { result: summary(reference, handBench), output: handBench.output };
  const dsl = { result: summary(reference, dslBench), output: dslBench.output };
  return {
    name: reference.name,
    rounds,
    dsl: dsl.result,
    handWritten: hand.result,
    throughputRatio: roundTo(dsl.result.throughput / hand.result.throughput, 3),
    historyRatio: roundTo(dsl.result.historyEvents / hand.result.historyEvents, 3),
    cpuRatio: roundTo(dsl.result.workerCpuMsPerExecution / hand.result.workerCpuMsPerExecution, 3),
    outputsMatch: isDeepStrictEqual(dsl.output, hand.output),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const env = await startBenchEnv(log, { codec: options.codec });
  const results: BenchResults = {
    machine: machine(),
    settings: { concurrency: options.concurrency, scale: options.scale },
    workflows: [],
  };
  // Ctrl-C still stops the dev server and the worker process this run started.
  process.once('SIGINT', () => {
    void env.close().finally(() => process.exit(130));
  });
  try {
    for (const reference of REFERENCE_WORKFLOWS) {
      if (options.only && !options.only.includes(reference.name)) continue;
      log(`running ${reference.name}`);
      results.workflows.push(await benchWorkflow(env, reference, options));
    }
  } finally {
    await env.close();
  }
  const dir = resolve(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const name = options.codec ? 'codec' : 'latest';
  writeFileSync(resolve(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const table = renderTable(results);
  writeFileSync(resolve(dir, `${name}.md`), `${table}\n`);
  process.stdout.write(`${table}\n\nmachine: ${JSON.stringify(results.machine)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
