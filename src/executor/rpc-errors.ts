/** Errors of the runner's gRPC API as typed data, and their mapping onto gRPC status codes. */
import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: status,
    message: string,
    /** The request field at fault (INVALID_ARGUMENT), in the proto's snake_case. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const invalidArgument = (field: string, problem: string): ApiError =>
  new ApiError(status.INVALID_ARGUMENT, `${field}: ${problem}`, field);
export const notFound = (executionId: string): ApiError =>
  new ApiError(status.NOT_FOUND, `execution ${executionId} not found`);
export const failedPrecondition = (message: string): ApiError => new ApiError(status.FAILED_PRECONDITION, message);

/** Temporal's gRPC codes pass through where they mean the same to our caller. */
const PASS_THROUGH = new Set<number>([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.PERMISSION_DENIED,
  status.UNAUTHENTICATED,
]);

/** Any error of an RPC handler → RpcException carrying a gRPC code and a message without secrets. */
export function toRpcException(err: unknown, executionId?: string): RpcException {
  if (err instanceof RpcException) return err;
  if (err instanceof ApiError) return new RpcException({ code: err.code, message: err.message });
  if (err instanceof WorkflowNotFoundError)
    return new RpcException({
      code: status.NOT_FOUND,
      message: `execution ${executionId ?? err.workflowId} not found`,
    });
  if (err instanceof WorkflowExecutionAlreadyStartedError)
    return new RpcException({ code: status.ALREADY_EXISTS, message: err.message });
  if (isGrpcServiceError(err) && PASS_THROUGH.has(err.code))
    return new RpcException({ code: err.code, message: `Temporal: ${err.details || err.message}` });
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (isGrpcServiceError(cause) && PASS_THROUGH.has(cause.code))
    return new RpcException({ code: cause.code, message: `Temporal: ${cause.details || cause.message}` });
  return new RpcException({ code: status.INTERNAL, message: err instanceof Error ? err.message : 'internal error' });
}
