/**
 * Scale runs on one worker (a child process, its memory measured apart from the load generator):
 *   1. 1,000 concurrent executions, repeated in rounds; worker heap and RSS sampled after each round
 *      (after a warm-up round) to show whether memory stays flat;
 *   2. a `for` over 100,000 items that completes through continue-as-new;
 *   3. a 1 MB task output: passed on, or refused with a clear error, never a stuck run.
 *
 *   npx ts-node --transpile-only bench/scale.ts [--rounds 4] [--concurrent 1000] [--items 100000]
 *                                               [--can-after 50] [--parts concurrent,loop,output]
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { WORKFLOW_TYPE, type WorkflowExecuteInput, type WorkflowRunResult } from '../src/temporal/contract';
import { type BenchEnv, buildBench, startBenchEnv } from './support/bench-env';
import { round } from './support/results';

const log = (line: string): void => {
  process.stderr.write(`[scale] ${line}\n`);
};

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const header = (name: string) =>
  `document:\n  dsl: '1.0.0'\n  namespace: bench\n  name: ${name}\n  version: '1.0.0'\ndo:\n`;

/** Holds each run open for a second (a durable timer), so all executions of a round are in flight together. */
const concurrentYaml = (baseUrl: string) =>
  header('scale-concurrent') +
  `  - first:\n      set:\n        n: \${ .n }\n` +
  `  - hold:\n      wait:\n        seconds: 1\n` +
  `  - fetch:\n      call: http\n      with:\n        method: get\n        endpoint: '${baseUrl}/step/1'\n` +
  `  - last:\n      set:\n        done: true\n`;

const bigLoopYaml = (items: number) =>
  header('scale-for') +
  `  - loop:\n      for:\n        each: item\n        in: \${ [range(0; ${items})] }\n      do:\n` +
  `        - add:\n            set:\n              sum: \${ .sum + $item }\n` +
  `  - report:\n      set:\n        sum: \${ .sum }\n`;

const bigOutputYaml = (baseUrl: string) =>
  header('scale-big-output') +
  `  - fetch:\n      call: http\n      with:\n        method: get\n        endpoint: '${baseUrl}/big/1048576'\n` +
  `  - measure:\n      set:\n        size: \${ .data | length }\n`;

async function execute(
  client: Client,
  env: BenchEnv,
  id: string,
  yaml: string,
  input: Record<string, unknown>,
  metadata?: Record<string, string>,
): Promise<WorkflowRunResult> {
  const arg: WorkflowExecuteInput = { executionId: id, workflowYaml: yaml, input, metadata };
  try {
    return (await client.workflow.execute(WORKFLOW_TYPE, {
      taskQueue: env.taskQueue,
      workflowId: id,
      args: [arg],
    })) as WorkflowRunResult;
  } catch (e) {
    if (e instanceof WorkflowFailedError && e.cause && 'details' in e.cause) {
      const details = (e.cause as { details?: unknown[] }).details;
      if (details?.[0]) return details[0] as WorkflowRunResult;
    }
    throw e;
  }
}

async function concurrentRounds(env: BenchEnv, rounds: number, concurrent: number): Promise<void> {
  const yaml = concurrentYaml(env.http.baseUrl);
  const samples: Array<{ round: number; seconds: number; heapMb: number; rssMb: number }> = [];
  for (let r = 0; r <= rounds; r++) {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: concurrent }, (_, i) =>
        execute(env.client, env, `scale-c-${Date.now()}-${r}-${i}`, yaml, { n: i }),
      ),
    );
    const bad = results.filter((x) => x.status !== 'completed').length;
    const seconds = (performance.now() - started) / 1000;
    const usage = await env.worker.usage({ gc: true });
    samples.push({
      round: r,
      seconds: round(seconds, 1),
      heapMb: round(usage.heapMb, 1),
      rssMb: round(usage.rssMb, 1),
    });
    log(
      `round ${r}${r === 0 ? ' (warm-up)' : ''}: ${concurrent} executions in ${round(seconds, 1)} s, ${bad} not completed, worker heap ${round(usage.heapMb, 1)} MB, RSS ${round(usage.rssMb, 1)} MB`,
    );
  }
  const measured = samples.slice(1);
  const first = measured[0];
  const last = measured[measured.length - 1];
  // Flat: the heap after the last round within 20% (or 20 MB) of the heap after the first measured round.
  const flat = last.heapMb <= Math.max(first.heapMb * 1.2, first.heapMb + 20);
  process.stdout.write(`\n1,000 concurrent executions (${rounds} rounds after warm-up)\n`);
  process.stdout.write(
    `${JSON.stringify(samples)}\nworker heap after warm-up: ${first.heapMb} MB -> ${last.heapMb} MB: ${flat ? 'FLAT' : 'GROWING'}\n`,
  );
}

