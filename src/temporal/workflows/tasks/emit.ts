/**
 * `emit`: builds the CloudEvent here (id from the workflow's seeded uuid, time from workflow time, so replay
 * builds the same event), hands it to the `emitEvent` activity for the configured sink, reports it on the
 * progress stream and outputs it.
 */
import { uuid4 } from '@temporalio/workflow';
import { dslError, WorkflowFault } from '../../../zigflow/dsl/errors';
import { callActivity } from '../interpreter/activity-calls';
import { summarize } from '../interpreter/progress';
import { taskVariables, type TaskCall, type TaskResult } from '../interpreter/run-state';

export async function runEmit(call: TaskCall): Promise<TaskResult> {
  const template = call.task.emit?.event?.with ?? {};
  const attributes = call.rs.evaluator.evaluateTemplate(template, call.input, taskVariables(call), {
    instance: call.position,
  }) as Record<string, unknown>;
  if (typeof attributes.source !== 'string' || typeof attributes.type !== 'string') {
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
  await callActivity(
    call.rs,
    'emitEvent',
    { position: call.position, event },
    `${call.position} emit ${attributes.type}`,
  );
  call.rs.progress.emit('event_emitted', {
    taskName: call.name,
    taskPosition: call.position,
    taskKind: 'emit',
    message: String(attributes.type),
    outputSummary: summarize(event),
  });
  return { output: event };
}
