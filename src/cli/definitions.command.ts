/**
 * `workflow-runner definitions register|list|remove`: the runner's definition registry, straight through
 * Temporal with the same DefinitionRegistryClient and schedule sync (DefinitionCatalog) the service uses, so
 * a definition registered here gets its Temporal Schedule or `after` loop exactly as through
 * `register_definition`. The registry is a workflow that the runner's worker runs: a `serve` must poll
 * TEMPORAL_TASK_QUEUE, which is checked first (an update nobody serves would wait forever).
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { runnerDataConverter } from '../codec/data-converter';
import { ConfigValidationError, validateEnvironment } from '../config/validate-environment';
import {
  DefinitionCatalog,
  type ListedDefinition,
  type RegisterResult,
  type RemoveResult,
} from '../definitions/definition-catalog';
import { planOrProblem, type ParsedDefinition } from '../definitions/definition-document';
import { DefinitionSchedules } from '../definitions/definition-schedules';
import { scheduledRunStart } from '../executor/run-start';
import { ApiError } from '../executor/rpc-errors';
import { DefinitionRegistryClient } from '../temporal/definition-registry.client';
import { definitionLabel } from '../temporal/definition-registry.contract';
import { startValidator } from '../temporal/start-input';
import { loadWorkflow, type LoadOptions, type ValidationProblem } from '../zigflow/loader';
import type { DefinitionsCommand } from './args';
import { type CliIo, readTextFile } from './cli-io';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { formatProblem } from './validate.command';

const CONNECT_TIMEOUT_MS = 10_000;
/** Bound of one registry call: the worker was seen polling, so an answer takes milliseconds. */
const CALL_TIMEOUT_MS = 30_000;
/** How long a missing runner (no poller on the task queue) is waited for before the command gives up. */
const RUNNER_WAIT_MS = 5_000;

interface Settings {
  address: string;
  namespace: string;
  taskQueue: string;
  maxWorkflowBytes: number;
  loadOptions: LoadOptions;
  dataConverter?: DataConverter;
}

export async function definitionsCommand(io: CliIo, command: DefinitionsCommand): Promise<ExitCode> {
  const settings = settingsOf(io);
  // Documents are checked before Temporal is touched: a bad file costs no connection.
  const parsed = command.action === 'register' ? await parseFiles(io, command.files, settings.loadOptions) : [];
  if (parsed === undefined) return EXIT.FAILED;
  const connection = await connect(settings);
  try {
    await requireRunner(connection, settings);
    // Schedule actions carry the start input: encrypted like every other payload of the runner.
    const client = new Client({ connection, namespace: settings.namespace, dataConverter: settings.dataConverter });
    const catalog = catalogOf(client, settings);
    switch (command.action) {
      case 'register':
        return await register(io, catalog, parsed, command.json);
      case 'list':
        return printList(
          io,
          await bounded(catalog.list({ namespace: command.namespace, name: command.defName }), 'list'),
          command.json,
        );
      case 'remove':
        return await remove(
          io,
          catalog,
          { namespace: command.namespace, name: command.defName, version: command.version },
          command.json,
        );
    }
  } catch (err) {
    if (err instanceof ApiError) {
      io.err(`workflow-runner: ${err.message}\n`);
      return EXIT.FAILED;
    }
    if (err instanceof CliError) throw err;
    // Temporal failed mid-way (unavailable, namespace unknown, ...): one line, not a stack trace.
    throw new CliError(
      `definitions ${command.action}: ${err instanceof Error ? err.message : String(err)}`,
      EXIT.ENVIRONMENT,
    );
  } finally {
    await connection.close();
  }
}

/** The service's own environment rules (TEMPORAL_* and MAX_WORKFLOW_BYTES), so both see the same registry. */
function settingsOf(io: CliIo): Settings {
  try {
    const config = validateEnvironment(io.env);
    const { address, namespace, taskQueue } = config.temporal;
    const { maxWorkflowBytes } = config.server;
    return {
      address,
      namespace,
      taskQueue,
      maxWorkflowBytes,
      loadOptions: { maxBytes: maxWorkflowBytes },
      dataConverter: runnerDataConverter(config.encryption.keyRing),
    };
  } catch (err) {
    if (err instanceof ConfigValidationError) throw new CliError(`definitions: ${err.message}`, EXIT.ENVIRONMENT);
    throw err;
  }
}

interface FileDefinition {
  file: string;
  definition: ParsedDefinition;
}

