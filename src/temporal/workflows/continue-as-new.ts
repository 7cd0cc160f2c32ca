/**
 * Continue-as-new at task boundaries of the top-level `do` and between iterations of a top-level `for`:
 * the next run receives a {@link ResumeState} and resumes at the same task with the same data, context,
 * task records and event sequence, so finished work is never re-run and sequence numbers never repeat.
 */
import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { ResumeState, RunState } from './state';

export function shouldContinueAsNew(rs: RunState): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= rs.continueAsNewAfterEvents;
}

/** A top-level `for` task's pointer looks like `/do/3/name` (one list level below the document). */
export function isTopLevelTask(position: string): boolean {
  return /^\/do\/\d+\/[^/]+$/.test(position);
}

export async function continueAsNewAt(
  rs: RunState,
  at: { topIndex: number; data: unknown; forLoop?: ResumeState['forLoop'] },
): Promise<never> {
  const state: ResumeState = {
    topIndex: at.topIndex,
    data: at.data,
    context: rs.context,
    workflowInput: rs.workflowInput,
    startedAt: rs.startedAt,
    lastSequence: rs.progress.sequence,
    // Records of tasks still running are added again when the next run re-enters them.
    tasks: rs.tasks.filter((t) => t.status !== 'running'),
    pendingEvents: rs.pendingEvents,
    paused: rs.paused,
  };
  if (at.forLoop) state.forLoop = at.forLoop;
  return continueAsNew(rs.originalInput, state);
}

/** Index of the top-level task a pointer belongs to. */
export function topIndexOf(position: string): number {
  return Number(position.split('/')[2]);
}
