import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import type {
  CancelRequest,
  CommandResponse,
  ExecuteResponse,
  PauseRequest,
  ReportProgressResponse,
  ResumeRequest,
  SendEventRequest,
  WorkflowExecuteInput,
} from '../generated/ai/stigmer/workflow/runner/v1/io';
import { ExecutorService } from './executor.service';
import { COMMAND_SERVICE } from './grpc-options';
import { toRpcException } from './rpc-errors';

/** WorkflowRunnerCommandController: the runner's commands (report_progress is the Stigmer side's). */
@Controller()
export class CommandController {
  constructor(private readonly executor: ExecutorService) {}

  @GrpcMethod(COMMAND_SERVICE, 'execute')
  async execute(request: WorkflowExecuteInput): Promise<ExecuteResponse> {
    try {
      return await this.executor.execute(request);
    } catch (err) {
      throw toRpcException(err, request.executionId);
    }
  }

  @GrpcMethod(COMMAND_SERVICE, 'cancel')
  cancel(request: CancelRequest): Promise<CommandResponse> {
    return this.command(request.executionId, () => this.executor.cancel(request.executionId, request.reason));
  }

  @GrpcMethod(COMMAND_SERVICE, 'pause')
  pause(request: PauseRequest): Promise<CommandResponse> {
    return this.command(request.executionId, () => this.executor.pause(request.executionId, request.reason));
  }

  @GrpcMethod(COMMAND_SERVICE, 'resume')
  resume(request: ResumeRequest): Promise<CommandResponse> {
    return this.command(request.executionId, () => this.executor.resume(request.executionId));
  }

  @GrpcMethod(COMMAND_SERVICE, 'sendEvent')
  sendEvent(request: SendEventRequest): Promise<CommandResponse> {
    return this.command(request.executionId, () => this.executor.sendEvent(request));
  }

  /** Served by the Stigmer Service, not by the runner. */
  @GrpcMethod(COMMAND_SERVICE, 'reportProgress')
  reportProgress(): ReportProgressResponse {
    throw new RpcException({ code: status.UNIMPLEMENTED, message: 'report_progress is served by the Stigmer Service, not the runner' });
  }

  private async command(executionId: string, run: () => Promise<string>): Promise<CommandResponse> {
    try {
      return { executionId, status: await run() };
    } catch (err) {
      throw toRpcException(err, executionId);
    }
  }
}
