/**
 * `deliveryLedger`: the durable record of what each runner replica has not yet delivered to the Stigmer
 * Service. One execution per task queue (id deliveryLedgerId(queue)); replicas send checkpoints as Updates
 * (every couple of seconds, only when something changed, plus a heartbeat), read marks through queries.
 * The bookkeeping is DeliveryBook; this file only binds it to Temporal and continues-as-new when the
 * history grows, carrying the book in one bounded payload (see LEDGER_MAX_MARK_CHARS).
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  LEDGER_MAX_ENTRIES_PER_CHECKPOINT,
  QUERY_MARKS,
  QUERY_SUMMARY,
  SIGNAL_LEAVE,
  UPDATE_CHECKPOINT,
  type CheckpointRequest,
  type CheckpointResponse,
  type LedgerState,
  type LedgerSummary,
} from '../delivery-ledger.contract';
import { DeliveryBook } from './delivery-ledger.book';

export const checkpointUpdate = defineUpdate<CheckpointResponse, [CheckpointRequest]>(UPDATE_CHECKPOINT);
export const leaveSignal = defineSignal<[CheckpointRequest]>(SIGNAL_LEAVE);
export const marksQuery = defineQuery<Array<[string, number]>, [string[]]>(QUERY_MARKS);
export const summaryQuery = defineQuery<LedgerSummary>(QUERY_SUMMARY);

/** Checkpoints per run before continue-as-new (each adds about five history events). */
const CHECKPOINTS_PER_RUN = 500;
/** Workflow ids per marks query. */
const MAX_MARK_IDS = 1000;

export async function deliveryLedger(state?: LedgerState): Promise<void> {
  const book = new DeliveryBook(state);
  let checkpoints = 0;
  setHandler(
    checkpointUpdate,
    (request) => {
      checkpoints += 1;
      // Workflow time: the same for every replay, and one clock for every replica's heartbeat.
      return book.checkpoint(request, Date.now());
    },
    { validator: checkRequest },
  );
  setHandler(leaveSignal, (request) => {
    checkpoints += 1;
    // A signal has no validator: a malformed one is dropped here, before it can touch the book.
    if (!isValid(request)) return;
    book.checkpoint({ ...request, leaving: true }, Date.now());
  });
  setHandler(marksQuery, (ids) => book.marksOf(Array.isArray(ids) ? ids.slice(0, MAX_MARK_IDS) : []));
  setHandler(summaryQuery, () => book.summary());
  await condition(() => checkpoints >= CHECKPOINTS_PER_RUN || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof deliveryLedger>(book.snapshot());
}

function isValid(request: CheckpointRequest): boolean {
  try {
    checkRequest(request);
    return true;
  } catch {
    return false;
  }
}

/** Shape checks only; a refused update leaves no trace in history. */
function checkRequest(request: CheckpointRequest): void {
  if (!request || typeof request !== 'object') throw new Error('a checkpoint request is required');
  if (typeof request.replica !== 'string' || request.replica === '') throw new Error('replica: is required');
  if (!Number.isFinite(request.deadAfterMs) || request.deadAfterMs <= 0)
    throw new Error('deadAfterMs: must be a positive number');
  for (const field of ['entries', 'done', 'released', 'recovering'] as const) {
    if (!Array.isArray(request[field])) throw new Error(`${field}: must be an array`);
  }
  if (request.entries.length + request.done.length > LEDGER_MAX_ENTRIES_PER_CHECKPOINT)
    throw new Error(`entries: at most ${LEDGER_MAX_ENTRIES_PER_CHECKPOINT} per checkpoint`);
  for (const entry of request.entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Number.isInteger(entry[1]) || entry[1] < 0)
      throw new Error('entries: each entry is [workflowId, acked, pending]');
  }
}
