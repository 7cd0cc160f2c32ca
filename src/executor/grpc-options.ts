/**
 * The gRPC transport of the runner, shared by main.ts and the end-to-end tests so the tests boot the
 * production transport. The package definition is built from the generated ts-proto services: server,
 * callback client and tests all use one codec.
 */
import type { GrpcOptions } from '@nestjs/microservices';
import { Transport } from '@nestjs/microservices';
import { WorkflowRunnerCommandControllerService } from '../generated/ai/stigmer/workflow/runner/v1/command';
import { WorkflowRunnerQueryControllerService } from '../generated/ai/stigmer/workflow/runner/v1/query';

export const RUNNER_PROTO_PACKAGE = 'ai.stigmer.workflow.runner.v1';
export const COMMAND_SERVICE = 'WorkflowRunnerCommandController';
export const QUERY_SERVICE = 'WorkflowRunnerQueryController';

export const runnerPackageDefinition = {
  [`${RUNNER_PROTO_PACKAGE}.${COMMAND_SERVICE}`]: WorkflowRunnerCommandControllerService,
  [`${RUNNER_PROTO_PACKAGE}.${QUERY_SERVICE}`]: WorkflowRunnerQueryControllerService,
};

export function grpcServerOptions(port: number, host = '0.0.0.0'): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: RUNNER_PROTO_PACKAGE,
      packageDefinition: runnerPackageDefinition,
      url: `${host}:${port}`,
      // Workflow documents may be up to MAX_WORKFLOW_BYTES (at most 2 MB); leave room for input and environment.
      maxReceiveMessageLength: 8 * 1024 * 1024,
      keepalive: { keepaliveTimeMs: 30_000, keepaliveTimeoutMs: 10_000, keepalivePermitWithoutCalls: 1 },
    },
  };
}
