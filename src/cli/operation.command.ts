/**
 * `workflow-runner terminate|recover EXECUTION_ID`: through the runner's own gRPC API (not straight to
 * Temporal), because the runner is what reports the termination event to the Stigmer Service and builds the
 * recovered run. The API is plaintext inside the cluster (docs/api.md), so the client is too.
 */
import { credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { WorkflowRunnerCommandControllerClient } from '../generated/ai/stigmer/workflow/runner/v1/command';
import { isHostPort } from '../config/parse';
import type { OperationCommand } from './args';
import type { CliIo } from './cli-io';
import { CliError, EXIT, type ExitCode } from './exit-codes';

const DEFAULT_RUNNER = '127.0.0.1:50051';
const CALL_TIMEOUT_MS = 30_000;

/** Refusals that are about the execution, not the environment. */
const REFUSED = new Set<number>([GrpcStatus.NOT_FOUND, GrpcStatus.FAILED_PRECONDITION, GrpcStatus.INVALID_ARGUMENT]);

export async function operationCommand(io: CliIo, command: OperationCommand): Promise<ExitCode> {
  const target = command.runner ?? io.env.WORKFLOW_RUNNER_ADDRESS?.trim() ?? DEFAULT_RUNNER;
  if (!isHostPort(target))
    throw new CliError(`${command.name}: runner address '${target}' must be host:port`, EXIT.USAGE);
  const client = new WorkflowRunnerCommandControllerClient(target, credentials.createInsecure());
  const deadline = { deadline: Date.now() + CALL_TIMEOUT_MS };
  const request = { executionId: command.executionId, reason: command.reason };
  try {
    const answer = await new Promise<object>((resolve, reject) => {
      const done = (err: ServiceError | null, res: object) => (err ? reject(err) : resolve(res));
      if (command.name === 'terminate') client.terminate(request, new Metadata(), deadline, done);
      else client.recover(request, new Metadata(), deadline, done);
    });
    if (command.json) io.out(`${JSON.stringify(answer)}\n`);
    else io.out(`${describe(command, answer as Record<string, unknown>)}\n`);
    return EXIT.OK;
  } catch (err) {
    const e = err as ServiceError;
    if (REFUSED.has(e.code)) {
      io.err(`workflow-runner: ${command.name}: ${e.details || e.message}\n`);
      return EXIT.FAILED;
    }
    throw new CliError(`${command.name}: runner at ${target}: ${e.details || e.message}`, EXIT.ENVIRONMENT);
  } finally {
    client.close();
  }
}

function describe(command: OperationCommand, answer: Record<string, unknown>): string {
  if (command.name === 'terminate') return `terminated ${command.executionId}`;
  const at = answer.taskPosition ? ` at ${String(answer.taskPosition)}` : '';
  return `recovered ${command.executionId}${at}: run ${String(answer.runId)} (from run ${String(answer.recoveredFromRunId)}), events from sequence ${String(answer.sequence)}`;
}
