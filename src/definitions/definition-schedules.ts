/**
 * Keeps the Temporal side of a definition's `schedule` in step with the latest registered version of its
 * namespace/name: a Temporal Schedule for `every`/`cron` (id `wf-schedule:{namespace}/{name}`), the restart
 * loop workflow for `after` (id `wf-after:{namespace}/{name}`), nothing otherwise. Idempotent: the schedule's
 * note records the registry sequence it reflects, so syncing the same state again changes nothing, and a
 * replica holding an older state never overwrites a newer one.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  WorkflowNotFoundError,
  type Client,
  type ScheduleDescription,
  type ScheduleOptionsAction,
} from '@temporalio/client';
import type { RunStart } from '../executor/run-start';
import {
  AFTER_LOOP_WORKFLOW_TYPE,
  afterLoopId,
  scheduleId,
  type AfterLoopArgs,
  type DefinitionEntry,
} from '../temporal/definition-registry.contract';
import type { SchedulePlan } from '../temporal/schedule-spec';

export interface SyncResult {
  scheduleId?: string;
  afterLoopId?: string;
}

/** Where changes are logged (a Nest Logger in the service, stderr in the CLI). */
export interface ScheduleLog {
  log(fields: Record<string, unknown>): void;
}

export interface ScheduleDeps {
  client: Client;
  taskQueue: string;
  /** The executor's start of a scheduled run (same workflow type, queue and input checks as execute). */
  runStart: (workflowYaml: string, metadata: Record<string, string>) => RunStart;
  log: ScheduleLog;
}

const NOTE_PREFIX = 'registry sequence ';

export class DefinitionSchedules {
  constructor(private readonly deps: ScheduleDeps) {}

  /** `latest`: the latest registered version of namespace/name (undefined: none left); `sequence`: the registry's. */
  async sync(
    namespace: string,
    name: string,
    latest: DefinitionEntry | undefined,
    plan: SchedulePlan,
    sequence: number,
  ): Promise<SyncResult> {
    const result: SyncResult = {};
    if (latest && plan.kind === 'temporal') result.scheduleId = await this.upsertSchedule(latest, plan, sequence);
    else await this.deleteSchedule(namespace, name);
    if (latest && plan.kind === 'afterCompletion') result.afterLoopId = await this.startAfterLoop(namespace, name);
    else await this.stopAfterLoop(namespace, name);
    return result;
  }

  private async upsertSchedule(
    latest: DefinitionEntry,
    plan: Extract<SchedulePlan, { kind: 'temporal' }>,
    sequence: number,
  ): Promise<string> {
    const id = scheduleId(latest.namespace, latest.name);
    const definition = `${latest.namespace}/${latest.name}/${latest.version}`;
    const { workflowType, ...start } = this.deps.runStart(latest.yaml, {
      'runner.definition': definition,
      'runner.schedule': id,
    });
    // Temporal appends the scheduled time to this id for every run it starts.
    const action: ScheduleOptionsAction = {
      type: 'startWorkflow',
      workflowType,
      ...start,
      workflowId: `wf-scheduled:${latest.namespace}/${latest.name}`,
    };
    const policies = { overlap: plan.policies.overlap, catchupWindow: plan.policies.catchupWindow };
    const note = `${NOTE_PREFIX}${sequence}: ${definition}`;
    try {
      await this.deps.client.schedule.create({ scheduleId: id, spec: plan.spec, action, policies, state: { note } });
      this.deps.log.log({ scheduleId: id, definition, msg: 'schedule created' });
      return id;
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
    let updated = false;
    await this.deps.client.schedule.getHandle(id).update((previous: ScheduleDescription) => {
      // Same or newer registry state already applied (another replica, or the same text registered again).
      if (noteSequence(previous.state.note) >= sequence) return { ...previous };
      updated = true;
      return {
        ...previous,
        spec: plan.spec,
        action,
        policies: { ...previous.policies, ...policies },
        state: { ...previous.state, note },
      };
    });
    if (updated) this.deps.log.log({ scheduleId: id, definition, msg: 'schedule updated' });
    return id;
  }

  private async deleteSchedule(namespace: string, name: string): Promise<void> {
    const id = scheduleId(namespace, name);
    try {
      await this.deps.client.schedule.getHandle(id).delete();
      this.deps.log.log({ scheduleId: id, msg: 'schedule deleted' });
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }

  private async startAfterLoop(namespace: string, name: string): Promise<string> {
    const workflowId = afterLoopId(namespace, name);
    const args: [AfterLoopArgs] = [{ namespace, name }];
    // A running loop picks up the latest version at its next run by itself.
    await this.deps.client.workflow.start(AFTER_LOOP_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: this.deps.taskQueue,
      args,
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return workflowId;
  }

  /** Cancelling ends the loop during its wait; a run it already started finishes. */
  private async stopAfterLoop(namespace: string, name: string): Promise<void> {
    const workflowId = afterLoopId(namespace, name);
    try {
      const handle = this.deps.client.workflow.getHandle(workflowId);
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return;
      await handle.cancel();
      this.deps.log.log({ workflowId, msg: 'schedule.after loop cancelled' });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
}

function noteSequence(note: string | undefined): number {
  const match = note?.startsWith(NOTE_PREFIX) ? /^\d+/.exec(note.slice(NOTE_PREFIX.length)) : null;
  return match ? Number(match[0]) : -1;
}
