/**
 * The three variants of a reference workflow the bench measures side by side: the DSL through the runner,
 * the hand-written Temporal workflow (both on the runner's worker), and the peer (Zigflow's worker, on its
 * own task queue). Each starts executions, warms up, and measures rounds with its worker's CPU and memory.
 */
import type { Client } from '@temporalio/client';
import { WORKFLOW_TYPE, type WorkflowRunResult } from '../../src/temporal/contract';
import { startValidator, withValidatedDocument } from '../../src/temporal/start-input';
import type { BenchEnv } from './bench-env';
import { measure, type ResourceUsage, runLoad } from './measure';
import { type ReferenceWorkflow, workflowYaml } from './references';
import { round as roundTo } from './results';
import type { MeasuredRound } from './rounds';

export type Variant = 'dsl' | 'handWritten' | 'peer';

export interface VariantBench {
  variant: Variant;
  run: (index: number) => Promise<{ id: string; output: unknown }>;
  output: unknown;
  historyEvents: number;
  /** Executions per round. */
  count: number;
  /**
   * Each round's load with the worker's usage over it (the worker process, not this one) and the server's CPU;
   * index r is round r (the peer takes part in the first rounds only).
   */
  rounds: MeasuredRound[];
}

const validate = startValidator();

/** Starts one execution and resolves with its output; a faulted DSL run rejects. */
function executor(env: BenchEnv, reference: ReferenceWorkflow, variant: Variant, tag: string, localCalls: boolean) {
  const yaml = workflowYaml(reference, env.http.baseUrl);
  const handInput = reference.handWrittenInput(env.http.baseUrl);
  // --local-calls: the workflows that call HTTP use local activities (the DSL through WORKFLOW_LOCAL_CALLS).
  if (localCalls && 'baseUrl' in handInput) handInput.local = true;
  return async (index: number): Promise<{ id: string; output: unknown }> => {
    const id = `${reference.name}-${variant}-${tag}-${index}`;
    if (variant === 'peer') {
      const output = await env.client.workflow.execute(reference.peer.workflowType, {
        taskQueue: (env.peer as NonNullable<BenchEnv['peer']>).taskQueue,
        workflowId: id,
        args: [reference.peer.input()],
      });
      return { id, output: reference.peer.normalize(output) };
    }
    if (variant === 'handWritten') {
      const output = await env.client.workflow.execute(reference.handWrittenType, {
        taskQueue: env.taskQueue,
        workflowId: id,
        args: [handInput],
      });
      return { id, output };
    }
    // Started as the runner's gRPC executor starts a run: the validated document rides along.
    const input = withValidatedDocument(
      {
        executionId: id,
        workflowYaml: yaml,
        input: reference.dslInput(env.http.baseUrl),
        ...(localCalls ? { limits: { localCalls: true } } : {}),
      },
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

/**
 * History events of one execution and of every child workflow it started (Zigflow runs `for` iterations,
 * `try` blocks, fork branches and switch targets as child workflows; the runner and the hand-written
 * workflows start none).
 */
async function historyEvents(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  let total = history.events?.length ?? 0;
  for (const event of history.events ?? []) {
    const child = event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
    if (child) total += await historyEvents(client, child);
  }
  return total;
}

function usageOf(env: BenchEnv, variant: Variant) {
  return (request: { reset?: boolean; gc?: boolean } = {}): Promise<ResourceUsage> =>
    variant === 'peer' ? (env.peer as NonNullable<BenchEnv['peer']>).usage(request) : env.worker.usage(request);
}

/**
 * Warm-up (the worker's first activations pay for JIT and caches), then one execution alone for the history
 * and output sample: it starts after the local server's failure count restarts, so every variant meets the
 * same injected failures and retries (a sample taken from the warm-up under load met however many failures
 * the other runs in flight left it, and so one retry more or less than another variant's, by chance).
 */
export async function prepareVariant(
  env: BenchEnv,
  reference: ReferenceWorkflow,
  variant: Variant,
  options: { warmup?: number; scale: number; localCalls?: boolean },
): Promise<VariantBench> {
  const run = executor(env, reference, variant, `${Date.now().toString(36)}`, options.localCalls === true);
  const warmup = Math.max(1, options.warmup ?? reference.warmup);
  const warm = await Promise.race([runLoad(warmup, warmup, async (i) => void (await run(1_000_000 + i))), env.lost]);
  // The runner's variants must not fail; Zigflow's failures (seen under load) are counted, not fatal.
  if (warm.completed === 0 || (warm.failed > 0 && variant !== 'peer'))
    throw new Error(`${reference.name}/${variant} warm-up failed: ${warm.firstError}`);
  env.http.restartFailures();
  const sample = await Promise.race([run(2_000_000), env.lost]);
  const count = Math.max(1, Math.round((variant === 'peer' ? reference.peer.count : reference.count) * options.scale));
  return {
    variant,
    run,
    count,
    output: sample.output,
    historyEvents: await historyEvents(env.client, sample.id),
    rounds: [],
  };
}

export async function measureRound(
  env: BenchEnv,
  reference: ReferenceWorkflow,
  bench: VariantBench,
  round: number,
  concurrency: number,
  log: (line: string) => void,
): Promise<void> {
  const usage = usageOf(env, bench.variant);
  await usage({ reset: true, gc: true });
  env.serverUsage({ reset: true });
  const load = await measure(() =>
    Promise.race([runLoad(bench.count, concurrency, (i) => bench.run(round * bench.count + i)), env.lost]),
  );
  const used = await usage();
  const serverCpuMs = env.serverUsage().cpuMs;
  bench.rounds.push({ ...load, ...used, serverCpuMs });
  if (load.failed > 0) log(`${reference.name}/${bench.variant}: ${load.failed} failed, first: ${load.firstError}`);
  log(
    `${reference.name}/${bench.variant} round ${round + 1}: ${roundTo(load.throughput, 2)} wf/s, ` +
      `worker CPU ${roundTo(used.cpuMs / Math.max(1, load.completed), 1)} ms/run, ` +
      `server CPU ${roundTo(serverCpuMs / Math.max(1, load.completed), 1)} ms/run`,
  );
}
