/**
 * Finds test files: `*.test.yaml` / `*.test.yml` under the given directories (recursively, skipping
 * dependency and build folders), plus every file named explicitly.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const TEST_FILE_PATTERN = /\.test\.ya?ml$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', '.venv', 'coverage']);

export class MissingPathError extends Error {}

export async function discoverTestFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const given of paths.length > 0 ? paths : ['.']) {
    const path = resolve(cwd, given);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new MissingPathError(`no such file or directory: ${given}`);
    if (info.isDirectory()) for (const file of await walk(path)) found.add(file);
    else found.add(path);
  }
  return [...found].sort();
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) out.push(...(await walk(path)));
    else if (entry.isFile() && TEST_FILE_PATTERN.test(entry.name)) out.push(path);
  }
  return out;
}
