import { firstDifference, globMatches } from './matching';

describe('globMatches', () => {
  it('matches exact text without *, and * across any characters (slashes too)', () => {
    expect(globMatches('https://a.test/x', 'https://a.test/x')).toBe(true);
    expect(globMatches('https://a.test/x', 'https://a.test/x/y')).toBe(false);
    expect(globMatches('https://a.test/*', 'https://a.test/x/y?q=1')).toBe(true);
    expect(globMatches('*/reserve', 'http://inventory.test/reserve')).toBe(true);
    expect(globMatches('a.b*', 'axb')).toBe(false);
  });
});

describe('firstDifference', () => {
  it('compares exactly: extra keys and different values are reported by pointer', () => {
    expect(firstDifference({ a: 1, b: [1, { c: 2 }] }, { a: 1, b: [1, { c: 2 }] }, { subset: false })).toBeUndefined();
    expect(firstDifference({ a: 1 }, { a: 1, extra: true }, { subset: false })).toBe('/extra: not expected (true)');
    expect(firstDifference({ b: [1, { c: 2 }] }, { b: [1, { c: 3 }] }, { subset: false })).toBe(
      '/b/1/c: expected 2, got 3',
    );
    expect(firstDifference({ a: 1 }, {}, { subset: false })).toBe('/a: missing (expected 1)');
  });

  it('compares a subset: objects may hold more keys, arrays keep their length', () => {
    expect(firstDifference({ a: { b: 1 } }, { a: { b: 1, c: 2 }, d: 3 }, { subset: true })).toBeUndefined();
    expect(firstDifference([{ id: 1 }], [{ id: 1, x: 1 }, { id: 2 }], { subset: true })).toBe(
      'the value: expected 1 items, got 2 ([{"id":1,"x":1},{"id":2}])',
    );
    expect(firstDifference('1', 1, { subset: true })).toBe('the value: expected "1", got 1');
  });

  it('treats expected strings as globs when asked', () => {
    expect(
      firstDifference({ auth: 'Bearer *' }, { auth: 'Bearer abc' }, { subset: true, globs: true }),
    ).toBeUndefined();
    expect(firstDifference({ auth: 'Bearer *' }, { auth: 'Basic abc' }, { subset: true, globs: true })).toMatch(
      /^\/auth: expected/,
    );
  });
});
