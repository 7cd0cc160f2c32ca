import { startTestRunner, waitFor, type TestRunner } from '../support/runner-harness';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner();
});
afterAll(async () => runner?.shutdown());

const ev = (id: string, type: string, data: Record<string, unknown>) => ({
  specversion: '1.0',
  id,
  source: 'test',
  type,
  data,
});

describe('listen correlate', () => {
  it('binds the key on the first correlated event and accepts only matching ones, in arrival order', async () => {
    const handle = await runner.start(
      workflow(
        'correlate-bind',
        `
do:
  - pair:
      listen:
        to:
          all:
            - with: { type: com.example.order }
              correlate:
                orderId: { from: .data.orderId }
            - with: { type: com.example.payment }
              correlate:
                orderId: { from: .data.orderId }
        read: envelope
      output:
        as: 'map(.id)'
`,
      ),
    );
    await waitFor(() =>
      runner.events(handle.workflowId).some((e) => e.taskName === 'pair' && e.eventType === 'task_started'),
    );
    await handle.signal('event', ev('order-1', 'com.example.order', { orderId: 'A' }));
    await handle.signal('event', ev('pay-B', 'com.example.payment', { orderId: 'B' }));
    await handle.signal('event', ev('pay-A', 'com.example.payment', { orderId: 'A' }));
    const { result } = await runner.outcome(handle);
    expect(result).toMatchObject({ status: 'completed', output: ['order-1', 'pay-A'] });
  });

  it('accepts only events whose key equals expect (an expression over the task input)', async () => {
    const handle = await runner.start(
      workflow(
        'correlate-expect',
        `
do:
  - wanted:
      listen:
        to:
          one:
            with: { type: com.example.order }
            correlate:
              customer: { from: '\${ .data.customer }', expect: '\${ .customer }' }
`,
      ),
      { customer: 'c2' },
    );
    await waitFor(() =>
      runner.events(handle.workflowId).some((e) => e.taskName === 'wanted' && e.eventType === 'task_started'),
    );
    await handle.signal('event', ev('o1', 'com.example.order', { customer: 'c1', n: 1 }));
    await handle.signal('event', ev('o2', 'com.example.order', { customer: 'c2', n: 2 }));
    const { result } = await runner.outcome(handle);
    expect(result).toMatchObject({ status: 'completed', output: [{ customer: 'c2', n: 2 }] });
  });

  it('faults with an expression error when from does not evaluate', async () => {
    const handle = await runner.start(
      workflow(
        'correlate-bad',
        `
do:
  - broken:
      listen:
        to:
          one:
            with: { type: com.example.any }
            correlate:
              k: { from: '.data | error("no key")' }
`,
      ),
    );
    await waitFor(() =>
      runner.events(handle.workflowId).some((e) => e.taskName === 'broken' && e.eventType === 'task_started'),
    );
    await handle.signal('event', ev('x', 'com.example.any', { a: 1 }));
    const { result } = await runner.outcome(handle);
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ instance: '/do/0/broken' });
  });
});
