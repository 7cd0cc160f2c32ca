/**
 * Ordering of workflow definition versions (`document.version`), used to pick "the latest" when `run: workflow`
 * or a schedule names a definition without a version. Pure and sandbox-safe: the registry workflow uses it.
 *
 * Semver-like: `major.minor.patch[-prerelease][+build]`, numeric parts compared as numbers, a release above its
 * prereleases, prerelease identifiers compared per semver 2.0 §11. Versions that are not semver-like still get
 * a total, deterministic order: dot-separated parts, numeric parts numerically, others by code unit, and text
 * equal up to build metadata falls back to a plain code-unit comparison so no two distinct strings tie.
 */

const NUMERIC = /^\d+$/;

function compareIdentifiers(a: string, b: string): number {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) return compareNumeric(a, b);
  // Semver: numeric identifiers sort below alphanumeric ones.
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Digit strings compared as numbers without Number's precision limit ("10" > "9", "007" = "7"). */
function compareNumeric(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareLists(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const c = compareIdentifiers(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Negative when `a` is older than `b`, positive when newer, 0 only for identical strings. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const [aMain, aPre] = splitVersion(a);
  const [bMain, bPre] = splitVersion(b);
  const main = compareLists(aMain.split('.'), bMain.split('.'));
  if (main !== 0) return Math.sign(main);
  // A release (no prerelease part) is newer than any of its prereleases.
  if (aPre === undefined || bPre === undefined) {
    if (aPre !== bPre) return aPre === undefined ? 1 : -1;
  } else {
    const pre = compareLists(aPre.split('.'), bPre.split('.'));
    if (pre !== 0) return Math.sign(pre);
  }
  // Equal in precedence (e.g. differing build metadata or leading zeros): still a total order.
  return a < b ? -1 : 1;
}

function splitVersion(version: string): [string, string | undefined] {
  const withoutBuild = version.replace(/^v(?=\d)/, '').split('+')[0];
  const dash = withoutBuild.indexOf('-');
  return dash < 0 ? [withoutBuild, undefined] : [withoutBuild.slice(0, dash), withoutBuild.slice(dash + 1)];
}

/** The highest of `versions` per {@link compareVersions}, or undefined for none. */
export function latestVersion(versions: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const v of versions) if (best === undefined || compareVersions(v, best) > 0) best = v;
  return best;
}
