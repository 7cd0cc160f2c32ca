import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import type { AppConfigService } from '../config/config.module';
import type {
  ExecuteResponse,
  SendEventRequest,
  WorkflowExecuteInput as WireExecuteInput,
} from '../generated/ai/stigmer/workflow/runner/v1/io';
import {
  QUERY_EVENTS,
  QUERY_STATUS,
  SIGNAL_EVENT,
  SIGNAL_PAUSE,
  SIGNAL_RESUME,
  type EventsPage,
  type ExecutionStatusView,
  type WorkflowExecuteInput,
  type WorkflowProgressEvent,
} from '../temporal/contract';
import { earlierRunIds } from '../temporal/execution-events';
import { TemporalService } from '../temporal/temporal.service';
import { type ExecuteLimits, parseCloudEvent, parseExecuteInput, parseExecutionId } from './execute-request';
import { failedPrecondition, notFound } from './rpc-errors';
import { isClosed, statusFromDescription } from './wire-mapping';
import { startValidator } from '../temporal/start-input';
import { runStartOf, scheduledRunStart, type RunStart, type RunStartDeps } from './run-start';

interface EventsQuery {
  fromSequence: number;
  limit: number;
}

export type { RunStart } from './run-start';

/**
 * The runner's commands and queries over Temporal. Every read goes to Temporal (the workflow's
 * `status`/`events` queries, answered by replay for closed runs): the runner keeps no state of its own.
 */
@Injectable()
export class ExecutorService {
  private readonly log = new Logger(ExecutorService.name);
  private readonly limits: ExecuteLimits;

  private readonly validate: ReturnType<typeof startValidator>;

  constructor(
    private readonly temporal: TemporalService,
    @Inject(ConfigService) config: AppConfigService,
  ) {
    const runtime = config.get('runtime', { infer: true });
    this.limits = {
      maxWorkflowBytes: config.get('server', { infer: true }).maxWorkflowBytes,
      secretsKey: runtime.secretsKey,
    };
    // Documents that the worker's validation would refuse are left for it to report as the run's failure.
    this.validate = startValidator({
      mcpStdio: { enabled: runtime.mcpStdioEnabled, commands: runtime.mcpStdioCommands },
    });
  }

