import { Controller, UseFilters } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import type {
  CancelRequest,
  CommandResponse,
  ExecuteResponse,
  PauseRequest,
  RecoverRequest,
  RecoverResponse,
  TerminateRequest,
  ReportProgressResponse,
  ResumeRequest,
  SendEventRequest,
  WorkflowExecuteInput,
} from '../generated/ai/stigmer/workflow/runner/v1/io';
import { ExecutorService } from './executor.service';
import { COMMAND_SERVICE } from './grpc-options';
import { RpcExceptionFilter } from './rpc-exception.filter';

/** WorkflowRunnerCommandController: the runner's commands (report_progress is the Stigmer side's). */
@Controller()
@UseFilters(RpcExceptionFilter)
export class CommandController {
  constructor(private readonly executor: ExecutorService) {}

  @GrpcMethod(COMMAND_SERVICE, 'execute')
  execute(request: WorkflowExecuteInput): Promise<ExecuteResponse> {
    return this.executor.execute(request);
  }

  @GrpcMethod(COMMAND_SERVICE, 'cancel')
  cancel(request: CancelRequest): Promise<CommandResponse> {
    return this.command(request.executionId, this.executor.cancel(request.executionId, request.reason));
  }

  @GrpcMethod(COMMAND_SERVICE, 'terminate')
  terminate(request: TerminateRequest): Promise<CommandResponse> {
    return this.command(request.executionId, this.executor.terminate(request.executionId, request.reason));
  }

  @GrpcMethod(COMMAND_SERVICE, 'recover')
  recover(request: RecoverRequest): Promise<RecoverResponse> {
    return this.executor.recover(request.executionId, request.reason);
  }

  @GrpcMethod(COMMAND_SERVICE, 'pause')
  pause(request: PauseRequest): Promise<CommandResponse> {
    return this.command(request.executionId, this.executor.pause(request.executionId, request.reason));
  }

  @GrpcMethod(COMMAND_SERVICE, 'resume')
  resume(request: ResumeRequest): Promise<CommandResponse> {
    return this.command(request.executionId, this.executor.resume(request.executionId));
  }

  @GrpcMethod(COMMAND_SERVICE, 'sendEvent')
  sendEvent(request: SendEventRequest): Promise<CommandResponse> {
    return this.command(request.executionId, this.executor.sendEvent(request));
  }

  /** Served by the Stigmer Service, not by the runner. */
  @GrpcMethod(COMMAND_SERVICE, 'reportProgress')
  reportProgress(): ReportProgressResponse {
    throw new RpcException({
      code: status.UNIMPLEMENTED,
      message: 'report_progress is served by the Stigmer Service, not the runner',
    });
  }

  private async command(executionId: string, pending: Promise<string>): Promise<CommandResponse> {
    return { executionId, status: await pending };
  }
}
