import {
  asErrorData,
  canonicalErrorTypesIn,
  dslError,
  errorTypeUri,
  normalizeErrorType,
  sameErrorType,
  withInstance,
  WorkflowFault,
  isWorkflowFault,
} from './errors';

describe('workflow errors', () => {
  it('builds standard errors with the spec type URI and default status', () => {
    expect(dslError('timeout', 'too slow', { instance: '/do/0/x' })).toEqual({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout',
      status: 408,
      title: 'Timeout Error',
      detail: 'too slow',
      instance: '/do/0/x',
    });
    expect(dslError('authentication', 'x').status).toBe(401);
  });

  it('matches the legacy .../dsl/errors/types/... URIs to the 1.0.0 ones', () => {
    expect(normalizeErrorType('https://serverlessworkflow.io/dsl/errors/types/communication')).toBe(
      errorTypeUri('communication'),
    );
    expect(sameErrorType('https://serverlessworkflow.io/dsl/errors/types/runtime', errorTypeUri('runtime'))).toBe(true);
    expect(sameErrorType('https://serverlessworkflow.io/dsl/errors/types/runtime', errorTypeUri('timeout'))).toBe(
      false,
    );
    expect(sameErrorType('https://example.com/custom', 'https://example.com/custom')).toBe(true);
  });

  it('matches the standard types of the renamed specification, in both forms, to the ones raised', () => {
    for (const spelling of [
      'https://open-workflow-specification.org/spec/1.0.0/errors/communication',
      'https://open-workflow-specification.org/dsl/errors/types/communication',
      'https://serverlessworkflow.io/dsl/errors/types/communication',
      'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
    ]) {
      expect(normalizeErrorType(spelling)).toBe('https://serverlessworkflow.io/spec/1.0.0/errors/communication');
      expect(sameErrorType(spelling, errorTypeUri('communication'))).toBe(true);
      expect(sameErrorType(spelling, errorTypeUri('runtime'))).toBe(false);
    }
    expect(
      sameErrorType(
        'https://open-workflow-specification.org/spec/1.0.0/errors/timeout',
        'https://serverlessworkflow.io/dsl/errors/types/timeout',
      ),
    ).toBe(true);
    // Custom types on either domain are not standard types: compared as written.
    expect(
      sameErrorType(
        'https://open-workflow-specification.org/errors/types/compliance',
        'https://serverlessworkflow.io/errors/types/compliance',
      ),
    ).toBe(false);
  });

  it('rewrites standard types inside expression text to the raised form, and nothing else', () => {
    expect(
      canonicalErrorTypesIn(
        '${ $error.type == "https://open-workflow-specification.org/spec/1.0.0/errors/timeout" or .x == "https://open-workflow-specification.org/dsl/errors/types/runtime" }',
      ),
    ).toBe(
      '${ $error.type == "https://serverlessworkflow.io/spec/1.0.0/errors/timeout" or .x == "https://serverlessworkflow.io/spec/1.0.0/errors/runtime" }',
    );
    const untouched = '${ $error.type == "https://open-workflow-specification.org/errors/types/compliance" }';
    expect(canonicalErrorTypesIn(untouched)).toBe(untouched);
    // A longer word is not a standard kind.
    const longer = '"https://open-workflow-specification.org/spec/1.0.0/errors/runtime-extra"';
    expect(canonicalErrorTypesIn(longer)).toBe(longer);
  });

  it('keeps the innermost instance', () => {
    const inner = dslError('runtime', 'x', { instance: '/do/0/a/do/1/b' });
    expect(withInstance(inner, '/do/0/a').instance).toBe('/do/0/a/do/1/b');
    expect(withInstance(dslError('runtime', 'x'), '/do/0/a').instance).toBe('/do/0/a');
  });

  it('recognises faults and problem-details data', () => {
    expect(isWorkflowFault(new WorkflowFault(dslError('runtime', 'x')))).toBe(true);
    expect(isWorkflowFault(new Error('x'))).toBe(false);
    expect(asErrorData({ type: 't', status: 400, title: 'T', extra: 1 })).toEqual({
      type: 't',
      status: 400,
      title: 'T',
    });
    expect(asErrorData({ type: 't' })).toBeUndefined();
  });
});
