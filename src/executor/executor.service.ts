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
import { CallbackService } from '../callback/callback.service';
import {
  QUERY_STATUS,
  SIGNAL_EVENT,
  SIGNAL_PAUSE,
  SIGNAL_RESUME,
  type EventsPage,
  type ExecutionStatusView,
  type WorkflowExecuteInput,
  type WorkflowProgressEvent,
} from '../temporal/contract';
import { AiService } from '../ai/ai.service';
import { recoverRun, type RecoverResult } from './recovery';
import { TemporalService } from '../temporal/temporal.service';
import { type ExecuteLimits, parseCloudEvent, parseExecuteInput, parseExecutionId } from './execute-request';
import { failedPrecondition, notFound } from './rpc-errors';
import { isClosed, statusFromDescription } from './wire-mapping';
import { startValidator } from '../temporal/start-input';
import type { RunLimits } from '../temporal/contract';
import { runLimitsOf, runStartOf, scheduledRunStart, type RunStart, type RunStartDeps } from './run-start';

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
  private readonly runLimits: RunLimits;

  constructor(
    private readonly temporal: TemporalService,
    @Inject(ConfigService) config: AppConfigService,
    private readonly callback: CallbackService,
    ai: AiService,
  ) {
    const runtime = config.get('runtime', { infer: true });
    this.limits = {
      maxWorkflowBytes: config.get('server', { infer: true }).maxWorkflowBytes,
      secretsKey: runtime.secretsKey,
    };
    this.runLimits = runLimitsOf(runtime);
    // Documents that the worker's validation would refuse are left for it to report as the run's failure.
    this.validate = startValidator({
      mcpStdio: { enabled: runtime.mcpStdioEnabled, commands: runtime.mcpStdioCommands },
      ...ai.loadOptions,
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
    return {
      taskQueue: this.temporal.taskQueue,
      limits: this.limits,
      validate: this.validate,
      runLimits: this.runLimits,
    };
  }

  async cancel(executionId: string, reason: string): Promise<string> {
    const handle = await this.openRun(parseExecutionId(executionId), 'cancel');
    await handle.cancel();
    this.log.log({ executionId, reason, msg: 'cancellation requested' });
    return 'cancelling';
  }

  /**
   * Temporal terminate: the run stops at once and runs no more code. Its last event (workflow_cancelled,
   * "terminated: <reason>") is then made from the closed run (temporal/termination-event.ts) and handed to the
   * CallbackService like any progress event; get_events and subscribe derive the same event from history.
   */
  async terminate(executionId: string, reason: string): Promise<string> {
    const id = parseExecutionId(executionId);
    const runId = await this.openRunId(id, 'terminate');
    const why = reason.trim() || 'terminated through the runner API';
    await this.handle(id, runId).terminate(why);
    this.log.log({ executionId: id, reason: why, msg: 'execution terminated' });
    try {
      const event = await this.temporal.eventReader.terminationEventOf(id, runId);
      if (event) this.callback.report(event);
    } catch (err) {
      // The event stays readable through get_events once a worker can answer the closed run's query.
      this.log.warn({ executionId: id, err: String(err), msg: 'termination event not reported' });
    }
    return 'terminated';
  }

  /** Starts a failed or terminated run again at the task that failed or was interrupted (recovery.ts). */
  async recover(executionId: string, reason: string): Promise<RecoverResult> {
    const id = parseExecutionId(executionId);
    const result = await recoverRun(
      {
        client: this.temporal.client,
        taskQueue: this.temporal.taskQueue,
        lastSequenceOf: (runId) => this.temporal.eventReader.lastSequenceOf(id, runId),
      },
      await this.describe(id),
      reason,
    );
    this.log.log({ ...result, reason, msg: 'execution recovered' });
    return result;
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

  /** One page of events from `fromSequence` (earlier runs are read after continue-as-new). */
  async events(executionId: string, fromSequence: number, limit: number): Promise<EventsPage> {
    // No describe first: a query of an unknown id fails with WorkflowNotFoundError (→ NOT_FOUND).
    return this.temporal.eventReader.events(parseExecutionId(executionId), fromSequence, limit);
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
    return this.handle(executionId, await this.openRunId(executionId, verb));
  }

  private async openRunId(executionId: string, verb: string): Promise<string> {
    const description = await this.describe(executionId);
    if (isClosed(description)) {
      throw failedPrecondition(
        `cannot ${verb} execution ${executionId}: it is already ${statusFromDescription(description)} (${description.status.name})`,
      );
    }
    return description.runId;
  }
}
