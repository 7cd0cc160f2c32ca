import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { parseBoolean, parseList } from '../config/parse';
import { cliDataConverter } from './cli-codec';
import { encryptedBundleSibling } from '../codec/data-converter';
import type { ActivityDeps } from '../temporal/activities/deps';
import { createRunnerWorker } from '../temporal/worker-factory';
import { WORKFLOW_TYPE, type WorkflowExecuteInput, type WorkflowRunResult } from '../temporal/contract';
import { loadWorkflow } from '../zigflow/loader';
import { parseInputJson } from './args';
import { cliRunLimits } from './cli-limits';
import { cliAi, type CliAi } from './cli-ai';
import { type CliIo, readTextFile } from './cli-io';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { formatEvent } from './progress-printer';
import { invalidReport, reportOf, reportOfFailure, TaskTracker, type RunReport } from '../temporal/run-outcome';
import { formatProblem } from './validate.command';
import { resolveTemporal, type TemporalTarget } from './temporal-target';

export interface RunOptions {
  file: string;
  json: boolean;
  input?: string;
  inputFile?: string;
}

const CONNECT_TIMEOUT_MS = 10_000;
/** The repository (or installed package) root, from src/cli or dist/src/cli. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..', __dirname.includes(join('dist', 'src')) ? '..' : '');
/** The prebuilt workflow bundle (npm run build:bundle); without it the worker bundles at start. */
const BUNDLE_PATH = join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');

/**
 * The prebuilt workflow bundle when there is one (bundling from source takes seconds). With payload
 * encryption, its `.encrypted.js` sibling (workflow failure messages encrypted too), or none: the worker
 * then bundles from source with the encrypting failure converter.
 */
export function prebuiltWorkflowBundle(encrypted = false): { code: string } | undefined {
  const path = encrypted ? encryptedBundleSibling(BUNDLE_PATH) : BUNDLE_PATH;
  return path && existsSync(path) ? { code: readFileSync(path, 'utf8') } : undefined;
}

/**
 * Activity settings for a local run: the service's secure defaults; shell/script and MCP over stdio only
 * when the env enables them (the same variables as the service); the default catalog's model, vector and
 * catalog settings.
 */
