/**
 * The workflow tracing interceptors load OpenTelemetry only for a run that starts with a trace header: the
 * worker evaluates interceptor modules for every workflow, and evaluating OpenTelemetry's SDK there was a
 * quarter of the workflow thread's time on untraced runs. The real tracing path (spans, parents, export) is
 * covered end to end by test/service/tracing.test.ts.
 */
const loaded: string[] = [];

jest.mock('@opentelemetry/api', () => {
  loaded.push('@opentelemetry/api');
  return jest.requireActual('@opentelemetry/api');
});
jest.mock('@temporalio/interceptors-opentelemetry/lib/workflow', () => {
  loaded.push('@temporalio/interceptors-opentelemetry/lib/workflow');
  // Outside a workflow the real interceptors cannot run; the one used here passes the call through.
  class Passing {
    execute(input: unknown, next: (i: unknown) => Promise<unknown>): Promise<unknown> {
      return next(input);
    }
  }
  return {
    OpenTelemetryInboundInterceptor: Passing,
    OpenTelemetryOutboundInterceptor: Passing,
    OpenTelemetryInternalsInterceptor: Passing,
  };
});

import type { WorkflowExecuteInput } from '@temporalio/workflow';
import { tracingInterceptors } from './tracing';

function executeWith(headers: WorkflowExecuteInput['headers']): Promise<unknown> {
  const [inbound] = tracingInterceptors().inbound ?? [];
  return inbound.execute!({ headers, args: [] }, async () => 'done');
}

describe('workflow tracing interceptors', () => {
  it('load OpenTelemetry for the first run started with a trace header, not before', async () => {
    // Nothing loaded when the module was imported, nor by an untraced run.
    await expect(executeWith({})).resolves.toBe('done');
    expect(loaded).toEqual([]);
    await expect(executeWith({ '_tracer-data': { metadata: {}, data: new Uint8Array() } })).resolves.toBe('done');
    expect(loaded).toEqual(['@opentelemetry/api', '@temporalio/interceptors-opentelemetry/lib/workflow']);
  });
});
