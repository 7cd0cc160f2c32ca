/**
 * The runner's `default` catalog (DSL 1.0 "Default Catalog"): functions any document may call as
 * `{name}:{version}@default` without declaring a catalog. The AI functions below are built in; an operator
 * may add task definitions from a folder (DEFAULT_CATALOG_DIR), which the loader learns through
 * `LoadOptions.defaultCatalog`. Sandbox-safe: validation and workflow code both read this table.
 */

/** `name:version@catalog` (spec 1.0 "Using Cataloged Functions"). */
const CATALOG_REFERENCE = /^([\w.-]+):([\w.+-]+)@([\w.-]+)$/;

export interface CatalogReference {
  name: string;
  version: string;
  catalog: string;
  /** `name:version`, the function's key within its catalog. */
  key: string;
}

export function parseCatalogReference(call: string): CatalogReference | undefined {
  const match = CATALOG_REFERENCE.exec(call);
  if (!match) return undefined;
  return { name: match[1], version: match[2], catalog: match[3], key: `${match[1]}:${match[2]}` };
}

export const DEFAULT_CATALOG = 'default';

/** Arguments shared by every function that talks to a model. */
const MODEL_ARGUMENTS = ['model', 'endpoint'];
const CHAT_ARGUMENTS = [
  ...MODEL_ARGUMENTS,
  'messages',
  'prompt',
  'system',
  'temperature',
  'maxTokens',
  'responseFormat',
];

export interface BuiltInFunction {
  /** Every argument `with` may hold (anything else is a validation error: usually a typo). */
  arguments: readonly string[];
  /** Groups of which `with` must hold at least one member each (when `with` is not an expression). */
  requires: ReadonlyArray<readonly string[]>;
}

/** The built-in functions by `name:version`. */
export const BUILT_IN_FUNCTIONS: Readonly<Record<string, BuiltInFunction>> = {
  'chat:1.0.0': { arguments: CHAT_ARGUMENTS, requires: [['messages', 'prompt']] },
  'agent:1.0.0': {
    arguments: [
      ...CHAT_ARGUMENTS,
      'tools',
      'maxTurns',
      'contextTokens',
      'overflow',
      'maxToolResultChars',
      'toolErrors',
    ],
    requires: [['messages', 'prompt']],
  },
  'embed:1.0.0': { arguments: [...MODEL_ARGUMENTS, 'input', 'dimensions'], requires: [['input']] },
  'vector-upsert:1.0.0': {
    arguments: [...MODEL_ARGUMENTS, 'collection', 'items', 'dimensions'],
    requires: [['collection'], ['items']],
  },
  'vector-query:1.0.0': {
    arguments: [...MODEL_ARGUMENTS, 'collection', 'vector', 'text', 'topK', 'filter', 'dimensions'],
    requires: [['collection'], ['vector', 'text']],
  },
};

export function builtInFunction(key: string): BuiltInFunction | undefined {
  return Object.prototype.hasOwnProperty.call(BUILT_IN_FUNCTIONS, key) ? BUILT_IN_FUNCTIONS[key] : undefined;
}

/** `name:version` of every built-in function, sorted. */
export function builtInFunctionKeys(): string[] {
  return Object.keys(BUILT_IN_FUNCTIONS).sort();
}
