/**
 * Process-wide OpenTelemetry tracing of the runner, configured by the standard `OTEL_*` variables and off
 * when no OTLP endpoint is set (src/config decides; nothing here is loaded then). Spans:
 * - the gRPC server span of every runner RPC (`execute` ...), its parent taken from the call's W3C
 *   `traceparent` metadata, and a client span with `traceparent` on every outgoing gRPC call (grpc-js
 *   instrumentation: `call: grpc`, Temporal client calls);
 * - Temporal's client, workflow and activity spans (`@temporalio/interceptors-opentelemetry`), workflow spans
 *   crossing from the sandbox through the `exporter` sink, plus one span per DSL task (workflows/tracing.ts);
 * - a client span with `traceparent` on every outgoing HTTP request made with `fetch`/undici (`call: http`,
 *   `call: openapi`, `emit`, and any activity that uses `fetch`).
 * Must start before `@grpc/grpc-js` is first loaded, so its instrumentation can patch it: `serve` starts it
 * first (see cli/serve.command.ts).
 */
import * as otel from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { OtlpProtocol, TracingConfig } from '../config/runner-config';

/** What the runner's Temporal clients and workers add when tracing is on. */
export interface RunnerTracing {
  /** Interceptors of every workflow client the runner creates (starts, signals, queries, terminate...). */
  clientInterceptors(): WorkflowClientInterceptor[];
  /** Activity interceptors and the `exporter` sink of workflow spans, for Worker.create. */
  worker(): { interceptors: WorkerInterceptors; sinks: InjectedSinks<any> };
  /** Sends the spans still buffered; called at shutdown. */
  shutdown(): Promise<void>;
}

/**
 * RPCs left out of tracing: the health probe's `GetSystemInfo` every few seconds and the progress callbacks
 * (fired by the worker's sink, outside any request) would each open a trace of their own.
 */
const UNTRACED_GRPC_METHODS = ['GetSystemInfo', 'report_progress', 'reportProgress'];

async function exporterFor(protocol: OtlpProtocol): Promise<SpanExporter> {
  // Each exporter reads its endpoint, headers, timeout and compression from the standard OTEL_* variables.
  switch (protocol) {
    case 'grpc':
      return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter();
    case 'http/json':
      return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
    case 'http/protobuf':
      return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
  }
}

/** Installs the global tracer provider, the W3C propagator and the instrumentations; undefined when off. */
export async function startTracing(config: TracingConfig, version: string): Promise<RunnerTracing | undefined> {
  if (!config.enabled) return undefined;
  const resource = Resource.default().merge(
    new Resource({ 'service.name': config.serviceName, 'service.version': version }),
  );
  // OTEL_BSP_* tune the batch (delay, queue and batch sizes); OTEL_TRACES_SAMPLER* the sampler.
  const processor: SpanProcessor = new BatchSpanProcessor(await exporterFor(config.protocol));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // Registers the AsyncLocalStorage context manager and the W3C trace-context and baggage propagators.
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new GrpcInstrumentation({ ignoreGrpcMethods: UNTRACED_GRPC_METHODS }),
      new UndiciInstrumentation(),
    ],
  });
  const tracer = provider.getTracer('workflow-runner');
  return {
    clientInterceptors: () => [new OpenTelemetryWorkflowClientInterceptor({ tracer })],
    worker: () => ({
      interceptors: {
        activity: [
          (ctx) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
      },
      sinks: { exporter: makeWorkflowExporter(processor, resource) },
    }),
    shutdown: async () => {
      unregister();
      await provider.shutdown();
      otel.trace.disable();
    },
  };
}
