/**
 * The benchmark: each reference workflow as DSL YAML through the runner and as the equivalent
 * hand-written Temporal workflow, on one worker, one dev server, side by side.
 *
 *   npx ts-node --transpile-only bench/run.ts [--scale 1] [--concurrency 50] [--only pure-data,...] [--warmup N]
 *
 * `--scale` multiplies the executions measured per variant (default 1: about five minutes on 2 vCPUs).
 * Prints a table and writes bench/results/latest.json (and latest.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Client } from '@temporalio/client';
import { WORKFLOW_TYPE, type WorkflowRunResult } from '../src/temporal/contract';
import { startValidator, withValidatedDocument } from '../src/temporal/start-input';
import { type BenchEnv, startBenchEnv } from './support/bench-env';
import { measure, runLoad } from './support/measure';
import { REFERENCE_WORKFLOWS, type ReferenceWorkflow, workflowYaml } from './support/references';
import { type BenchResults, machine, renderTable, round, variantResult, type WorkflowResult } from './support/report';

interface Options {
  scale: number;
  concurrency: number;
  only?: string[];
  /** Overrides each reference workflow's warm-up count. */
  warmup?: number;
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

async function benchVariant(env: BenchEnv, reference: ReferenceWorkflow, variant: Variant, options: Options) {
  const run = executor(env, reference, variant, `${Date.now().toString(36)}`);
  // Warm-up: the worker's first activations pay for bundle loading and JIT.
  const warmup = options.warmup ?? reference.warmup;
  const warm = await runLoad(warmup, warmup, run);
  if (warm.failed > 0) throw new Error(`${reference.name}/${variant} warm-up failed: ${warm.firstError}`);
  const sample = await run(1_000_000);
  const events = await historyEvents(env.client, sample.id);
  const count = Math.max(1, Math.round(reference.count * options.scale));
  await env.worker.usage({ reset: true, gc: true });
  const load = await measure(() => runLoad(count, options.concurrency, run));
  const usage = await env.worker.usage();
  if (load.failed > 0) log(`${reference.name}/${variant}: ${load.failed} failed, first: ${load.firstError}`);
  log(
    `${reference.name}/${variant}: ${round(load.throughput, 2)} wf/s, p50 ${round(load.p50Ms, 1)} ms, ` +
      `p95 ${round(load.p95Ms, 1)} ms, ${events} history events, worker CPU ${round(usage.cpuMs, 0)} ms`,
  );
  return { result: variantResult(load, usage, events), output: sample.output };
}

async function benchWorkflow(env: BenchEnv, reference: ReferenceWorkflow, options: Options): Promise<WorkflowResult> {
  const hand = await benchVariant(env, reference, 'handWritten', options);
  const dsl = await benchVariant(env, reference, 'dsl', options);
  return {
    name: reference.name,
    dsl: dsl.result,
    handWritten: hand.result,
    throughputRatio: round(dsl.result.throughput / hand.result.throughput, 3),
    historyRatio: round(dsl.result.historyEvents / hand.result.historyEvents, 3),
    cpuRatio: round(dsl.result.workerCpuMsPerExecution / hand.result.workerCpuMsPerExecution, 3),
    outputsMatch: isDeepStrictEqual(dsl.output, hand.output),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const env = await startBenchEnv(log);
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
  writeFileSync(resolve(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  const table = renderTable(results);
  writeFileSync(resolve(dir, 'latest.md'), `${table}\n`);
  process.stdout.write(`${table}\n\nmachine: ${JSON.stringify(results.machine)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
