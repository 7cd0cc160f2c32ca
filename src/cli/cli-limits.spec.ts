import { cliRunLimits } from './cli-limits';
import { CliError, EXIT } from './exit-codes';

describe('cliRunLimits (WORKFLOW_LOCAL_CALLS for run and test)', () => {
  it("is on for the service's true spellings, absent otherwise", () => {
    for (const text of ['true', 'TRUE', '1', 'yes', 'on'])
      expect(cliRunLimits({ WORKFLOW_LOCAL_CALLS: text })).toEqual({ localCalls: true });
    for (const text of ['false', '0', 'no', 'off', '', undefined])
      expect(cliRunLimits({ WORKFLOW_LOCAL_CALLS: text })).toBeUndefined();
    expect(cliRunLimits({})).toBeUndefined();
  });

  it('refuses any other value as a usage error naming the variable and the value', () => {
    let thrown: unknown;
    try {
      cliRunLimits({ WORKFLOW_LOCAL_CALLS: 'sometimes' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).exitCode).toBe(EXIT.USAGE);
    expect((thrown as CliError).message).toBe('WORKFLOW_LOCAL_CALLS must be true or false, got "sometimes"');
  });
});
