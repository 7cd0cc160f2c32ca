/** `emitEvent`: posts the CloudEvent to the configured sink in structured mode (or only logs it when none). */
import type { ActivityDeps } from './deps';
import { failure } from './failures';
import { assertCallable } from './network-guard';
import type { EmitEventRequest } from './types';

export function createEmitEvent(deps: ActivityDeps) {
  return async function emitEvent(request: EmitEventRequest): Promise<void> {
    const { event, position } = request;
    if (!deps.eventSinkUrl) {
      deps.logger?.debug('emitted event kept on the progress stream only', { type: event.type, id: event.id });
      return;
    }
    const url = new URL(deps.eventSinkUrl);
    await assertCallable(url, deps.http ?? {}, position);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(deps.http?.requestTimeoutMs ?? 30_000),
    }).catch((e: unknown) => {
      throw failure('communication', `event sink unreachable: ${(e as Error)?.message ?? e}`, {
        instance: position,
        status: 503,
      });
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) {
      throw failure('communication', `event sink answered HTTP ${response.status}`, {
        instance: position,
        status: response.status,
      });
    }
  };
}
