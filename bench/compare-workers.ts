/**
 * Worker builds side by side: two or more source trees of this project (a `git worktree`, or a
 * `git archive REV | tar -x` copy with a `node_modules` link) each compiled and bundled as `bench/run.ts` does,
 * one worker process each on its own task queue of one dev server. Rounds alternate between them and print
 * each worker's CPU time per execution, the server's, throughput and peak RSS; the medians at the end. On a
 * busy machine the per-round numbers swing by a fifth; the medians of eight or more rounds tell a 10% change.
 * `--cold-starts N` first starts each build's worker N times (alternating, each on its own task queue, then
 * stopped) and prints the medians of its start-up timeline and of its idle RSS and heap right after ready
 * (after a full GC); `--rounds 0` measures only that.
 *
 *   npx ts-node --transpile-only bench/compare-workers.ts SPEC.json [--rounds 8] [--count 40]
 *     [--variant handWritten|dsl] [--workflow http-sequence] [--server-config KEY=JSON] [--cold-starts 5]
 *
 * SPEC.json: `[{ "name": "before", "tree": "/path/a" }, { "name": "after", "tree": "/path/b",
 * "nodeFlags": ["--max-semi-space-size=64"], "env": { "KEY": "value" } }]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer } from '../src/temporal/dev-server';
import { WORKFLOW_TYPE } from '../src/temporal/contract';
import { startValidator, withValidatedDocument } from '../src/temporal/start-input';
import { spawnWorkerProcess, type WorkerProcessHandle } from '../test/support/worker-process';
import { startLocalHttpServer } from './support/local-http';
import { ProcSampler, runLoad } from './support/measure';
import { REFERENCE_WORKFLOWS, workflowYaml } from './support/references';
import { median } from './support/rounds';

interface Build {
  name: string;
  tree: string;
  nodeFlags?: string[];
  env?: Record<string, string>;
}

const arg = (flag: string, fallback: string): string => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const log = (line: string): void => void process.stderr.write(`[compare] ${line}\n`);
const ignore = (): void => undefined;
const quiet = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

/** Compiles the tree's worker process and bundles its workflows, as bench/support/bench-env.ts does. */
async function prepare(build: Build, dir: string): Promise<Prepared> {
  const tree = resolve(build.tree);
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'bench/tsconfig.worker.json'], {
    cwd: tree,
    stdio: 'inherit',
  });
  // The tree's own bundling options (its interceptors and shared modules), loaded from its sources.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(join(tree, 'src', 'temporal', 'worker-factory')) as {
    workflowBundleOptions(path: string): Parameters<typeof bundleWorkflowCode>[0];
  };
  const options = factory.workflowBundleOptions(join(tree, 'bench', 'handwritten', 'index.ts'));
  const { code } = await bundleWorkflowCode({ ...options, logger: quiet });
  const bundle = join(dir, `${build.name.replace(/\W/g, '_')}.js`);
  writeFileSync(bundle, code);
  return { entry: join(tree, 'dist', 'bench', 'test', 'support', 'worker-process.js'), bundle };
}

interface Prepared {
  entry: string;
  bundle: string;
}

/** One worker process of a build on its own task queue, as bench/support/bench-env.ts starts it. */
function startWorker(address: string, taskQueue: string, build: Build, prepared: Prepared): WorkerProcessHandle {
  return spawnWorkerProcess({
    address,
    taskQueue,
    progress: 'none',
    compiledEntry: prepared.entry,
    workflowBundlePath: prepared.bundle,
    telemetry: 'service',
    nodeFlags: ['--expose-gc', ...(build.nodeFlags ?? [])],
    env: build.env,
  });
}

/** Starts each build's worker `repeat` times, alternating, and prints the medians of start-up and idle memory. */
async function coldStarts(address: string, builds: Build[], prepared: Prepared[], repeat: number): Promise<void> {
  const samples = builds.map(() => ({
    ready: [] as number[],
    modules: [] as number[],
    rss: [] as number[],
    heap: [] as number[],
  }));
  for (let r = 0; r < repeat; r++) {
    for (const i of [...builds.keys()].map((k) => (k + r) % builds.length)) {
      const worker = startWorker(address, `cold-${i}-${r}`, builds[i], prepared[i]);
      await worker.ready;
      const startup = worker.startup();
      const usage = await worker.usage({ gc: true });
      worker.kill('SIGTERM');
      await worker.exited;
      samples[i].ready.push(startup?.readyMs ?? NaN);
      samples[i].modules.push(startup?.modulesLoadedMs ?? NaN);
      samples[i].rss.push(usage.rssMb);
      samples[i].heap.push(usage.heapMb);
    }
  }
  process.stdout.write(`cold start, ${repeat} starts each, medians:\n`);
  for (const [i, b] of builds.entries()) {
    const m = samples[i];
    process.stdout.write(
      `${b.name.padEnd(24)} ready ${median(m.ready).toFixed(0)} ms (modules loaded ${median(m.modules).toFixed(0)} ms), ` +
        `idle RSS ${median(m.rss).toFixed(1)} MB, heap ${median(m.heap).toFixed(1)} MB\n`,
    );
  }
}

