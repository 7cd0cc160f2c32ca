/**
 * The runner service as its own OS process (`bin/workflow-runner.js serve`, from source), as a deployment
 * runs it: configured only through its environment, its logs captured for scanning, and gRPC clients for
 * its command and query APIs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { WorkflowRunnerCommandControllerClient } from '../../src/generated/ai/stigmer/workflow/runner/v1/command';
import { WorkflowRunnerQueryControllerClient } from '../../src/generated/ai/stigmer/workflow/runner/v1/query';
import { freePort } from '../../src/temporal/dev-server';
import type { ProcessExit } from '../support/worker-process';

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly grpcAddress: string;
  readonly healthUrl: string;
  readonly command: InstanceType<typeof WorkflowRunnerCommandControllerClient>;
  readonly query: InstanceType<typeof WorkflowRunnerQueryControllerClient>;
  /** stdout and stderr so far (the service's logs). */
  logs(): string;
  stop(): Promise<ProcessExit>;
}

const ROOT = resolve(__dirname, '..', '..');

/** Starts the service and resolves once its health endpoint answers. */
export async function startServiceProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<ServiceProcess> {
  const [grpcPort, healthPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [resolve(ROOT, 'bin', 'workflow-runner.js'), 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      WORKFLOW_RUNNER_FROM_SOURCE: '1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      GRPC_PORT: String(grpcPort),
      HEALTH_PORT: String(healthPort),
      METRICS_PORT: String(metricsPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
  const exited = new Promise<ProcessExit>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const healthUrl = `http://127.0.0.1:${healthPort}/health`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited during start-up: ${logs.slice(-3000)}`);
    const up = await fetch(healthUrl).then(
      (r) => r.status < 500 || r.status === 503,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not start in time: ${logs.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const grpcAddress = `127.0.0.1:${grpcPort}`;
  const command = new WorkflowRunnerCommandControllerClient(grpcAddress, credentials.createInsecure());
  const query = new WorkflowRunnerQueryControllerClient(grpcAddress, credentials.createInsecure());
  return {
    child,
    grpcAddress,
    healthUrl,
    command,
    query,
    logs: () => logs,
    stop: async () => {
      command.close();
      query.close();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Calls a unary method of a generated grpc-js client as a promise. */
export function unary<Req, Res>(client: object, method: string, request: Req): Promise<Res> {
  const fn = (client as Record<string, (req: Req, cb: (err: Error | null, res: Res) => void) => void>)[method];
  return new Promise((resolveCall, reject) =>
    fn.call(client, request, (err, res) => (err ? reject(err) : resolveCall(res))),
  );
}