  /** Starts a run, or returns the run that already holds this execution id (running or closed). */
  async execute(wire: WireExecuteInput): Promise<ExecuteResponse> {
    const input = parseExecuteInput(wire, this.limits);
    const { executionId } = input;
    const existing = await this.describeOrUndefined(executionId);
    if (existing) return { executionId, runId: existing.runId, alreadyStarted: true };
    const { workflowType, ...start } = this.runStart(input);
    try {
      const handle = await this.temporal.client.workflow.start(workflowType, {
        workflowId: executionId,
        ...start,
        // Two concurrent executes of one id attach to one run; a closed run is never started again.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      this.log.log({ executionId, runId: handle.firstExecutionRunId, msg: 'execution started' });
      return { executionId, runId: handle.firstExecutionRunId, alreadyStarted: false };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const closed = await this.describe(executionId);
      return { executionId, runId: closed.runId, alreadyStarted: true };
    }
  }

  /**
   * The start of a run that a Temporal Schedule makes: the input is checked like execute's, but its execution
   * id is left empty because Temporal appends the scheduled time to the workflow id it starts (the workflow
   * then takes its workflow id as execution id).
   */
  scheduledRunStart(workflowYaml: string, metadata: Record<string, string>): RunStart {
    return scheduledRunStart(workflowYaml, metadata, this.runStartDeps());
  }

  private runStart(input: WorkflowExecuteInput): RunStart {
    return runStartOf(input, this.runStartDeps());
  }

  private runStartDeps(): RunStartDeps {
    return { taskQueue: this.temporal.taskQueue, limits: this.limits, validate: this.validate };
  }

  async cancel(executionId: string, reason: string): Promise<string> {
    const handle = await this.openRun(parseExecutionId(executionId), 'cancel');
    await handle.cancel();
    this.log.log({ executionId, reason, msg: 'cancellation requested' });
    return 'cancelling';
  }

  async pause(executionId: string, reason: string): Promise<string> {
    const handle = await this.openRun(parseExecutionId(executionId), 'pause');
    await handle.signal(SIGNAL_PAUSE);
    this.log.log({ executionId, reason, msg: 'pause requested' });
    return 'pausing';
  }

  async resume(executionId: string): Promise<string> {
    const handle = await this.openRun(parseExecutionId(executionId), 'resume');
    await handle.signal(SIGNAL_RESUME);
    this.log.log({ executionId, msg: 'resume requested' });
    return 'running';
  }

  async sendEvent(request: SendEventRequest): Promise<string> {
    const executionId = parseExecutionId(request.executionId);
    const event = parseCloudEvent(request.event, request.eventJson);
    const handle = await this.openRun(executionId, 'send an event to');
    await handle.signal(SIGNAL_EVENT, event);
    this.log.log({ executionId, eventType: event.type, eventId: event.id, msg: 'event delivered' });
    return 'running';
  }

  /** Temporal's description plus the workflow's own status view (undefined when the query cannot run). */
  async status(
    executionId: string,
  ): Promise<{ description: WorkflowExecutionDescription; view?: ExecutionStatusView }> {
    const id = parseExecutionId(executionId);
    const description = await this.describe(id);
    try {
      const view = await this.handle(id).query<ExecutionStatusView>(QUERY_STATUS);
      return { description, view };
    } catch (err) {
      this.log.warn({ executionId: id, err: String(err), msg: 'status query failed; reporting Temporal status only' });
      return { description };
    }
  }

  /**
   * One page of events from `fromSequence`. After continue-as-new the latest run holds only later events,
   * so earlier ones are read from the previous runs, newest first, until one holds `fromSequence`.
   */
  async events(executionId: string, fromSequence: number, limit: number): Promise<EventsPage> {
    const id = parseExecutionId(executionId);
    // No describe first: a query of an unknown id fails with WorkflowNotFoundError (→ NOT_FOUND).
    const latest = await this.handle(id).query<EventsPage, [EventsQuery]>(QUERY_EVENTS, { fromSequence, limit });
    if (fromSequence >= latest.firstSequence || latest.firstSequence <= 1) return latest;
    for (const runId of await this.earlierRuns(id)) {
      const page = await this.handle(id, runId).query<EventsPage, [EventsQuery]>(QUERY_EVENTS, { fromSequence, limit });
      if (fromSequence >= page.firstSequence || page.firstSequence <= 1) {
        // Later runs still hold events past this page.
        return {
          ...page,
          lastSequence: latest.lastSequence,
          hasMore: page.hasMore || page.lastSequence < latest.lastSequence,
        };
      }
    }
    return latest;
  }

  /** Whether the run is closed (after which no event can follow). */
  async isClosed(executionId: string): Promise<boolean> {
    return isClosed(await this.describe(executionId));
  }

  /** Calls `listener` for progress of runs executing on this worker: a cue to poll early, not a source. */
  onLocalProgress(listener: (event: WorkflowProgressEvent) => void): () => void {
    return this.temporal.onProgress(listener);
  }

  private handle(executionId: string, runId?: string): WorkflowHandle {
    return this.temporal.client.workflow.getHandle(executionId, runId);
  }

  private async describe(executionId: string): Promise<WorkflowExecutionDescription> {
    const description = await this.describeOrUndefined(executionId);
    if (!description) throw notFound(executionId);
    return description;
  }

  private async describeOrUndefined(executionId: string): Promise<WorkflowExecutionDescription | undefined> {
    try {
      return await this.handle(executionId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /** The latest run's handle, when it is still open; commands on a closed run are a precondition error. */
  private async openRun(executionId: string, verb: string): Promise<WorkflowHandle> {
    const description = await this.describe(executionId);
    if (isClosed(description)) {
      throw failedPrecondition(
        `cannot ${verb} execution ${executionId}: it is already ${statusFromDescription(description)} (${description.status.name})`,
      );
    }
    return this.handle(executionId, description.runId);
  }

  /** Run ids of this execution other than the latest, newest first (visibility API). */
  private earlierRuns(executionId: string): Promise<string[]> {
    return earlierRunIds(this.temporal.client, executionId);
  }
}
