import { buildRunnerConfig } from '../config/runner-config';
import { SLICE_UNITS_PER_MS } from '../temporal/contract';
import { runLimitsOf } from './run-start';

describe('the run limits a starter puts in every start input', () => {
  it('carry WORKFLOW_LOCAL_CALLS only when it is on, so other runners start runs as before', () => {
    const off = runLimitsOf(buildRunnerConfig({ TEMPORAL_SERVICE_ADDRESS: 'localhost:7233' }).runtime);
    expect(off).toEqual({ maxTasksWithoutWait: 1_000_000, sliceUnits: 1_000 * SLICE_UNITS_PER_MS });
    expect('localCalls' in off).toBe(false);
    const on = runLimitsOf(
      buildRunnerConfig({
        TEMPORAL_SERVICE_ADDRESS: 'localhost:7233',
        WORKFLOW_LOCAL_CALLS: 'true',
        WORKFLOW_SLICE: '200ms',
      }).runtime,
    );
    expect(on).toEqual({ maxTasksWithoutWait: 1_000_000, sliceUnits: 200 * SLICE_UNITS_PER_MS, localCalls: true });
  });
});
