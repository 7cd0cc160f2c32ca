/**
 * The operator's extension of the `default` catalog (DEFAULT_CATALOG_DIR): a folder in the catalog layout,
 * `functions/{name}/{version}/function.yaml` (the folder itself or its `functions/` child may be given).
 * Read once at start-up; a definition that does not load stops the start with every problem, naming the
 * file, as WORKFLOW_DEFINITIONS_DIR does for workflows. A function may not shadow a built-in one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { builtInFunction } from '../zigflow/dsl/default-catalog';
import { functionPath } from './catalog-uri';
import { parseFunctionDefinition } from './function-definition';

/** The folder's functions by `name:version`. */
export type DefaultCatalogFunctions = ReadonlyMap<string, Record<string, unknown>>;

export class CatalogFolderError extends Error {
  override readonly name = 'CatalogFolderError';
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`default catalog folder ${dir}: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  }
}

const MAX_DEFINITION_BYTES = 256 * 1024;

export function readCatalogFolder(dir: string): DefaultCatalogFunctions {
  const root = existsSync(join(dir, 'functions')) ? join(dir, 'functions') : dir;
  const functions = new Map<string, Record<string, unknown>>();
  const problems: string[] = [];
  for (const name of sortedDirs(root)) {
    for (const version of sortedDirs(join(root, name))) {
      const file = join(root, name, version, 'function.yaml');
      const where = join(name, version, 'function.yaml');
      if (!existsSync(file)) {
        problems.push(`${where}: missing`);
        continue;
      }
      try {
        functionPath(name, version);
      } catch (e) {
        problems.push(`${where}: ${(e as Error).message}`);
        continue;
      }
      if (builtInFunction(`${name}:${version}`)) {
        problems.push(`${where}: ${name}:${version} is a built-in function of the default catalog`);
        continue;
      }
      if (statSync(file).size > MAX_DEFINITION_BYTES) {
        problems.push(`${where}: larger than ${MAX_DEFINITION_BYTES} bytes`);
        continue;
      }
      const checked = parseFunctionDefinition(readFileSync(file, 'utf8'));
      if (checked.ok) functions.set(`${name}:${version}`, checked.definition);
      else problems.push(...checked.problems.map((p) => `${where} ${p}`));
    }
  }
  if (problems.length > 0) throw new CatalogFolderError(dir, problems);
  return functions;
}

function sortedDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}
