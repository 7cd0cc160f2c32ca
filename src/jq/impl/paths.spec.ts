import { Engine } from '../index';
import { delpaths, getpath, setpath } from './paths';

const jq = new Engine();
const run = (program: string, input: unknown): unknown[] => jq.compile(program).evaluate(input);

describe('paths', () => {
  it('gets, sets and deletes paths without mutating the input', () => {
    const input = { a: [1, { b: 2 }] };
    expect(getpath(input, ['a', 1, 'b'])).toBe(2);
    expect(setpath(input, ['a', 1, 'b'], 3)).toEqual({ a: [1, { b: 3 }] });
    expect(setpath(null, ['x', 2], true)).toEqual({ x: [null, null, true] });
    expect(delpaths(input, [['a', 0]])).toEqual({ a: [{ b: 2 }] });
    expect(input).toEqual({ a: [1, { b: 2 }] });
  });

  it('deletes several array indices against the original positions', () => {
    expect(run('del(.[1], .[-6], .[2], .[-3:9])', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([[0, 3, 5, 6, 9]]);
  });

  it('tracks paths through path(), paths and update-assignments', () => {
    expect(run('[path(..)]', { a: [1] })).toEqual([[[], ['a'], ['a', 0]]]);
    expect(run('[paths(type == "number")]', { a: [1, 'x'] })).toEqual([[['a', 0]]]);
    expect(run('.a[] |= . + 1', { a: [1, 2] })).toEqual([{ a: [2, 3] }]);
    expect(run('(.[] | select(. >= 2)) |= empty', [1, 5, 3, 0, 7])).toEqual([[1, 0]]);
    expect(run('.a += 1, .b //= 5', { a: 1 })).toEqual([{ a: 2 }, { a: 1, b: 5 }]);
    expect(run('to_entries | from_entries', { x: 1 })).toEqual([{ x: 1 }]);
    expect(run('pick(.a.b)', { a: { b: 1, c: 2 } })).toEqual([{ a: { b: 1 } }]);
  });

  it('rejects non-path expressions like jq', () => {
    expect(() => run('path(1)', null)).toThrow('Invalid path expression with result 1');
    expect(() => run('path(.a | tostring | .b)', {})).toThrow(
      'Invalid path expression near attempt to access element "b" of "null"',
    );
  });
});
