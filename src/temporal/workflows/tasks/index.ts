/** Task kind → executor. Each kind lives in its own file. */
import type { TaskKind } from '../../../zigflow/dsl/tasks';
import { runCall } from './call';
import { runDo } from './do';
import { runEmit } from './emit';
import { runFor } from './for';
import { runFork } from './fork';
import { runListen } from './listen';
import { runRaise } from './raise';
import { runRun } from './run';
import { runSet } from './set';
import type { MaybePromise, TaskCall, TaskResult } from '../interpreter/run-state';
import { runSwitch } from './switch';
import { runTry } from './try';
import { runWait } from './wait';

export const EXECUTORS: Record<TaskKind, (call: TaskCall) => MaybePromise<TaskResult>> = {
  call: runCall,
  do: runDo,
  emit: runEmit,
  for: runFor,
  fork: runFork,
  listen: runListen,
  raise: runRaise,
  run: runRun,
  set: runSet,
  switch: runSwitch,
  try: runTry,
  wait: runWait,
};