export function cliActivityDeps(io: CliIo, ai?: CliAi): ActivityDeps {
  const flag = (name: string) => parseBoolean(io.env[name] ?? '') === true;
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    io.err(`${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
  return {
    process: { shellEnabled: flag('RUN_SHELL_ENABLED'), scriptEnabled: flag('RUN_SCRIPT_ENABLED') },
    mcp: {
      stdioEnabled: flag('CALL_MCP_STDIO_ENABLED'),
      stdioCommands: parseList(io.env.CALL_MCP_STDIO_COMMANDS).map((entry) => entry.split(' ')),
    },
    logger: { debug: () => undefined, info: () => undefined, warn: write('warn'), error: write('error') },
    ...ai?.deps,
  };
}

async function readInput(options: RunOptions): Promise<Record<string, unknown>> {
  if (options.input !== undefined) return parseInputJson(options.input, '--input');
  if (options.inputFile !== undefined)
    return parseInputJson(await readTextFile(options.inputFile, 'input file'), options.inputFile);
  return {};
}

function printReport(io: CliIo, report: RunReport, json: boolean): ExitCode {
  if (json) io.out(`${JSON.stringify(report)}\n`);
  else {
    io.err(`workflow ${report.status}\n`);
    if (report.error)
      io.err(
        `error: ${report.error.title ?? report.error.type}${report.error.detail ? `: ${report.error.detail}` : ''}\n`,
      );
    if (report.status === 'completed') io.out(`${JSON.stringify(report.output, null, 2)}\n`);
  }
  return report.status === 'completed' ? EXIT.OK : report.status === 'cancelled' ? EXIT.CANCELLED : EXIT.FAILED;
}

export async function runCommand(io: CliIo, options: RunOptions): Promise<ExitCode> {
  const yaml = await readTextFile(options.file, 'workflow file');
  const input = await readInput(options);
  const limits = cliRunLimits(io.env);
  const ai = cliAi(io);
  const loaded = loadWorkflow(yaml, ai.loadOptions);
  if (!loaded.ok) {
    for (const p of loaded.problems) io.err(`${formatProblem(options.file, p)}\n`);
    const detail = loaded.problems.map((p) => formatProblem(options.file, p)).join('\n');
    return printReport(io, invalidReport(detail), options.json);
  }
  const dataConverter = cliDataConverter(io);
  // The CLI owns Ctrl-C (it cancels the run); Temporal's runtime must not stop the worker on it first.
  installQuietRuntime();
  const target = await resolveTemporal(io);
  try {
    const executeInput: WorkflowExecuteInput = {
      executionId: `cli-${basename(options.file).replace(/[^A-Za-z0-9_.-]/g, '_')}-${randomUUID()}`,
      workflowYaml: yaml,
      input,
      // Validated above: the run need not validate it again.
      document: loaded.workflow,
      ...(limits ? { limits } : {}),
    };
    return printReport(io, await execute(io, target, executeInput, dataConverter, ai), options.json);
  } finally {
    await target.close();
    await ai.close();
  }
}

export function installQuietRuntime(level: 'WARN' | 'ERROR' = 'WARN'): void {
  try {
    // Worker lifecycle chatter (state changes) would drown the progress lines on stderr.
    Runtime.install({
      shutdownSignals: [],
      logger: new DefaultLogger(level),
      // The SDK core logs to stderr on its own; the test server makes it warn about capabilities it lacks.
      telemetryOptions: { logging: { filter: { core: level, other: level } } },
    });
  } catch {
    // Already installed in this process (tests, `serve`): keep it.
  }
}

async function connect(
  target: TemporalTarget,
  dataConverter: DataConverter | undefined,
): Promise<{ native: NativeConnection; client: Client; connection: Connection }> {
  const timeout = <T>(p: Promise<T>) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS).unref(),
      ),
    ]);
  try {
    const connection = await timeout(
      Connection.connect({ address: target.address, connectTimeout: CONNECT_TIMEOUT_MS }),
    );
    await timeout(connection.workflowService.getSystemInfo({}));
    const native = await timeout(NativeConnection.connect({ address: target.address }));
    return { native, connection, client: new Client({ connection, namespace: target.namespace, dataConverter }) };
  } catch (err) {
    throw new CliError(`cannot reach Temporal at ${target.address}: ${(err as Error).message}`, EXIT.ENVIRONMENT);
  }
}

async function execute(
  io: CliIo,
  target: TemporalTarget,
  input: WorkflowExecuteInput,
  dataConverter: DataConverter | undefined,
  ai: CliAi,
): Promise<RunReport> {
  const { native, client, connection } = await connect(target, dataConverter);
  const tracker = new TaskTracker();
  const taskQueue = `workflow-runner-cli-${randomUUID()}`;
  try {
    const worker = await createRunnerWorker({
      connection: native,
      namespace: target.namespace,
      taskQueue,
      activities: cliActivityDeps(io, ai),
      onProgress: (event) => {
        tracker.observe(event);
        io.err(`${formatEvent(event)}\n`);
      },
      workflowBundle: prebuiltWorkflowBundle(dataConverter !== undefined),
      shutdownGraceTime: '5s',
      dataConverter,
    });
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: input.executionId,
        args: [input],
      });
      io.err(`execution ${input.executionId} on ${target.address} (task queue ${taskQueue})\n`);
      return settle(handle, tracker);
    });
  } finally {
    await native.close();
    await connection.close();
  }
}

/** Waits for the run's end; the first Ctrl-C cancels it (the report then says `cancelled`). */
async function settle(handle: WorkflowHandle, tracker: TaskTracker): Promise<RunReport> {
  const onInterrupt = () => void handle.cancel().catch(() => undefined);
  process.once('SIGINT', onInterrupt);
  try {
    const result = (await handle.result()) as WorkflowRunResult;
    return reportOf(result, tracker.list(false));
  } catch (err) {
    return reportOfFailure(err, (cancelled) => tracker.list(cancelled));
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