/** Every file loaded and validated; undefined (problems printed as FILE:line:column pointer message) if any is bad. */
async function parseFiles(io: CliIo, files: string[], options: LoadOptions): Promise<FileDefinition[] | undefined> {
  const parsed: FileDefinition[] = [];
  const seen = new Map<string, string>();
  let bad = 0;
  for (const file of files) {
    const yaml = await readTextFile(file, 'workflow file');
    const result = loadWorkflow(yaml, options);
    const planned = result.ok ? planOrProblem(result.workflow.schedule) : undefined;
    if (!result.ok || !planned || 'problem' in planned) {
      reportProblems(io, file, !result.ok ? result.problems : planned && 'problem' in planned ? [planned.problem] : []);
      bad += 1;
      continue;
    }
    const header = result.workflow.document as unknown as Record<string, unknown>;
    const key = { namespace: String(header.namespace), name: String(header.name), version: String(header.version) };
    const label = definitionLabel(key);
    const other = seen.get(label);
    if (other) {
      io.err(`${file}: ${label} is also defined by ${other}\n`);
      bad += 1;
      continue;
    }
    seen.set(label, file);
    parsed.push({ file, definition: { key, yaml, plan: planned.plan } });
  }
  if (bad === 0) return parsed;
  io.err(`nothing registered: ${bad} of ${files.length} file${files.length === 1 ? '' : 's'} refused\n`);
  return undefined;
}

function reportProblems(io: CliIo, file: string, problems: ValidationProblem[]): void {
  for (const p of problems) io.out(`${formatProblem(file, p)}\n`);
  io.err(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
}

async function connect(settings: Settings): Promise<Connection> {
  try {
    const connection = await bounded(
      Connection.connect({ address: settings.address, connectTimeout: CONNECT_TIMEOUT_MS }),
      'connect',
      CONNECT_TIMEOUT_MS,
    );
    await bounded(connection.workflowService.getSystemInfo({}), 'connect', CONNECT_TIMEOUT_MS);
    return connection;
  } catch (err) {
    throw new CliError(`cannot reach Temporal at ${settings.address}: ${(err as Error).message}`, EXIT.ENVIRONMENT);
  }
}

/**
 * The registry's updates and queries are answered by the runner's worker: without one they would hang. A
 * runner that has just started may not have polled yet, so its absence is confirmed for a few seconds.
 */
async function requireRunner(connection: Connection, settings: Settings): Promise<void> {
  const deadline = Date.now() + RUNNER_WAIT_MS;
  for (;;) {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace: settings.namespace,
      taskQueue: { name: settings.taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if (pollers && pollers.length > 0) return;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new CliError(
    `no runner polls task queue ${settings.taskQueue} (namespace ${settings.namespace}) at ${settings.address}: ` +
      'start `workflow-runner serve` with the same TEMPORAL_TASK_QUEUE (its worker runs the definition registry)',
    EXIT.ENVIRONMENT,
  );
}

function catalogOf(client: Client, settings: Settings): DefinitionCatalog {
  const quiet = { log: () => undefined };
  // Scheduled runs start exactly as the service's executor starts them (same checks, same input).
  const runStartDeps = {
    taskQueue: settings.taskQueue,
    limits: { maxWorkflowBytes: settings.maxWorkflowBytes },
    validate: startValidator(),
  };
  const schedules = new DefinitionSchedules({
    client,
    taskQueue: settings.taskQueue,
    runStart: (yaml, metadata) => scheduledRunStart(yaml, metadata, runStartDeps),
    log: quiet,
  });
  return new DefinitionCatalog({
    registry: new DefinitionRegistryClient(client, settings.taskQueue),
    schedules,
    loadOptions: settings.loadOptions,
    log: quiet,
  });
}

async function register(
  io: CliIo,
  catalog: DefinitionCatalog,
  files: FileDefinition[],
  json: boolean,
): Promise<ExitCode> {
  const done: Array<RegisterResult & { file: string }> = [];
  for (const { file, definition } of files) {
    const result = await bounded(catalog.register(definition), `register ${file}`);
    done.push({ file, ...result });
    if (!json)
      io.out(
        `${file}: ${result.changed ? 'registered' : 'unchanged'} ${definitionLabel(result)}${scheduleNote(result)}\n`,
      );
  }
  if (json) io.out(`${JSON.stringify({ registered: done }, null, 2)}\n`);
  return EXIT.OK;
}

async function remove(
  io: CliIo,
  catalog: DefinitionCatalog,
  ref: { namespace: string; name: string; version?: string },
  json: boolean,
): Promise<ExitCode> {
  const result: RemoveResult = await bounded(catalog.remove(ref), 'remove');
  if (json) io.out(`${JSON.stringify(result, null, 2)}\n`);
  else for (const key of result.removed) io.out(`removed ${definitionLabel(key)}${scheduleNote(result)}\n`);
  return EXIT.OK;
}

function printList(io: CliIo, definitions: ListedDefinition[], json: boolean): ExitCode {
  if (json) io.out(`${JSON.stringify({ definitions }, null, 2)}\n`);
  else for (const d of definitions) io.out(`${d.latest ? '*' : ' '} ${definitionLabel(d)}  ${d.bytes} bytes\n`);
  if (!json && definitions.length === 0) io.err('no definitions registered\n');
  return EXIT.OK;
}

function scheduleNote(sync: { scheduleId?: string; afterLoopId?: string }): string {
  if (sync.scheduleId) return ` (schedule ${sync.scheduleId})`;
  if (sync.afterLoopId) return ` (after loop ${sync.afterLoopId})`;
  return '';
}

function bounded<T>(promise: Promise<T>, what: string, ms = CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CliError(`${what}: no answer from Temporal within ${ms} ms`, EXIT.ENVIRONMENT)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