async function bigLoop(env: BenchEnv, items: number, canAfterEvents: number): Promise<void> {
  const id = `scale-for-${Date.now()}`;
  const started = performance.now();
  // The interpreter keeps a pure-data loop's history small (a few hundred events for 100,000 items), far
  // below the default threshold; a low threshold makes the run continue-as-new many times on the way.
  const metadata = { 'runner.continueAsNewAfterEvents': String(canAfterEvents) };
  const result = await execute(env.client, env, id, bigLoopYaml(items), { sum: 0 }, metadata);
  const seconds = (performance.now() - started) / 1000;
  const { runs, events } = await runCount(env.client, id);
  const expected = (items * (items - 1)) / 2;
  const output = result.output as { sum?: number } | undefined;
  process.stdout.write(
    `\nfor over ${items} items: ${result.status} in ${round(seconds, 1)} s, ${runs} run(s) (continue-as-new), ${events} history events in all, ` +
      `sum ${output?.sum} (expected ${expected}): ${output?.sum === expected ? 'CORRECT' : 'WRONG'}` +
      `${result.error ? `, error ${JSON.stringify(result.error)}` : ''}\n`,
  );
}

/** Runs of a workflow id, following each run's `continuedExecutionRunId` back to the first. */
async function runCount(client: Client, workflowId: string): Promise<{ runs: number; events: number }> {
  let runs = 0;
  let events = 0;
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    runs += 1;
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    events += history.events?.length ?? 0;
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return { runs, events };
}

async function bigOutput(env: BenchEnv): Promise<void> {
  const id = `scale-big-${Date.now()}`;
  const started = performance.now();
  const outcome = await Promise.race([
    execute(env.client, env, id, bigOutputYaml(env.http.baseUrl), {}),
    new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 120_000).unref()),
  ]);
  const seconds = round((performance.now() - started) / 1000, 1);
  if (outcome === 'stuck') {
    process.stdout.write(`\n1 MB task output: STUCK after ${seconds} s\n`);
    return;
  }
  const summary =
    outcome.status === 'completed'
      ? `passed on, output ${JSON.stringify(outcome.output)}`
      : `refused: ${JSON.stringify(outcome.error)}`;
  process.stdout.write(`\n1 MB task output: ${outcome.status} in ${seconds} s, ${summary}\n`);
}

async function main(): Promise<void> {
  const build = await buildBench(log);
  const env = await startBenchEnv(log, build);
  // Ctrl-C still stops the dev server and the worker process this run started.
  process.once('SIGINT', () => {
    void env.close().finally(() => process.exit(130));
  });
  try {
    const parts = (
      process.argv.includes('--parts') ? process.argv[process.argv.indexOf('--parts') + 1] : 'concurrent,loop,output'
    ).split(',');
    if (parts.includes('concurrent')) {
      log('concurrent rounds');
      await concurrentRounds(env, option('--rounds', 4), option('--concurrent', 1000));
    }
    if (parts.includes('loop')) {
      log('for over many items');
      await bigLoop(env, option('--items', 100_000), option('--can-after', 50));
    }
    if (parts.includes('output')) {
      log('1 MB output');
      await bigOutput(env);
    }
  } finally {
    await env.close();
    build.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[scale] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
