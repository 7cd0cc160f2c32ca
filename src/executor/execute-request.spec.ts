import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { openSealed } from '../secrets/sealing';
import type { WorkflowExecuteInput } from '../generated/ai/stigmer/workflow/runner/v1/io';
import { parseCloudEvent, parseExecuteInput, parseExecutionId, parsePage } from './execute-request';
import { ApiError } from './rpc-errors';

const key = randomBytes(32);
const limits = { maxWorkflowBytes: 1000, secretsKey: key };
const wire = (extra: Partial<WorkflowExecuteInput> = {}): WorkflowExecuteInput => ({
  executionId: 'exec-1',
  workflowYaml: 'document: {}',
  inputJson: '',
  environment: [],
  metadata: {},
  ...extra,
});

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('parseExecuteInput', () => {
  it('keeps a minimal request minimal', () => {
    expect(parseExecuteInput(wire(), limits)).toEqual({ executionId: 'exec-1', workflowYaml: 'document: {}' });
  });

  it('takes the input from a Struct or from JSON text', () => {
    expect(parseExecuteInput(wire({ input: { a: 1 } }), limits).input).toEqual({ a: 1 });
    expect(parseExecuteInput(wire({ inputJson: '{"b":[1,2]}' }), limits).input).toEqual({ b: [1, 2] });
  });

  it('seals secret entries and keeps clear ones as they are', () => {
    const parsed = parseExecuteInput(
      wire({
        environment: [
          { name: 'TOKEN', value: 'hunter2', secret: true },
          { name: 'REGION', value: 'eu', secret: false },
        ],
      }),
      limits,
    );
    expect(parsed.environment?.[1]).toEqual({ name: 'REGION', value: 'eu' });
    const sealed = parsed.environment?.[0];
    expect(sealed).toEqual({ name: 'TOKEN', secret: true, sealed: expect.stringMatching(/^sealed:v1:/) });
    expect(JSON.stringify(parsed)).not.toContain('hunter2');
    expect(openSealed(sealed?.sealed ?? '', key)).toBe('hunter2');
  });

  it.each([
    ['execution_id', wire({ executionId: '' })],
    ['execution_id', wire({ executionId: 'has space' })],
    ['execution_id', wire({ executionId: "quote'" })],
    ['workflow_yaml', wire({ workflowYaml: '   ' })],
    ['workflow_yaml', wire({ workflowYaml: 'x'.repeat(1001) })],
    ['input_json', wire({ inputJson: '{' })],
    ['input_json', wire({ inputJson: '"text"' })],
    ['input_json', wire({ input: {}, inputJson: '{}' })],
    [
      'environment[1].name',
      wire({
        environment: [
          { name: 'A', value: '', secret: false },
          { name: 'A', value: '', secret: false },
        ],
      }),
    ],
    ['environment[0].name', wire({ environment: [{ name: '9x', value: '', secret: false }] })],
  ])('names %s in INVALID_ARGUMENT', (field, request) => {
    const err = failure(() => parseExecuteInput(request, limits));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.field).toBe(field);
    expect(err.message.startsWith(`${field}:`)).toBe(true);
  });

  it('states the size limit for an oversized document', () => {
    expect(failure(() => parseExecuteInput(wire({ workflowYaml: 'é'.repeat(600) }), limits)).message).toBe(
      'workflow_yaml: is 1200 bytes; the limit is 1000 (MAX_WORKFLOW_BYTES)',
    );
  });

  it("refuses an input that would exceed Temporal's start payload limit, naming the field", () => {
    const big = JSON.stringify({ blob: 'x'.repeat(3_000_000) });
    const err = failure(() => parseExecuteInput(wire({ inputJson: big }), limits));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.message).toMatch(/^input_json: makes the start payload \d+ bytes; Temporal accepts at most 2000000$/);
  });

  it('refuses secret entries when no sealing key is configured, without echoing the value', () => {
    const err = failure(() =>
      parseExecuteInput(wire({ environment: [{ name: 'T', value: 'hunter2', secret: true }] }), {
        maxWorkflowBytes: 1000,
      }),
    );
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.message).toContain('RUNNER_SECRETS_KEY');
    expect(err.message).not.toContain('hunter2');
  });
});

describe('other request parsers', () => {
  it('accepts execution ids Stigmer uses', () => {
    expect(parseExecutionId('wfexec-01HZ:abc/1.2@x')).toBe('wfexec-01HZ:abc/1.2@x');
  });

  it('requires the CloudEvents attributes', () => {
    const ok = { specversion: '1.0', id: '1', source: '/s', type: 't', data: { a: 1 } };
    expect(parseCloudEvent(ok, '')).toEqual(ok);
    expect(parseCloudEvent(undefined, JSON.stringify(ok))).toEqual(ok);
    expect(failure(() => parseCloudEvent({ ...ok, type: '' }, '')).field).toBe('event.type');
    expect(failure(() => parseCloudEvent(undefined, '')).field).toBe('event');
  });

  it('normalises pages and rejects bad bounds', () => {
    expect(parsePage(0, 0)).toEqual({ fromSequence: 1, limit: 100 });
    expect(parsePage(7, 5)).toEqual({ fromSequence: 7, limit: 5 });
    expect(failure(() => parsePage(-1, 0)).field).toBe('from_sequence');
    expect(failure(() => parsePage(1, 1001)).field).toBe('limit');
  });
});
