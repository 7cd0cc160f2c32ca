import { Controller, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { toWireEvent } from '../callback/progress-event';
import type {
  EventsPage,
  ExecutionStatus,
  GetEventsRequest,
  GetStatusRequest,
  SubscribeRequest,
  WorkflowProgressEvent,
} from '../generated/ai/stigmer/workflow/runner/v1/io';
import { parseExecutionId, parsePage } from './execute-request';
import { ExecutorService } from './executor.service';
import { QUERY_SERVICE } from './grpc-options';
import { RpcExceptionFilter } from './rpc-exception.filter';
import { followExecution } from './subscription';
import { toWireEventsPage, toWireStatus } from './wire-mapping';

/** WorkflowRunnerQueryController: reads each run's state from Temporal. */
@Controller()
@UseFilters(RpcExceptionFilter)
export class QueryController {
  constructor(private readonly executor: ExecutorService) {}

  @GrpcMethod(QUERY_SERVICE, 'getStatus')
  async getStatus(request: GetStatusRequest): Promise<ExecutionStatus> {
    const { description, view } = await this.executor.status(request.executionId);
    return toWireStatus(description, view);
  }

  @GrpcMethod(QUERY_SERVICE, 'getEvents')
  async getEvents(request: GetEventsRequest): Promise<EventsPage> {
    const { fromSequence, limit } = parsePage(request.fromSequence, request.limit);
    const page = await this.executor.events(request.executionId, fromSequence, limit);
    return toWireEventsPage(page, fromSequence);
  }

  /** Server stream; ends when the run closes, or quietly when the client cancels. Errors map through RpcExceptionFilter. */
  @GrpcMethod(QUERY_SERVICE, 'subscribe')
  subscribe(request: SubscribeRequest): Observable<WorkflowProgressEvent> {
    return new Observable<WorkflowProgressEvent>((subscriber) => {
      const abort = new AbortController();
      const pump = async (): Promise<void> => {
        const executionId = parseExecutionId(request.executionId);
        const { fromSequence } = parsePage(request.fromSequence, 0);
        for await (const event of followExecution(this.executor, executionId, fromSequence, abort.signal)) {
          if (subscriber.closed) break;
          subscriber.next(toWireEvent(event));
        }
        subscriber.complete();
      };
      pump().catch((err) => {
        if (!abort.signal.aborted) subscriber.error(err);
      });
      return () => abort.abort();
    });
  }
}
