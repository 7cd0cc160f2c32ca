/**
 * Integration-test harness: a real runner worker on the Temporal dev server that jest's global setup
 * started (TEMPORAL_TEST_ADDRESS), on a unique task queue. `run(yaml, input)` executes a workflow and
 * returns its WorkflowRunResult (completed, faulted or cancelled alike) and the progress events the
 * worker's sink delivered. Workflow code is bundled once per jest worker process.
 */
import { randomUUID } from 'node:crypto';
import {
  ApplicationFailure,
  CancelledFailure,
  Client,
  Connection,
  WorkflowFailedError,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker, type WorkflowBundle } from '@temporalio/worker';
import {
  FAULT_FAILURE_TYPE,
  WORKFLOW_TYPE,
  type EnvironmentEntry,
  type RunLimits,
  type WorkflowExecuteInput,
  type WorkflowProgressEvent,
  type WorkflowRunResult,
} from '../../src/temporal/contract';
import type { ActivityDeps } from '../../src/temporal/activities/deps';
import { createRunnerWorker, workflowBundleOptions } from '../../src/temporal/worker-factory';
import { startValidator, withValidatedDocument } from '../../src/temporal/start-input';

let bundle: Promise<WorkflowBundle> | undefined;
const validate = startValidator();

/** The workflow bundle, built once per jest worker process. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ ...workflowBundleOptions(), logger: quietLogger });
  return bundle;
}

const quietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
  log: () => undefined,
};

export interface RunOptions {
  executionId?: string;
  environment?: EnvironmentEntry[];
  metadata?: Record<string, string>;
  /** Start as the runner's own starters do: the validated document rides along (no validation activity). */
  validated?: boolean;
  /** Bounds on pure-data work, as the runner's starters set them from WORKFLOW_MAX_TASKS_WITHOUT_WAIT and WORKFLOW_SLICE. */
  limits?: RunLimits;
}

export interface RunOutcome {
  result: WorkflowRunResult;
  events: WorkflowProgressEvent[];
  workflowId: string;
}

export interface TestRunner {
  client: Client;
  taskQueue: string;
  /** Runs a workflow to its end. */
  run(yaml: string, input?: Record<string, unknown>, opts?: RunOptions): Promise<RunOutcome>;
  /** Starts a workflow and returns its handle (for signals, queries, cancellation). */
  start(
    yaml: string,
    input?: Record<string, unknown>,
    opts?: RunOptions,
  ): Promise<WorkflowHandleWithFirstExecutionRunId>;
  /** Waits for a started workflow's outcome. */
  outcome(handle: WorkflowHandle): Promise<RunOutcome>;
  /** Progress events received so far for an execution id. */
  events(executionId: string): WorkflowProgressEvent[];
  shutdown(): Promise<void>;
}

export async function startTestRunner(
  options: { activities?: Partial<ActivityDeps>; identity?: string } = {},
): Promise<TestRunner> {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is not set (jest global setup starts the dev server)');
  const taskQueue = `test-${randomUUID()}`;
  const received = new Map<string, WorkflowProgressEvent[]>();
  const nativeConnection = await NativeConnection.connect({ address });
  const worker: Worker = await createRunnerWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: { ...options.activities },
    workflowBundle: await workflowBundle(),
    identity: options.identity,
    onProgress: (event) => {
      const list = received.get(event.executionId) ?? [];
      list.push(event);
      received.set(event.executionId, list);
    },
    shutdownGraceTime: '2s',
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });

  const start = async (yaml: string, input: Record<string, unknown> = {}, opts: RunOptions = {}) => {
    const executionId = opts.executionId ?? `exec-${randomUUID()}`;
    const arg: WorkflowExecuteInput = {
      executionId,
      workflowYaml: yaml,
      input,
      environment: opts.environment,
      metadata: opts.metadata,
      limits: opts.limits,
    };
    const start = opts.validated ? withValidatedDocument(arg, validate) : arg;
    return client.workflow.start(WORKFLOW_TYPE, { taskQueue, workflowId: executionId, args: [start] });
  };
  const outcome = async (handle: WorkflowHandle): Promise<RunOutcome> => {
    const result = await resultOf(handle);
    return { result, events: [...(received.get(handle.workflowId) ?? [])], workflowId: handle.workflowId };
  };
  return {
    client,
    taskQueue,
    start,
    outcome,
    run: async (yaml, input, opts) => outcome(await start(yaml, input, opts)),
    events: (id) => [...(received.get(id) ?? [])],
    shutdown: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}

async function resultOf(handle: WorkflowHandle): Promise<WorkflowRunResult> {
  try {
    return (await handle.result()) as WorkflowRunResult;
  } catch (e) {
    if (e instanceof WorkflowFailedError) {
      const cause = e.cause;
      if (cause instanceof ApplicationFailure && cause.type === FAULT_FAILURE_TYPE) {
        return cause.details?.[0] as WorkflowRunResult;
      }
      if (cause instanceof CancelledFailure) return { status: 'cancelled', tasks: [] };
    }
    throw e;
  }
}

/** Waits until `predicate` holds, polling (no fixed sleeps in tests: this bounds a condition). */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