async function main(): Promise<void> {
  const builds = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Build[];
  const rounds = Number(arg('--rounds', '8'));
  const count = Number(arg('--count', '40'));
  const variant = arg('--variant', 'handWritten');
  const reference = REFERENCE_WORKFLOWS.find((r) => r.name === arg('--workflow', 'http-sequence'));
  if (!reference) throw new Error('unknown --workflow');
  const serverConfig = arg('--server-config', '');
  const dir = mkdtempSync(join(tmpdir(), 'compare-workers-'));
  const prepared = [];
  for (const build of builds) prepared.push(await prepare(build, dir));
  const dynamicConfig = serverConfig ? { [serverConfig.split('=')[0]]: JSON.parse(serverConfig.split('=')[1]) } : {};
  const server = await startDevServer({ headless: true, dynamicConfig });
  const http = await startLocalHttpServer();
  const workers: WorkerProcessHandle[] = [];
  try {
    const repeat = Number(arg('--cold-starts', '0'));
    if (repeat > 0) await coldStarts(server.address, builds, prepared, repeat);
    if (rounds === 0) return;
    for (const [i, build] of builds.entries()) {
      const worker = startWorker(server.address, `compare-${i}`, build, prepared[i]);
      workers.push(worker);
      await worker.ready;
    }
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: server.namespace });
    const validate = startValidator();
    const yaml = workflowYaml(reference, http.baseUrl);
    const run = (i: number, tag: string) => async (n: number) => {
      const workflowId = `${tag}-${i}-${n}`;
      const taskQueue = `compare-${i}`;
      if (variant === 'handWritten')
        return client.workflow.execute(reference.handWrittenType, {
          taskQueue,
          workflowId,
          args: [reference.handWrittenInput(http.baseUrl)],
        });
      const input = withValidatedDocument(
        { executionId: workflowId, workflowYaml: yaml, input: reference.dslInput(http.baseUrl) },
        validate,
      );
      return client.workflow.execute(WORKFLOW_TYPE, { taskQueue, workflowId, args: [input] });
    };
    for (const i of builds.keys()) await runLoad(10, 10, run(i, 'warm'));
    const serverCpu = new ProcSampler(server.process.pid ?? 0);
    const results = builds.map(() => ({
      cpu: [] as number[],
      server: [] as number[],
      throughput: [] as number[],
      peakRss: [] as number[],
    }));
    for (let r = 0; r < rounds; r++) {
      const order = [...builds.keys()].map((k) => (k + r) % builds.length);
      for (const i of order) {
        await workers[i].usage({ reset: true, gc: true });
        serverCpu.read(true);
        const load = await runLoad(count, 50, run(i, `r${r}`));
        if (load.failed > 0) log(`${builds[i].name}: ${load.failed} failed, first: ${load.firstError}`);
        const usage = await workers[i].usage();
        results[i].cpu.push(usage.cpuMs / load.completed);
        results[i].peakRss.push(usage.peakRssMb);
        results[i].server.push(serverCpu.read(false).cpuMs / load.completed);
        results[i].throughput.push(load.throughput);
      }
      log(
        `round ${r + 1}: ` +
          builds
            .map(
              (b, i) =>
                `${b.name} ${results[i].cpu[r].toFixed(1)} ms/run (server ${results[i].server[r].toFixed(1)}, ` +
                `peak RSS ${results[i].peakRss[r].toFixed(0)} MB)`,
            )
            .join(' | '),
      );
    }
    serverCpu.stop();
    await connection.close();
    process.stdout.write(`${variant} ${reference.name}, ${rounds} rounds of ${count}, medians:\n`);
    for (const [i, b] of builds.entries()) {
      const m = results[i];
      process.stdout.write(
        `${b.name.padEnd(24)} worker CPU ${median(m.cpu).toFixed(1)} ms/run, server CPU ${median(m.server).toFixed(1)} ` +
          `ms/run, ${median(m.throughput).toFixed(2)} wf/s, peak RSS ${median(m.peakRss).toFixed(0)} MB ` +
          `(max ${Math.max(...m.peakRss).toFixed(0)})\n`,
      );
    }
  } finally {
    for (const worker of workers) {
      worker.kill('SIGTERM');
      await worker.exited;
    }
    await http.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[compare] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
