/**
 * Every progress event of an execution, read through Temporal: the `events` query of the latest run, then
 * of the runs before it (continue-as-new starts a new run holding only later events). The query is
 * answered by a runner worker on the run's task queue (by replay once the run is closed).
 */
import type { Client } from '@temporalio/client';
import { QUERY_EVENTS, type EventsPage, type WorkflowProgressEvent } from './contract';

/** How far back through continue-as-new runs a reader walks. */
export const MAX_RUNS_WALKED = 50;
const PAGE = 1000;

/** Run ids of the execution's earlier runs, newest first (the latest run excluded). */
export async function earlierRunIds(client: Client, executionId: string): Promise<string[]> {
  const runs: Array<{ runId: string; start: number }> = [];
  // Escaped: execution ids from the API exclude quotes, but the delivery reads workflow ids Temporal gave it.
  const quoted = executionId.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  for await (const info of client.workflow.list({ query: `WorkflowId = '${quoted}'` })) {
    runs.push({ runId: info.runId, start: info.startTime.getTime() });
    if (runs.length > MAX_RUNS_WALKED) break;
  }
  return runs
    .sort((a, b) => b.start - a.start)
    .slice(1)
    .map((r) => r.runId);
}

async function pagesOf(
  client: Client,
  executionId: string,
  runId?: string,
): Promise<EventsPage & { all: WorkflowProgressEvent[] }> {
  const handle = client.workflow.getHandle(executionId, runId);
  const all: WorkflowProgressEvent[] = [];
  let from = 1;
  for (;;) {
    const page = await handle.query<EventsPage, [{ fromSequence: number; limit: number }]>(QUERY_EVENTS, {
      fromSequence: from,
      limit: PAGE,
    });
    all.push(...page.events);
    if (!page.hasMore || page.events.length === 0) return { ...page, all };
    from = page.events[page.events.length - 1].sequence + 1;
  }
}

/** All events the execution's runs still hold, in sequence order. */
export async function readExecutionEvents(client: Client, executionId: string): Promise<WorkflowProgressEvent[]> {
  const latest = await pagesOf(client, executionId);
  const events = [...latest.all];
  if (latest.firstSequence > 1) {
    for (const runId of await earlierRunIds(client, executionId)) {
      const earlier = await pagesOf(client, executionId, runId);
      events.unshift(...earlier.all.filter((e) => e.sequence < (events[0]?.sequence ?? Infinity)));
      if (earlier.firstSequence <= 1) break;
    }
  }
  return events;
}

export type TaskStatus = 'completed' | 'failed' | 'skipped' | 'running' | 'cancelled';

const STATUS_OF: Partial<Record<WorkflowProgressEvent['eventType'], TaskStatus>> = {
  task_started: 'running',
  task_retrying: 'running',
  task_completed: 'completed',
  task_failed: 'failed',
  task_skipped: 'skipped',
};

/**
 * Each task position's status after the events: the last task event wins (a loop's tasks show their
 * latest iteration); tasks still running when the run was cancelled are `cancelled`.
 */
export function taskStatuses(events: readonly WorkflowProgressEvent[]): Map<string, TaskStatus> {
  const statuses = new Map<string, TaskStatus>();
  let cancelled = false;
  for (const e of events) {
    if (e.eventType === 'workflow_cancelled') cancelled = true;
    const status = STATUS_OF[e.eventType];
    if (status && e.taskPosition) statuses.set(e.taskPosition, status);
  }
  if (cancelled) for (const [position, s] of statuses) if (s === 'running') statuses.set(position, 'cancelled');
  return statuses;
}
