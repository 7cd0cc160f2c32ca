/**
 * OpenTelemetry spans of workflow code: Temporal's workflow interceptors (workflow execution, activity and
 * child workflow starts, continue-as-new) plus one span per DSL task, all exported through Temporal's
 * `exporter` sink (worker side: src/tracing/), never through I/O. Spans change no command: they only add
 * the trace header to the commands that carry headers, which the determinism check ignores.
 *
 * Gated per run by the trace header of the start: a run started without trace context (tracing off on the
 * starting client, a Temporal Schedule, a direct Java/Go start without the interceptor) runs exactly the code
 * it ran before this module existed; the cost is one header lookup per run and one check per activity. The
 * decision is part of history (the start event's header), so replay makes the same one.
 *
 * The OpenTelemetry modules are loaded by the first traced run only (see {@link loadOtel}): interceptor
 * modules are evaluated again for every workflow the worker starts, and evaluating OpenTelemetry's SDK was
 * a quarter of the workflow thread's time on untraced pure-data runs.
 */
import type * as Otel from '@opentelemetry/api';
import type * as OtelWorkflow from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type {
  ActivityInput,
  LocalActivityInput,
  ContinueAsNewInput,
  DisposeInput,
  Next,
  StartChildWorkflowExecutionInput,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowInternalsInterceptor,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import type { ProgressTuple } from '../progress-batch';
import { observeProgress } from './interpreter/progress';

/** Header Temporal's OpenTelemetry interceptors carry the span context in (`TRACE_HEADER` of the package). */
const TRACE_HEADER = '_tracer-data';
const TASK_ATTRIBUTE = {
  name: 'workflow_runner.task.name',
  position: 'workflow_runner.task.position',
  kind: 'workflow_runner.task.kind',
} as const;

/**
 * OpenTelemetry's API and Temporal's workflow interceptors, evaluated on first use. Workflow modules that
 * are not preloaded (this one is an interceptor module) are evaluated per workflow, so this runs at most
 * once per traced run. Loading them when the run starts instead of when the module is evaluated changes
 * nothing a run does: Temporal's module sets its workflow globals (`performance`, `window`) from workflow
 * time, which stands still until the first activation ends, and nothing else in the bundle reads them.
 */
function loadOtel(): { api: typeof Otel; workflow: typeof OtelWorkflow } {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above) */
  return {
    api: require('@opentelemetry/api') as typeof Otel,
    workflow: require('@temporalio/interceptors-opentelemetry/lib/workflow') as typeof OtelWorkflow,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** The traced run's interceptors and open task spans; one per workflow (reached through a workflow global). */
class RunTracing {
  private readonly otel: typeof Otel;
  readonly inbound: OtelWorkflow.OpenTelemetryInboundInterceptor;
  readonly outbound: OtelWorkflow.OpenTelemetryOutboundInterceptor;
  readonly internals: OtelWorkflow.OpenTelemetryInternalsInterceptor;
  private readonly tracer: Otel.Tracer;
  private readonly open = new Map<string, Otel.Span>();
  private root: Otel.Context;

  constructor() {
    const { api, workflow } = loadOtel();
    this.otel = api;
    this.inbound = new workflow.OpenTelemetryInboundInterceptor();
    this.outbound = new workflow.OpenTelemetryOutboundInterceptor();
    this.internals = new workflow.OpenTelemetryInternalsInterceptor();
    this.tracer = api.trace.getTracer('workflow-runner');
    this.root = api.ROOT_CONTEXT;
  }

  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    return this.inbound
      .execute(input, (i) => {
        // The workflow execution span is active here: task spans hang under it.
        this.root = this.otel.context.active();
        observeProgress((t) => this.onProgress(t));
        return next(i);
      })
      .finally(() => this.endAll());
  }

  /** Schedules an activity in the context of the task that schedules it: its span becomes the activity's parent. */
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    return this.otel.context.with(this.contextOf(input.options.summary), () =>
      this.outbound.scheduleActivity(input, next),
    );
  }

  /** The same for a call run as a local activity. */
  scheduleLocalActivity(
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ) {
    return this.otel.context.with(this.contextOf(input.options.summary), () =>
      this.outbound.scheduleLocalActivity(input, next),
    );
  }

  private contextOf(summary: string | undefined): Otel.Context {
    const position = summary?.split(' ').find((part) => part.startsWith('/'));
    const span = position ? this.nearestOpen(position) : undefined;
    return span ? this.otel.trace.setSpan(this.root, span) : this.otel.context.active();
  }

  private onProgress(t: ProgressTuple): void {
    const [, type, , , , name, position, kind, , attempt, error] = t;
    if (type === 'task_started' && position) {
      const parent = this.nearestOpen(position);
      const context = parent ? this.otel.trace.setSpan(this.root, parent) : this.root;
      const attributes: Otel.Attributes = { [TASK_ATTRIBUTE.position]: position };
      if (name) attributes[TASK_ATTRIBUTE.name] = name;
      if (kind) attributes[TASK_ATTRIBUTE.kind] = kind;
      this.open.set(position, this.tracer.startSpan(`RunTask:${name ?? position}`, { attributes }, context));
    } else if ((type === 'task_completed' || type === 'task_failed') && position) {
      const span = this.open.get(position);
      if (!span) return;
      this.open.delete(position);
      if (type === 'task_failed')
        span.setStatus({ code: this.otel.SpanStatusCode.ERROR, message: error?.detail ?? error?.title ?? error?.type });
      span.end();
    } else if (type === 'task_retrying' && position) {
      this.open.get(position)?.addEvent('retrying', attempt === undefined ? {} : { attempt });
    }
  }

  /** The open span of this position or of the nearest task that contains it (`/do/1/a` holds `/do/1/a/do/0/b`). */
  private nearestOpen(position: string): Otel.Span | undefined {
    for (let p = position; p.length > 0; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
      const span = this.open.get(p);
      if (span) return span;
    }
    return undefined;
  }

  /** A run that ends (or continues as new) mid-task ends its open spans, innermost last opened first. */
  private endAll(): void {
    for (const span of [...this.open.values()].reverse()) span.end();
    this.open.clear();
  }
}

