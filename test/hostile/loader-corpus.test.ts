/**
 * Every document of the hostile corpus is refused at load time with a specific problem: the expected
 * kind, a JSON pointer at (or enclosing) the broken field, and a message fragment where one is known.
 * Each load is bounded in time, so a document that makes the loader hang or blow up fails here.
 */
import { loadWorkflow, type ValidationProblem } from '../../src/zigflow/loader';
import { hostileCorpus, referenceDocument, type HostileCase } from './corpus';
import { stringify } from 'yaml';

/** Generous for 2 vCPUs: the largest corpus documents are a few MB. */
const PER_CASE_BUDGET_MS = 5000;

const corpus = hostileCorpus();

function matches(problem: ValidationProblem, expect: HostileCase['expect']): boolean {
  if (problem.kind !== expect.kind) return false;
  if (typeof expect.pointer === 'string' && problem.pointer !== expect.pointer) return false;
  if (typeof expect.pointer === 'function' && !expect.pointer(problem.pointer)) return false;
  if (typeof expect.fragment === 'string' && !problem.message.includes(expect.fragment)) return false;
  if (expect.fragment instanceof RegExp && !expect.fragment.test(problem.message)) return false;
  return true;
}

describe('hostile workflow documents', () => {
  it('holds at least 200 cases with unique ids', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(new Set(corpus.map((c) => c.id)).size).toBe(corpus.length);
  });

  it('accepts the reference document every wrong-type case is derived from', () => {
    const result = loadWorkflow(stringify(referenceDocument()));
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it.each(corpus.map((c) => [c.id, c] as const))('%s', (_id, hostile) => {
    const started = performance.now();
    const result = loadWorkflow(hostile.text);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(PER_CASE_BUDGET_MS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.length).toBeGreaterThan(0);
    for (const problem of result.problems) {
      // Clear means: a non-empty message an author can act on, bounded so a huge value is not echoed back.
      expect(problem.message.length).toBeGreaterThan(10);
      expect(problem.message.length).toBeLessThan(2000);
      expect(typeof problem.pointer).toBe('string');
    }
    const found = result.problems.some((p) => matches(p, hostile.expect));
    if (!found) {
      throw new Error(
        `no problem matches ${JSON.stringify({ ...hostile.expect, pointer: String(hostile.expect.pointer) })}; got ${JSON.stringify(result.problems.slice(0, 5))}`,
      );
    }
    if (hostile.expect.kind === 'yaml') expect(result.problems.find((p) => p.kind === 'yaml')?.line).toBeGreaterThan(0);
  });
});
