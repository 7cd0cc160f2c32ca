import type { RunReport } from '../temporal/run-outcome';
import { checkExpectations } from './expectations';

const completed: RunReport = {
  status: 'completed',
  output: { total: 130, items: [{ sku: 'a' }] },
  error: null,
  tasks: [
    { name: 'price', position: '/do/0/price', status: 'completed' },
    { name: 'express', position: '/do/1/express', status: 'skipped' },
  ],
};
const faulted: RunReport = {
  status: 'faulted',
  output: null,
  error: {
    type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
    status: 503,
    title: 'HTTP 503',
    detail: 'busy',
    instance: '/do/2/reserve',
  },
  tasks: [{ name: 'reserve', position: '/do/2/reserve', status: 'failed' }],
};

describe('checkExpectations', () => {
  it('expects a completed run unless an error is expected', () => {
    expect(checkExpectations({}, completed)).toEqual([]);
    expect(checkExpectations({}, faulted)).toEqual([
      'expected the run to be completed, it was faulted: HTTP 503 (busy) at /do/2/reserve',
    ]);
    expect(checkExpectations({ error: { status: 503 } }, completed)).toEqual([
      'expected the run to be faulted, it was completed',
    ]);
  });

  it('compares output exactly or as a subset', () => {
    expect(checkExpectations({ output: { value: { total: 130 } } }, completed)).toEqual([
      'output: /items: not expected ([{"sku":"a"}])',
    ]);
    expect(checkExpectations({ outputIncludes: { value: { total: 130 } } }, completed)).toEqual([]);
    expect(checkExpectations({ outputIncludes: { value: { items: [{ sku: 'b' }] } } }, completed)).toEqual([
      'output: /items/0/sku: expected "b", got "a"',
    ]);
  });

  it('matches error fields as a subset, the type by kind or by URI', () => {
    expect(checkExpectations({ error: { type: 'communication', status: 503 } }, faulted)).toEqual([]);
    expect(checkExpectations({ error: { type: faulted.error!.type, instance: '/do/2/reserve' } }, faulted)).toEqual([]);
    expect(checkExpectations({ error: { type: 'timeout', status: 500 } }, faulted)).toEqual([
      `error /type: expected kind timeout, got ${faulted.error!.type}`,
      'error /status: expected 500, got 503',
    ]);
  });

  it('checks task statuses by position or name, and tasks that must not run', () => {
    expect(checkExpectations({ tasks: { completed: ['/do/0/price'], skipped: ['express'] } }, completed)).toEqual([]);
    expect(
      checkExpectations({ tasks: { completed: ['express', 'ship'], notRun: ['price'], failed: [] } }, completed),
    ).toEqual([
      'task express: expected completed, it was skipped',
      'task ship: expected completed, it never ran',
      'task price: expected not to run, it was completed',
    ]);
  });
});
