/**
 * jq's own test suite (jq 1.8.2: jq.test, man.test, onig.test, manonig.test, base64.test) run through the
 * engine. The failing cases must be exactly the ones listed, with reasons, in conformance-known-failures.json:
 * a newly failing case is a regression, a newly passing one must be removed from the list.
 */
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { createDslJq } from '../zigflow/dsl/jq-engine';
import { knownFailuresTable, parseTestFile, runCase, type ConformanceCase } from './conformance';
import knownFailures from './conformance-known-failures.json';

const TEST_DIR = process.env.JQ_TESTS_DIR ?? resolve(__dirname, '../../../shared/conformance/jq');
const FILES = ['jq.test', 'man.test', 'onig.test', 'manonig.test', 'base64.test'];
/** The pass rate reached; raise it when cases are fixed. */
const PASS_RATE_FLOOR = 0.964;

describe('jq conformance (jq 1.8.2 test files)', () => {
  // the engine as workflows run it (RE2 for regular expressions with repetition)
  const jq = createDslJq();
  const cases: ConformanceCase[] = FILES.flatMap((f) => parseTestFile(f, readFileSync(join(TEST_DIR, f), 'utf8')));

  it('finds the test files', () => {
    expect(existsSync(TEST_DIR)).toBe(true);
    expect(cases.length).toBeGreaterThan(800);
  });

  it('passes every case except the known failures, and at least the floor', () => {
    const failing: Record<string, string> = {};
    for (const c of cases) {
      const reason = runCase(jq, c);
      if (reason !== null) failing[c.id] = reason;
    }
    const failed = Object.keys(failing).length;
    const passed = cases.length - failed;
    const rate = passed / cases.length;
    console.log(`jq conformance: ${passed} passed, ${failed} failed (${(rate * 100).toFixed(1)}%)`);
    const known = Object.keys(knownFailures).sort();
    const unexpected = Object.keys(failing)
      .filter((id) => !(id in knownFailures))
      .map((id) => `${id}: ${failing[id]}`);
    const fixed = known.filter((id) => !(id in failing));
    expect(unexpected).toEqual([]);
    expect(fixed).toEqual([]);
    expect(rate).toBeGreaterThanOrEqual(PASS_RATE_FLOOR);
  });

  it('documents every known failure in docs/jq.md', () => {
    const doc = readFileSync(resolve(__dirname, '../../docs/jq.md'), 'utf8');
    expect(doc).toContain(knownFailuresTable(knownFailures, cases));
  });
});
