import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { toRpcException } from './rpc-errors';

/**
 * Maps every error of the runner's gRPC handlers onto a gRPC status (see toRpcException). Nest runs it both for
 * errors a handler throws or rejects with and for errors a returned Observable emits (the `subscribe` stream),
 * so the controllers carry no try/catch of their own.
 */
@Catch()
export class RpcExceptionFilter extends BaseRpcExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<unknown> {
    return super.catch(toRpcException(exception, requestExecutionId(host.switchToRpc().getData())), host);
  }
}

/** The request's execution id, used to name the run in NOT_FOUND messages. */
function requestExecutionId(request: unknown): string | undefined {
  const executionId = (request as { executionId?: unknown } | null | undefined)?.executionId;
  return typeof executionId === 'string' ? executionId : undefined;
}
