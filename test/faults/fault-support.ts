/**
 * Shared pieces of the fault tests: a durable reference workflow (timers and pure data only, so a lost
 * worker costs at most a workflow-task timeout), its expected output, and the progress log of a run read
 * back through the `events` query, checked for gaps.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  QUERY_EVENTS,
  WORKFLOW_TYPE,
  type EventsPage,
  type WorkflowExecuteInput,
  type WorkflowProgressEvent,
} from '../../src/temporal/contract';

export const DURABLE_YAML = `document:
  dsl: '1.0.0'
  namespace: faults
  name: durable
  version: '1.0.0'
do:
  - init:
      set:
        n: \${ .n }
        acc: []
  - loop:
      for:
        each: i
        in: \${ [range(0; 4)] }
      do:
        - pause:
            wait:
              milliseconds: 250
        - step:
            set:
              n: \${ .n }
              acc: \${ .acc + [.n * 10 + $i] }
  - done:
      set:
        n: \${ .n }
        total: \${ .acc | add }
        acc: \${ .acc }
`;

/** What an undisturbed run of DURABLE_YAML returns for input `{ n }`. */
export function durableOutput(n: number): Record<string, unknown> {
  const acc = [0, 1, 2, 3].map((i) => n * 10 + i);
  return { n, total: acc.reduce((a, b) => a + b, 0), acc };
}

export function startDurable(client: Client, taskQueue: string, executionId: string, n: number): Promise<WorkflowHandle> {
  const input: WorkflowExecuteInput = { executionId, workflowYaml: DURABLE_YAML, input: { n } };
  return client.workflow.start(WORKFLOW_TYPE, { taskQueue, workflowId: executionId, args: [input] });
}

/** Every event the run holds, read page by page through the `events` query. */
export async function queryAllEvents(handle: WorkflowHandle): Promise<WorkflowProgressEvent[]> {
  const events: WorkflowProgressEvent[] = [];
  let fromSequence = 1;
  for (;;) {
    const page = await handle.query<EventsPage, [{ fromSequence: number; limit: number }]>(QUERY_EVENTS, { fromSequence, limit: 200 });
    events.push(...page.events);
    if (!page.hasMore || page.events.length === 0) return events;
    fromSequence = page.events[page.events.length - 1].sequence + 1;
  }
}

/** Sequence numbers 1..n with no gap and no duplicate; returns a description of the first defect. */
export function sequenceDefect(events: WorkflowProgressEvent[]): string | undefined {
  for (let i = 0; i < events.length; i++) {
    if (events[i].sequence !== i + 1) return `event #${i} has sequence ${events[i].sequence}, expected ${i + 1}`;
  }
  return undefined;
}

/** Polls until `predicate` holds (bounded; no fixed sleeps). */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
