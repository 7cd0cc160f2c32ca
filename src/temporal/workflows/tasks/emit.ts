/**
 * `emit`: builds the CloudEvent here (id from the workflow's seeded uuid, time from workflow time, so replay
 * builds the same event), hands it to the `emitEvent` activity for the configured sink, reports it on the
 * progress stream and outputs it.
 */
import { uuid4 } from '@temporalio/workflow';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import { isJsonObject, type EmitTask } from '../../../zigflow/dsl/model';
import { summarize } from '../interpreter/progress';
import { activity, runSteps, type Steps } from '../interpreter/steps';
import { taskVariables, type MaybePromise, type TaskCall, type TaskResult } from '../interpreter/run-state';

export function runEmit(call: TaskCall, task: EmitTask): MaybePromise<TaskResult> {
  return runSteps(call.rs, emitSteps(call, task));
}

function* emitSteps(call: TaskCall, task: EmitTask): Steps<TaskResult> {
  const template = task.emit?.event?.with ?? {};
  const attributes = call.rs.evaluator.evaluateTemplate(template, call.input, taskVariables(call), {
    instance: call.position,
  });
  if (!isJsonObject(attributes) || typeof attributes.source !== 'string' || typeof attributes.type !== 'string') {
    throw new WorkflowFault(
      dslError('validation', 'an emitted event needs a source and a type', { instance: call.position }),
    );
  }
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id: uuid4(),
    time: new Date().toISOString(),
    ...attributes,
  };
  if (event.data !== undefined && event.datacontenttype === undefined) event.datacontenttype = 'application/json';
  yield activity(call.rs, 'emitEvent', { position: call.position, event }, `${call.position} emit ${attributes.type}`);
  call.rs.progress.emit('event_emitted', {
    taskName: call.name,
    taskPosition: call.position,
    taskKind: 'emit',
    message: String(attributes.type),
    outputSummary: summarize(event),
  });
  return { output: event };
}
