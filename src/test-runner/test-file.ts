/**
 * A workflow test file (`*.test.yaml`): YAML text → a typed model, or every problem with its JSON pointer
 * and line:column, like a workflow's own validation. Pure (no I/O): the runner reads the files it names.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { parseIsoDuration } from '../zigflow/dsl/durations';
import { sortProblems, type ValidationProblem } from '../zigflow/validation/problems';
import { describeCollapsed } from '../zigflow/validation/schema-problems';
import type { SourceMap } from '../zigflow/validation/source-map';
import { parseYamlSource } from '../zigflow/validation/yaml-source';
import { isPlainObject } from './matching';
import { MOCK_KINDS } from './mock-kinds';
import { testFileSchema } from './test-file-schema';

export type { ValidationProblem } from '../zigflow/validation/problems';

/** One mock: what it matches, its answers in order, and where the test wrote it (for messages). */
export interface MockEntry {
  kind: string;
  pointer: string;
  /** Line of the mock in the test file. */
  line?: number;
  match: Record<string, unknown>;
  answers: Record<string, unknown>[];
  calls?: number;
}

export interface TestEvent {
  afterMs: number;
  event: Record<string, unknown>;
}

export interface Expectation {
  status?: 'completed' | 'faulted' | 'cancelled';
  /** Present (possibly null) only when the test gives an exact output. */
  output?: { value: unknown };
  outputIncludes?: { value: unknown };
  error?: Record<string, unknown>;
  tasks?: { completed?: string[]; failed?: string[]; skipped?: string[]; notRun?: string[] };
}

export interface TestCase {
  name: string;
  pointer: string;
  line?: number;
  input: Record<string, unknown>;
  env: Record<string, string>;
  secrets: Record<string, string>;
  /** This test's mocks, then the file's. */
  mocks: MockEntry[];
  functions: Record<string, Record<string, unknown>>;
  events: TestEvent[];
  allowRealCalls: boolean;
  timeoutMs: number;
  expect: Expectation;
}

export interface TestFile {
  /** As written: relative to the test file. */
  workflow: string;
  tests: TestCase[];
  /** line:column of a pointer in the test file (for problems found later, e.g. a missing workflow file). */
  locate(pointer: string): { line: number; column: number } | undefined;
}

export type TestFileResult = { ok: true; file: TestFile } | { ok: false; problems: ValidationProblem[] };

export const DEFAULT_TEST_TIMEOUT = 'P365D';

let validator: ValidateFunction | undefined;

function validate(value: unknown): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    validator = ajv.compile(testFileSchema());
  }
  validator(value);
  return validator;
}

export function loadTestFile(text: string): TestFileResult {
  const parsed = parseYamlSource(text);
  if (!parsed.ok) return parsed;
  const { value, sourceMap } = parsed;
  const check = validate(value);
  if (check.errors?.length) {
    const errors = check.errors.map((e) => ({ ...e, pointer: e.instancePath }));
    const problems = describeCollapsed(errors, value).map(({ atKey, valueOffset: _v, ...p }) => ({
      ...p,
      ...sourceMap.locate(p.pointer, atKey),
    }));
    return { ok: false, problems: sortProblems(problems) };
  }
  return { ok: true, file: toModel(value as Record<string, any>, sourceMap) };
}

function toModel(doc: Record<string, any>, sourceMap: SourceMap): TestFile {
  const fileMocks = mockEntries(doc.mocks, '/mocks', sourceMap);
  const tests = (doc.tests as Record<string, any>[]).map((t, i): TestCase => {
    const pointer = `/tests/${i}`;
    return {
      name: t.name,
      pointer,
      line: sourceMap.locate(pointer)?.line,
      input: t.input ?? {},
      env: { ...doc.env, ...t.env },
      secrets: { ...doc.secrets, ...t.secrets },
      mocks: [...mockEntries(t.mocks, `${pointer}/mocks`, sourceMap), ...fileMocks],
      functions: { ...doc.mocks?.functions, ...t.mocks?.functions },
      events: (t.events ?? []).map((e: { after?: string; event: Record<string, unknown> }) => ({
        afterMs: e.after ? (parseIsoDuration(e.after) ?? 0) : 0,
        event: e.event,
      })),
      allowRealCalls: t.allowRealCalls === true,
      timeoutMs: parseIsoDuration(t.timeout ?? DEFAULT_TEST_TIMEOUT) ?? 0,
      expect: expectationOf(t.expect ?? {}),
    };
  });
  return { workflow: doc.workflow, tests, locate: (pointer) => sourceMap.locate(pointer) };
}

function mockEntries(mocks: Record<string, unknown> | undefined, base: string, sourceMap: SourceMap): MockEntry[] {
  const out: MockEntry[] = [];
  for (const kind of MOCK_KINDS) {
    const list = (mocks?.[kind.key] ?? []) as Record<string, unknown>[];
    list.forEach((entry, i) => {
      const { respond, calls, ...match } = entry;
      const pointer = `${base}/${kind.key}/${i}`;
      out.push({
        kind: kind.key,
        pointer,
        line: sourceMap.locate(pointer)?.line,
        match,
        answers: (Array.isArray(respond) ? respond : [respond]) as Record<string, unknown>[],
        ...(typeof calls === 'number' ? { calls } : {}),
      });
    });
  }
  return out;
}

function expectationOf(e: Record<string, any>): Expectation {
  const out: Expectation = {};
  if (e.status) out.status = e.status;
  if ('output' in e) out.output = { value: e.output };
  if ('outputIncludes' in e) out.outputIncludes = { value: e.outputIncludes };
  if (isPlainObject(e.error)) out.error = e.error;
  if (isPlainObject(e.tasks)) out.tasks = e.tasks;
  return out;
}
