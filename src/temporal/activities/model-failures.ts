/**
 * Model endpoint failures as activity failures. Rate limits (429), timeouts, conflicts (409), server errors
 * (5xx) and unreachable endpoints are retryable: Temporal retries the activity after the provider's
 * `retry-after-ms` / `retry-after` when it sent one (ApplicationFailure `nextRetryDelay`), else after the
 * policy's backoff. Everything else (bad request, unknown model, refused key) is a non-retryable DSL error.
 * Both carry the DSL error data in `details[0]`, so when retries run out the task fails with the error the
 * endpoint caused (`communication` with its HTTP status), not a generic runtime error.
 *
 * Messages hold the status, the endpoint's error code and at most 200 characters of its message, with
 * anything shaped like an API key masked: no prompt text, no key.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { APIError } from 'openai';
import { loadedOpenAi, ModelReplyError } from '../../ai/model-client';
import { dslError, type ErrorKind } from '../../zigflow/dsl/errors';
import { RETRYABLE_DSL_ERROR_FAILURE_TYPE } from './types';
import { dslFailure } from './failures';

/** Longest wait a provider's retry-after may impose on one retry. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

const RETRYABLE_STATUS = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

export function modelFailure(e: unknown, instance: string, signal?: AbortSignal): unknown {
  if (e instanceof ApplicationFailure) return e;
  // The `openai` package is loaded with the first request (model-client.ts): before that, no error is its.
  const sdk = loadedOpenAi();
  // Cancellation: the activity reports the context's own reason (a CancelledFailure).
  if ((sdk && e instanceof sdk.APIUserAbortError) || signal?.aborted) return signal?.reason ?? e;
  if (sdk && e instanceof sdk.APIConnectionTimeoutError) {
    return retryable('timeout', 'the model endpoint did not answer in time', instance, 408);
  }
  if (sdk && e instanceof sdk.APIConnectionError) {
    return retryable('communication', `the model endpoint is unreachable: ${cause(e)}`, instance, 503);
  }
  if (sdk && e instanceof sdk.APIError && typeof e.status === 'number') {
    const detail = `model endpoint answered HTTP ${e.status}${codeOf(e)}: ${preview(e)}`;
    if (RETRYABLE_STATUS(e.status)) {
      return retryable('communication', detail, instance, e.status, retryAfterMs(e.headers));
    }
    const kind: ErrorKind = e.status === 401 ? 'authentication' : e.status === 403 ? 'authorization' : 'communication';
    return dslFailure(dslError(kind, detail, { instance, status: e.status, title: `HTTP ${e.status}` }));
  }
  if (e instanceof ModelReplyError) {
    return dslFailure(dslError('communication', e.message, { instance, status: 502 }));
  }
  return e;
}

function retryable(
  kind: ErrorKind,
  detail: string,
  instance: string,
  status: number,
  delayMs?: number,
): ApplicationFailure {
  const data = dslError(kind, detail, { instance, status, title: `HTTP ${status}` });
  return ApplicationFailure.create({
    type: RETRYABLE_DSL_ERROR_FAILURE_TYPE,
    message: detail,
    nonRetryable: false,
    details: [data],
    nextRetryDelay: delayMs,
  });
}

/** `retry-after-ms` (milliseconds), else `retry-after` (seconds or an HTTP date); capped. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  let ms: number | undefined;
  const millis = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis)) ms = millis;
  else {
    const text = headers.get('retry-after');
    if (text) {
      const seconds = Number.parseFloat(text);
      ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text) - now;
    }
  }
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(Math.round(ms), MAX_RETRY_AFTER_MS);
}

function codeOf(e: APIError): string {
  const code = typeof e.code === 'string' ? e.code : typeof e.type === 'string' ? e.type : undefined;
  return code ? ` (${code.slice(0, 60)})` : '';
}

function preview(e: APIError): string {
  const body = e.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : e.message;
  return maskKeys(text).slice(0, 200);
}

function cause(e: Error): string {
  const code = (e as { cause?: { code?: string } }).cause?.code;
  return code ?? maskKeys(e.message).slice(0, 120);
}

/** Anything shaped like a provider key (`sk-...`, long tokens) is masked before it reaches an error. */
export function maskKeys(text: string): string {
  return text.replace(/\bsk-[A-Za-z0-9_*-]{6,}/g, 'sk-***').replace(/\b[A-Za-z0-9_-]{40,}\b/g, '***');
}
