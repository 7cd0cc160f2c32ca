/**
 * Where workflow tests run: Temporal's time-skipping test server (`@temporalio/testing`) and one runner
 * worker whose activities answer from the tests' mocks. Workflow time jumps ahead whenever every run
 * waits on a timer, so `wait: P1D`, retry backoffs and timeouts take no wall time. Tests run one at a
 * time: time skipping is global to the server, and a run that waits must not move another's clock.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundle } from '@temporalio/worker';
import type { ActivityDeps } from '../temporal/activities/deps';
import {
  SIGNAL_EVENT,
  WORKFLOW_TYPE,
  type EnvironmentEntry,
  type RunLimits,
  type WorkflowExecuteInput,
  type WorkflowProgressEvent,
  type WorkflowRunResult,
} from '../temporal/contract';
import { reportOf, reportOfFailure, TaskTracker, type RunReport } from '../temporal/run-outcome';
import { createRunnerWorker } from '../temporal/worker-factory';
import { sealSecret } from '../secrets/sealing';
import type { TaskDefinition, WorkflowDocument } from '../zigflow/dsl/model';
import { MockRouter, mockActivities, TestCalls } from './mock-activities';
import type { TestCase } from './test-file';

export interface TestSessionOptions {
  /** The test server executable; without it the SDK downloads its default one (needs the internet). */
  testServerPath?: string;
  /** Settings of the real activities (used only by tests that allow real calls). */
  activityDeps: ActivityDeps;
  /** A prebuilt workflow bundle; otherwise the workflow code is bundled at start (a few seconds). */
  workflowBundle?: WorkflowBundle;
  /** Runner settings every test run starts with (`WORKFLOW_LOCAL_CALLS` of the CLI's environment). */
  limits?: RunLimits;
}

/** What one test run produced. */
export interface TestRun {
  report: RunReport;
  calls: TestCalls;
  /** Positions of tasks still running when the run ended (a run that ran out of workflow time). */
  running: string[];
  /** Events that could not be delivered (the run had ended before). */
  undelivered: string[];
}

const NAMESPACE = 'default';

export class TestSession {
  private readonly progress = new Map<string, (event: WorkflowProgressEvent) => void>();

  private constructor(
    private readonly env: TestWorkflowEnvironment,
    private readonly router: MockRouter,
    private readonly taskQueue: string,
    private readonly secretsKey: Buffer,
    private readonly limits: RunLimits | undefined,
  ) {}

  private worker?: Worker;
  private running?: Promise<void>;

  static async start(options: TestSessionOptions): Promise<TestSession> {
    const env = await TestWorkflowEnvironment.createTimeSkipping(
      options.testServerPath ? { server: { executable: { type: 'existing-path', path: options.testServerPath } } } : {},
    );
    try {
      // One key per session: the tests' `secrets` are sealed with it, as the runner seals real ones.
      const secretsKey = randomBytes(32);
      const deps: ActivityDeps = { ...options.activityDeps, secretsKey };
      const router = new MockRouter();
      const session = new TestSession(env, router, `workflow-tests-${randomUUID()}`, secretsKey, options.limits);
      session.worker = await createRunnerWorker({
        connection: env.nativeConnection,
        namespace: NAMESPACE,
        taskQueue: session.taskQueue,
        activities: deps,
        onProgress: (event) => session.deliver(event),
        workflowBundle: options.workflowBundle,
        wrapActivities: (real) => mockActivities(real, router, deps),
        shutdownGraceTime: '2s',
      });
      session.running = session.worker.run();
      return session;
    } catch (err) {
      await env.teardown().catch(() => undefined);
      throw err;
    }
  }

  private deliver(event: WorkflowProgressEvent): void {
    for (const [id, listener] of this.progress) {
      if (event.executionId === id) listener(event);
    }
  }

  async run(document: WorkflowDocument, test: TestCase): Promise<TestRun> {
    const executionId = `wrtest-${randomUUID()}`;
    const calls = new TestCalls(test.mocks, test.allowRealCalls);
    const tracker = new TaskTracker();
    const unregister = this.router.register(executionId, calls);
    this.progress.set(executionId, (event) => tracker.observe(event));
    const undelivered: string[] = [];
    try {
      const input: WorkflowExecuteInput = {
        executionId,
        workflowYaml: '',
        document: withFunctions(document, test.functions),
        input: test.input,
        environment: this.environment(test),
        ...(this.limits ? { limits: this.limits } : {}),
      };
      const handle = await this.env.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: this.taskQueue,
        workflowId: executionId,
        args: [input],
        workflowExecutionTimeout: test.timeoutMs,
      });
      let elapsed = 0;
      for (const { afterMs, event } of [...test.events].sort((a, b) => a.afterMs - b.afterMs)) {
        if (afterMs > elapsed) {
          await this.env.sleep(afterMs - elapsed);
          elapsed = afterMs;
        }
        await handle.signal(SIGNAL_EVENT, event).catch(() => undelivered.push(String(event.type)));
      }
      const report = await Promise.race([this.workerStopped(), handle.result()]).then(
        (result) => reportOf(result as WorkflowRunResult, tracker.list(false)),
        (err: unknown) => reportOfFailure(err, (cancelled) => tracker.list(cancelled)),
      );
      const running = tracker
        .list(false)
        .filter((t) => t.status === 'running')
        .map((t) => t.position);
      return { report, calls, running, undelivered };
    } finally {
      unregister();
      this.progress.delete(executionId);
    }
  }

  /** Rejects if the worker stops while a test waits for its run (which would otherwise wait forever). */
  private async workerStopped(): Promise<never> {
    const reason = await this.running?.then(
      () => 'the test worker stopped',
      (err: unknown) => `the test worker failed: ${err instanceof Error ? err.message : String(err)}`,
    );
    throw new Error(reason);
  }

  private environment(test: TestCase): EnvironmentEntry[] {
    return [
      ...Object.entries(test.env).map(([name, value]) => ({ name, value })),
      ...Object.entries(test.secrets).map(([name, value]) => ({
        name,
        secret: true,
        sealed: sealSecret(value, this.secretsKey),
      })),
    ];
  }

  async close(): Promise<void> {
    this.worker?.shutdown();
    await this.running?.catch(() => undefined);
    await this.env.teardown();
  }
}

/** The document with the test's catalog functions as `use.functions` entries (what a catalog would supply). */
function withFunctions(document: WorkflowDocument, functions: TestCase['functions']): WorkflowDocument {
  if (Object.keys(functions).length === 0) return document;
  // The test file's task definitions are checked as objects only: the interpreter fails one without a kind.
  const mocked = functions as unknown as Record<string, TaskDefinition>;
  return { ...document, use: { ...document.use, functions: { ...document.use?.functions, ...mocked } } };
}
