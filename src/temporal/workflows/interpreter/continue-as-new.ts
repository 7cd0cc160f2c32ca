/**
 * Continue-as-new at task boundaries of resumable lists and between iterations of resumable `for` loops.
 * A list is resumable when every level above it is a `do` or `for` task (pointer `/do`, `/do/3/a/do`,
 * `/do/3/a/do/0/b/do`, ...): its position can be rebuilt by re-entering those tasks. Inside `try`, `fork`,
 * `catch`, `listen` and the like the interpreter never hands over (their state is not a cursor).
 * The next run receives a {@link ResumeState} with a cursor per running level and resumes at the same task
 * with the same data, context, task records and event sequence, so finished work is never re-run and
 * sequence numbers never repeat.
 */
import { continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import type { ResumeCursor, ResumeState, RunState } from './run-state';

/** Runs recorded before nested hand-over existed kept going where new code would now continue-as-new. */
const NESTED_CONTINUE_AS_NEW_PATCH = 'nested-continue-as-new';
const RESUMABLE_LIST = /^\/do(\/\d+\/[^/]+\/do)*$/;

export function isResumableList(listPointer: string): boolean {
  return RESUMABLE_LIST.test(listPointer);
}

/** Whether to hand over now, at a boundary of the resumable list or loop at `position`. */
export function shouldContinueAsNew(rs: RunState, position: string): boolean {
  const info = workflowInfo();
  if (!info.continueAsNewSuggested && info.historyLength < rs.continueAsNewAfterEvents) return false;
  // The top-level list and its `for` loops always handed over; deeper levels do from this patch on.
  return position === '/do' || /^\/do\/\d+\/[^/]+$/.test(position) || patched(NESTED_CONTINUE_AS_NEW_PATCH);
}

/** Registers a running resumable list or loop; returns the cursor a continued run left for it, if any. */
export function enterResumable(
  rs: RunState,
  position: string,
  live: { index: number; data: unknown },
): ResumeCursor | undefined {
  rs.liveCursors.set(position, live);
  const cursor = rs.resumeCursors.get(position);
  if (cursor) rs.resumeCursors.delete(position);
  return cursor;
}

export function leaveResumable(rs: RunState, position: string): void {
  rs.liveCursors.delete(position);
}

export async function continueAsNewNow(rs: RunState): Promise<never> {
  // Map iteration is insertion order: outermost first, as the levels were entered.
  const cursors: ResumeCursor[] = [];
  for (const [position, live] of rs.liveCursors) cursors.push({ position, index: live.index, data: live.data });
  const state: ResumeState = {
    cursors,
    context: rs.context,
    workflowInput: rs.workflowInput,
    startedAt: rs.startedAt,
    lastSequence: rs.progress.sequence,
    // Records of tasks still running are added again when the next run re-enters them.
    tasks: rs.tasks.filter((t) => t.status !== 'running'),
    pendingEvents: rs.pendingEvents,
    paused: rs.paused,
  };
  return continueAsNew(rs.originalInput, state);
}

/** The cursors of a resume state, by position (the earlier top-level form included). */
export function resumeCursors(resume: ResumeState | undefined): Map<string, ResumeCursor> {
  const map = new Map<string, ResumeCursor>();
  if (!resume) return map;
  if (resume.cursors) {
    for (const cursor of resume.cursors) map.set(cursor.position, cursor);
    return map;
  }
  map.set('/do', { position: '/do', index: resume.topIndex ?? 0, data: resume.data });
  if (resume.forLoop) map.set(resume.forLoop.position, { ...resume.forLoop });
  return map;
}
