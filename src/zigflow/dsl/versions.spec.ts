import { compareVersions, latestVersion } from './versions';

describe('compareVersions', () => {
  it.each([
    ['1.0.0', '1.0.1'],
    ['1.0.9', '1.0.10'],
    ['1.9.0', '1.10.0'],
    ['9.0.0', '10.0.0'],
    ['1.0.0-alpha', '1.0.0'],
    ['1.0.0-alpha', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta'],
    ['1.0.0-alpha.beta', '1.0.0-beta'],
    ['1.0.0-beta.2', '1.0.0-beta.11'],
    ['1.0.0-rc.1', '1.0.0'],
    ['1.0', '1.0.0'],
    ['v1.2.0', '1.10.0'],
    ['99999999999999999999.0.0', '100000000000000000000.0.0'],
  ])('%s < %s', (older, newer) => {
    expect(compareVersions(older, newer)).toBeLessThan(0);
    expect(compareVersions(newer, older)).toBeGreaterThan(0);
  });

  it('is 0 only for identical text, and orders text equal in precedence deterministically', () => {
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    const a = compareVersions('1.0.0+build.1', '1.0.0+build.2');
    expect(a).not.toBe(0);
    expect(compareVersions('1.0.0+build.2', '1.0.0+build.1')).toBe(-a);
  });

  it('sorts a shuffled list into one order whatever the input order', () => {
    const sorted = [
      '0.9.0',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-beta',
      '1.0.0',
      '1.0.1',
      '1.2.0',
      '1.10.0',
      '2.0.0',
    ];
    const shuffled = [
      sorted[4],
      sorted[8],
      sorted[0],
      sorted[6],
      sorted[2],
      sorted[7],
      sorted[1],
      sorted[5],
      sorted[3],
    ];
    expect([...shuffled].sort(compareVersions)).toEqual(sorted);
    expect([...shuffled].reverse().sort(compareVersions)).toEqual(sorted);
  });
});

describe('latestVersion', () => {
  it('is the highest version, or undefined for none', () => {
    expect(latestVersion(['1.2.0', '1.10.0', '1.9.9', '1.10.0-rc.1'])).toBe('1.10.0');
    expect(latestVersion([])).toBeUndefined();
  });
});
