/**
 * Boots the real runner service (src/main.ts bootstrap: production gRPC transport, real worker) against
 * the Temporal dev server of the test run, with a real fake-Stigmer gRPC server, and a real grpc-js client.
 */
import { createServer } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { type ClientReadableStream, credentials, type ServiceError } from '@grpc/grpc-js';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { WorkflowRunnerCommandControllerClient } from '../../src/generated/ai/stigmer/workflow/runner/v1/command';
import { WorkflowRunnerQueryControllerClient } from '../../src/generated/ai/stigmer/workflow/runner/v1/query';
import type {
  CancelRequest,
  CommandResponse,
  EventsPage,
  ExecuteResponse,
  ExecutionStatus,
  GetEventsRequest,
  GetStatusRequest,
  PauseRequest,
  RecoverRequest,
  RecoverResponse,
  TerminateRequest,
  ResumeRequest,
  SendEventRequest,
  SubscribeRequest,
  WorkflowExecuteInput,
  WorkflowProgressEvent,
} from '../../src/generated/ai/stigmer/workflow/runner/v1/io';
import { bootstrap } from '../../src/main';
import { FakeStigmer } from '../support/fake-stigmer';

export const API_KEY = `test-key-${randomUUID()}`;

export function temporalAddress(): string {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is not set (jest globalSetup starts the dev server)');
  return address;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function promise<Res>(start: (callback: (err: ServiceError | null, res: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => start((err, res) => (err ? reject(err) : resolve(res))));
}

/** The runner's RPCs as promises, through the generated grpc-js clients. */
export class RunnerRpc {
  constructor(
    private readonly commands: InstanceType<typeof WorkflowRunnerCommandControllerClient>,
    private readonly queries: InstanceType<typeof WorkflowRunnerQueryControllerClient>,
  ) {}
  execute = (r: WorkflowExecuteInput) => promise<ExecuteResponse>((cb) => this.commands.execute(r, cb));
  cancel = (r: CancelRequest) => promise<CommandResponse>((cb) => this.commands.cancel(r, cb));
  pause = (r: PauseRequest) => promise<CommandResponse>((cb) => this.commands.pause(r, cb));
  terminate = (r: TerminateRequest) => promise<CommandResponse>((cb) => this.commands.terminate(r, cb));
  recover = (r: RecoverRequest) => promise<RecoverResponse>((cb) => this.commands.recover(r, cb));
  resume = (r: ResumeRequest) => promise<CommandResponse>((cb) => this.commands.resume(r, cb));
  sendEvent = (r: SendEventRequest) => promise<CommandResponse>((cb) => this.commands.sendEvent(r, cb));
  getStatus = (r: GetStatusRequest) => promise<ExecutionStatus>((cb) => this.queries.getStatus(r, cb));
  getEvents = (r: GetEventsRequest) => promise<EventsPage>((cb) => this.queries.getEvents(r, cb));
  subscribe = (r: SubscribeRequest) => this.queries.subscribe(r);
}

export interface RunnerHarness {
  app: INestApplication;
  fake: FakeStigmer;
  rpc: RunnerRpc;
  temporal: Client;
  taskQueue: string;
  /** host:port of the runner's gRPC API. */
  target: string;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Share a receiver between runners (default: a new one, stopped by close()). */
  fake?: FakeStigmer;
  /** Share a task queue between runners (default: a queue of its own). */
  taskQueue?: string;
}

export async function startRunner(options: StartOptions = {}): Promise<RunnerHarness> {
  const ownFake = !options.fake;
  const fake = options.fake ?? (await new FakeStigmer().start());
  const grpcPort = await freePort();
  // A queue of its own: other test files run workers on the same dev server.
  const taskQueue = options.taskQueue ?? `service-e2e-${randomUUID()}`;
  const app = await bootstrap({
    env: {
      TEMPORAL_SERVICE_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      STIGMER_SERVICE_ENDPOINT: fake.address,
      STIGMER_SERVICE_API_KEY: API_KEY,
      STIGMER_SERVICE_USE_TLS: 'false',
      CALLBACK_INITIAL_BACKOFF: '20ms',
      RUNNER_SECRETS_KEY: randomBytes(32).toString('base64'),
      GRPC_PORT: String(grpcPort),
      HEALTH_PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      WORKER_SHUTDOWN_GRACE: '10s',
      ...options.env,
    },
  });
  const target = `127.0.0.1:${grpcPort}`;
  const commands = new WorkflowRunnerCommandControllerClient(target, credentials.createInsecure());
  const queries = new WorkflowRunnerQueryControllerClient(target, credentials.createInsecure());
  const connection = await Connection.connect({ address: temporalAddress() });
  const temporal = new Client({ connection });
  return {
    app,
    fake,
    rpc: new RunnerRpc(commands, queries),
    temporal,
    taskQueue,
    target,
    async close() {
      commands.close();
      queries.close();
      await app.close();
      await connection.close();
      if (ownFake) await fake.stop();
    },
  };
}

/** Reads a server stream to its end (or error). */
export function collect(
  stream: ClientReadableStream<WorkflowProgressEvent>,
  onEvent?: (e: WorkflowProgressEvent) => void,
): Promise<WorkflowProgressEvent[]> {
  const events: WorkflowProgressEvent[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (e: WorkflowProgressEvent) => {
      events.push(e);
      onEvent?.(e);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(events));
  });
}

/** Polls `check` until it returns a value (no fixed sleep: a short poll of a real condition). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