const RUN_TRACING_KEY = Symbol.for('workflow-runner.run-tracing');

/** This run's tracing, if its start carried a trace context (workflow globals are per workflow). */
function runTracing(): RunTracing | undefined {
  return (globalThis as Record<symbol, unknown>)[RUN_TRACING_KEY] as RunTracing | undefined;
}

export function tracingInterceptors(): WorkflowInterceptors {
  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input, next) {
      if (!input.headers[TRACE_HEADER]) return next(input);
      const tracing = new RunTracing();
      (globalThis as Record<symbol, unknown>)[RUN_TRACING_KEY] = tracing;
      return tracing.execute(input, next);
    },
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity(input: ActivityInput, next) {
      const tracing = runTracing();
      if (!tracing) return next(input);
      return tracing.scheduleActivity(input, next);
    },
    scheduleLocalActivity(input: LocalActivityInput, next) {
      // Calls run locally (WORKFLOW_LOCAL_CALLS) carry a summary and are traced like activities; the
      // runner's own local activities (validation, yield points) are not.
      const tracing = runTracing();
      if (!tracing || !input.options.summary) return next(input);
      return tracing.scheduleLocalActivity(input, next);
    },
    startChildWorkflowExecution(input: StartChildWorkflowExecutionInput, next) {
      const tracing = runTracing();
      return tracing ? tracing.outbound.startChildWorkflowExecution(input, next) : next(input);
    },
    continueAsNew(input: ContinueAsNewInput, next) {
      // The next run keeps the trace header, so it is traced (and gated) like this one.
      const tracing = runTracing();
      return tracing ? tracing.outbound.continueAsNew(input, next) : next(input);
    },
  };
  const internals: WorkflowInternalsInterceptor = {
    dispose(input: DisposeInput, next) {
      const tracing = runTracing();
      return tracing ? tracing.internals.dispose(input, next) : next(input);
    },
  };
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
}
