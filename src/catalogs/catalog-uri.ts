/**
 * Where a cataloged function's definition lives (DSL 1.0 "Catalogs", "File Structure"): under the catalog's
 * endpoint at `functions/{name}/{version}/function.yaml`. Catalogs hosted on GitHub or GitLab are written
 * with their browsing URIs and read from the raw documents:
 *
 *   https://github.com/o/r                       → https://raw.githubusercontent.com/o/r/HEAD/functions/...
 *   https://github.com/o/r/tree/main/sub         → https://raw.githubusercontent.com/o/r/main/sub/functions/...
 *   https://gitlab.com/g/p                       → https://gitlab.com/g/p/-/raw/HEAD/functions/...
 *   https://gitlab.example/g/sub/p/-/tree/v2/x   → https://gitlab.example/g/sub/p/-/raw/v2/x/functions/...
 *
 * The reference after `tree/` (or `blob/`) is kept as written, so a branch, a tag or a commit all work
 * (raw.githubusercontent.com serves each under the bare name; the spec's example spells a branch
 * `refs/heads/main`, which names the same content). Any other endpoint is used as the base URL as it is.
 */

/** Lowercase letters, digits and '-' (the catalog repository's naming rule), plus '_' and '.' for runners' own. */
const FUNCTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const FUNCTION_VERSION = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;

export class CatalogUriError extends Error {
  override readonly name = 'CatalogUriError';
}

export function functionPath(name: string, version: string): string {
  if (!FUNCTION_NAME.test(name)) throw new CatalogUriError(`function name '${name.slice(0, 100)}' is not valid`);
  if (!FUNCTION_VERSION.test(version)) {
    throw new CatalogUriError(`function version '${version.slice(0, 64)}' is not valid`);
  }
  return `functions/${name}/${version}/function.yaml`;
}

/** The URL to GET for `name:version` of the catalog at `endpoint`. */
export function functionDefinitionUrl(endpoint: string, name: string, version: string): string {
  const path = functionPath(name, version);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new CatalogUriError(`catalog endpoint '${endpoint.split('?')[0].slice(0, 200)}' is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CatalogUriError(`catalog endpoint must be http(s), got ${url.protocol}`);
  }
  return join(rawBase(url), path, url.search);
}

/** The raw-content base of a GitHub/GitLab browsing URI, or the endpoint itself. */
function rawBase(url: URL): string {
  const segments = url.pathname.split('/').filter((s) => s.length > 0);
  const host = url.hostname.toLowerCase();
  if (host === 'github.com' || host === 'www.github.com') {
    if (segments.length < 2) throw new CatalogUriError('a GitHub catalog endpoint needs an owner and a repository');
    const [owner, repo, kind, ref, ...rest] = segments;
    const browsing = kind === 'tree' || kind === 'blob';
    return [
      'https://raw.githubusercontent.com',
      owner,
      repo.replace(/\.git$/, ''),
      browsing ? ref : 'HEAD',
      ...(browsing ? rest : []),
    ]
      .filter((s) => s !== undefined && s.length > 0)
      .join('/');
  }
  const dash = segments.indexOf('-');
  if (dash > 0 && (segments[dash + 1] === 'tree' || segments[dash + 1] === 'blob') && segments[dash + 2]) {
    const project = segments.slice(0, dash);
    const [ref, ...rest] = segments.slice(dash + 2);
    return [url.origin, ...project, '-', 'raw', ref, ...rest].join('/');
  }
  if (host === 'gitlab.com' && segments.length >= 2 && dash < 0) {
    return [url.origin, ...segments, '-', 'raw', 'HEAD'].join('/');
  }
  return `${url.origin}${url.pathname}`;
}

function join(base: string, path: string, search: string): string {
  return `${base.replace(/\/+$/, '')}/${path}${search}`;
}
