/**
 * Task kind → executor: the registry of task types. Each kind lives in its own file; an executor gets the
 * task being run and its definition, narrowed to its kind.
 */
import type { TaskByKind, TaskKind } from '../../../zigflow/dsl/model';
import type { NamedTaskOf } from '../../../zigflow/dsl/tasks';
import type { MaybePromise, TaskCall, TaskResult } from '../interpreter/run-state';
import { runCall } from './call';
import { runDo } from './do';
import { runEmit } from './emit';
import { runFor } from './for';
import { runFork } from './fork';
import { runListen } from './listen';
import { runRaise } from './raise';
import { runRun } from './run';
import { runSet } from './set';
import { runSwitch } from './switch';
import { runTry } from './try';
import { runWait } from './wait';

export type Executor<K extends TaskKind> = (call: TaskCall, task: TaskByKind[K]) => MaybePromise<TaskResult>;

const EXECUTORS: { readonly [K in TaskKind]: Executor<K> } = {
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

/** Runs `named` with its kind's executor (`call` is the task as the interpreter prepared it). */
export function execute<K extends TaskKind>(named: NamedTaskOf<K>, call: TaskCall): MaybePromise<TaskResult> {
  return EXECUTORS[named.kind](call, named.task);
}
