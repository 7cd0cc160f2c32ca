/**
 * The JSON Schema of a workflow test file (`*.test.yaml`), built from the mock kinds so a new call kind
 * appears in it (and in `workflow-runner schema --test`, for editors) with its entry in mock-kinds.ts.
 */
import { MOCK_KINDS } from './mock-kinds';

/** An identifier, not a location: the schema is printed by `workflow-runner schema --test`, not hosted. */
export const TEST_FILE_SCHEMA_ID = 'urn:workflow-runner:schema:workflow-test';

const DURATION = {
  type: 'string',
  pattern: '^P(?!$)(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$',
  description: 'ISO 8601 duration of workflow time, e.g. PT30M, P1D',
};
const POSITIONS = {
  type: 'array',
  items: { type: 'string', minLength: 1 },
  description: 'task positions (JSON pointers such as /do/1/charge) or task names',
};
const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } };

const ERROR_ANSWER = {
  type: 'object',
  description: 'raise this DSL error instead of answering',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', description: 'an error kind (communication, timeout, ...) or a type URI' },
    status: { type: 'integer' },
    title: { type: 'string' },
    detail: { type: 'string' },
  },
};

function mockEntrySchema(kind: (typeof MOCK_KINDS)[number]): object {
  const answer = {
    type: 'object',
    additionalProperties: false,
    properties: { ...kind.answer, error: ERROR_ANSWER },
  };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['respond'],
    properties: {
      task: { type: 'string', description: 'only calls made by this task (position or name, * globs)' },
      ...kind.match,
      respond: {
        description: 'one answer, or a list answered in order (the last one repeats)',
        oneOf: [answer, { type: 'array', minItems: 1, items: answer }],
      },
      calls: { type: 'integer', minimum: 0, description: 'the test fails unless the mock answers exactly this often' },
    },
  };
}

function mocksSchema(): object {
  const properties: Record<string, object> = {};
  for (const kind of MOCK_KINDS) properties[kind.key] = { type: 'array', items: mockEntrySchema(kind) };
  properties.functions = {
    type: 'object',
    description: 'catalog functions (name:version@catalog) and the task definition each stands for',
    additionalProperties: { type: 'object' },
  };
  return { type: 'object', additionalProperties: false, properties };
}

const EXPECT = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { enum: ['completed', 'faulted', 'cancelled'] },
    output: { description: 'the exact workflow output' },
    outputIncludes: { description: 'values the output must hold (objects may hold more keys)' },
    error: {
      type: 'object',
      description: 'fields the run error must have (type may be a kind such as communication)',
      properties: {
        type: { type: 'string' },
        status: { type: 'integer' },
        title: { type: 'string' },
        detail: { type: 'string' },
        instance: { type: 'string' },
      },
      additionalProperties: false,
    },
    tasks: {
      type: 'object',
      additionalProperties: false,
      properties: { completed: POSITIONS, failed: POSITIONS, skipped: POSITIONS, notRun: POSITIONS },
    },
  },
};

export function testFileSchema(): object {
  const mocks = mocksSchema();
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: TEST_FILE_SCHEMA_ID,
    title: 'Workflow test file',
    type: 'object',
    additionalProperties: false,
    required: ['workflow', 'tests'],
    properties: {
      workflow: { type: 'string', minLength: 1, description: 'the workflow file, relative to this file' },
      mocks: { ...mocks, description: 'mocks every test of this file may use (after its own)' },
      secrets: { ...STRING_MAP, description: '$secrets of every test' },
      env: { ...STRING_MAP, description: '$ENV of every test' },
      tests: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1 },
            input: { type: 'object', description: 'the workflow input' },
            env: STRING_MAP,
            secrets: STRING_MAP,
            mocks,
            events: {
              type: 'array',
              description: 'CloudEvents delivered to listen tasks (the `event` signal), in order',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['event'],
                properties: {
                  after: { ...DURATION, description: 'workflow time after the start at which it is sent' },
                  event: { type: 'object', required: ['type'] },
                },
              },
            },
            allowRealCalls: { type: 'boolean', description: 'calls without a mock are made for real' },
            timeout: { ...DURATION, description: 'workflow time the run may take (default P365D)' },
            expect: EXPECT,
          },
        },
      },
    },
  };
}
