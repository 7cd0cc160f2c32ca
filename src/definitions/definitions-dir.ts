/** The definition files of WORKFLOW_DEFINITIONS_DIR: *.yaml and *.yml, in name order (a mounted ConfigMap). */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DefinitionFile {
  file: string;
  yaml: string;
}

export async function readDefinitionFiles(dir: string): Promise<DefinitionFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  // A ConfigMap volume holds `..data` and hidden timestamped folders next to symlinks named after the keys.
  const names = entries
    .filter((e) => !e.name.startsWith('.') && /\.ya?ml$/i.test(e.name) && (e.isFile() || e.isSymbolicLink()))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({ file: join(dir, name), yaml: await readFile(join(dir, name), 'utf8') })),
  );
}
