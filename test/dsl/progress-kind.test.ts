import { startTestRunner, type TestRunner } from '../support/runner-harness';
import type { WorkflowProgressEvent } from '../../src/temporal/contract';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(async () => runner?.shutdown());

/** `eventType taskName kind` per task event, in sequence order. */
function taskEvents(events: WorkflowProgressEvent[]): string[] {
  return [...events]
    .sort((a, b) => a.sequence - b.sequence)
    .filter((e) => e.taskName !== undefined)
    .map((e) => `${e.eventType} ${e.taskName} ${e.taskKind ?? '-'}`);
}

describe('progress events carry the DSL task kind', () => {
  it('names the kind on started, completed and skipped events of nested tasks', async () => {
    const { result, events } = await runner.run(
      workflow(
        'kinds',
        `
do:
  - init:
      set: { items: [1, 2] }
  - skipped:
      if: \${ false }
      set: { never: true }
  - loop:
      for: { each: item, in: .items }
      do:
        - inner:
            set:
              last: \${ $item }
`,
      ),
    );
    expect(result).toMatchObject({ status: 'completed' });
    expect(taskEvents(events)).toEqual([
      'task_started init set',
      'task_completed init set',
      'task_skipped skipped set',
      'task_started loop for',
      'task_started inner set',
      'task_completed inner set',
      'task_started inner set',
      'task_completed inner set',
      'task_completed loop for',
    ]);
    const workflowEvents = events.filter((e) => e.eventType.startsWith('workflow_'));
    expect(workflowEvents.every((e) => e.taskKind === undefined)).toBe(true);
  });

  it('names the kind on failed and retrying events', async () => {
    const { result, events } = await runner.run(
      workflow(
        'kinds-fail',
        `
do:
  - guarded:
      try:
        - boom:
            raise:
              error:
                type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime
                status: 500
      catch:
        retry:
          delay: { milliseconds: 1 }
          limit: { attempt: { count: 2 } }
`,
      ),
    );
    expect(result.status).toBe('faulted');
    const failedOrRetrying = taskEvents(events).filter((line) => !line.startsWith('task_started'));
    // Two retries after the first attempt, then the try task itself fails.
    expect(failedOrRetrying).toEqual([
      'task_failed boom raise',
      'task_retrying guarded try',
      'task_failed boom raise',
      'task_retrying guarded try',
      'task_failed boom raise',
      'task_failed guarded try',
    ]);
  });
});
