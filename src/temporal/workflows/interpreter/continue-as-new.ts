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
import type { RecoveryPoint, TaskRecord } from '../../contract';
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
  const state = snapshot(rs, (t) => t.status !== 'running');
  // A loop that hands over is still the same stretch without a durable wait (run-guard.ts); a recovered
  // run (recoveryPoint) starts afresh instead.
  if (rs.tasksWithoutWait > 0) state.tasksWithoutWait = rs.tasksWithoutWait;
  return continueAsNew(rs.originalInput, state);
}

/** Where every running resumable level stands now, and the run state that goes with it. */
function snapshot(rs: RunState, keepTask: (t: TaskRecord) => boolean): ResumeState {
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
    tasks: rs.tasks.filter(keepTask),
    pendingEvents: rs.pendingEvents,
    paused: rs.paused,
  };
  if (rs.recoveredFrom) state.recoveredFrom = rs.recoveredFrom;
  return state;
}

/**
 * What `recover` needs to start this execution again where it stopped (the `recovery` query, answered by
 * replay on a failed or terminated run). The resumable levels that were running when the run failed still
 * hold their cursors (a fault unwinds without leaving them), so the new run re-enters each at the task that
 * failed or was interrupted, with that task's input and the context of the moment: finished tasks are not run
 * again. Inside `try`, `fork` and the like, the enclosing resumable task starts over (see the header).
 * Undefined when the run stopped before its first task (nothing to resume: execute again).
 */
export function recoveryPoint(rs: RunState): RecoveryPoint | undefined {
  if (rs.workflowInput === undefined || rs.liveCursors.size === 0) return undefined;
  const positions = [...rs.liveCursors.keys()];
  // Failed, cancelled and running records of the levels that run again are replaced when they do.
  const rerun = (t: TaskRecord) => t.status !== 'completed' && t.status !== 'skipped';
  const resume = snapshot(rs, (t) => !(rerun(t) && positions.some((p) => t.position.startsWith(p))));
  const innermost = resume.cursors?.at(-1);
  return { input: rs.originalInput, resume, taskPosition: innermost ? resumedTask(rs, innermost) : undefined };
}

/** The pointer of the task a cursor resumes at (the list's task at its index, or the `for` task itself). */
function resumedTask(rs: RunState, cursor: ResumeCursor): string | undefined {
  const record = [...rs.tasks].reverse().find((t) => t.position.startsWith(`${cursor.position}/${cursor.index}/`));
  return record?.position ?? cursor.position;
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
