/** DSL errors leaving an activity: non-retryable ApplicationFailures carrying the problem details. */
import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowErrorData } from '../contract';
import { dslError, type ErrorKind } from '../../zigflow/dsl/errors';
import { DSL_ERROR_FAILURE_TYPE } from './types';

export function dslFailure(error: WorkflowErrorData): ApplicationFailure {
  return ApplicationFailure.create({
    type: DSL_ERROR_FAILURE_TYPE,
    message: error.detail ?? error.title ?? error.type,
    nonRetryable: true,
    details: [error],
  });
}

export function failure(
  kind: ErrorKind,
  detail: string,
  options: { instance?: string; status?: number; title?: string } = {},
): ApplicationFailure {
  return dslFailure(dslError(kind, detail, options));
}
