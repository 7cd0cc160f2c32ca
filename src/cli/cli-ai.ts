/**
 * The default catalog for the command line: the same settings as the service (OPENAI_BASE_URL,
 * OPENAI_API_KEY, LLM_DEFAULT_MODEL, VECTOR_STORE_DIR or VECTOR_STORE_URL, DEFAULT_CATALOG_DIR), read
 * from the command's environment. A bad value is an environment error naming the variable.
 */
import { vectorStoreProvider } from '../ai/vector-backends';
import { CatalogCache } from '../catalogs/catalog-cache';
import { CatalogFolderError, readCatalogFolder, type DefaultCatalogFunctions } from '../catalogs/catalog-folder';
import type { AiConfig } from '../config/runner-config';
import { ConfigValidationError, validateAiEnvironment } from '../config/validate-environment';
import type { AiSettings, CatalogSettings } from '../temporal/activities/deps';
import type { LoadOptions } from '../zigflow/loader';
import type { CliIo } from './cli-io';
import { CliError, EXIT } from './exit-codes';

export interface CliAi {
  deps: { ai: AiSettings; catalogs: CatalogSettings };
  loadOptions: Pick<LoadOptions, 'defaultCatalog'>;
  close(): Promise<void>;
}

function settings(io: CliIo): { config: AiConfig; functions: DefaultCatalogFunctions } {
  try {
    const config = validateAiEnvironment(io.env);
    const functions = config.defaultCatalogDir ? readCatalogFolder(config.defaultCatalogDir) : new Map();
    return { config, functions };
  } catch (e) {
    if (e instanceof ConfigValidationError || e instanceof CatalogFolderError) {
      throw new CliError(e.message, EXIT.ENVIRONMENT);
    }
    throw e;
  }
}

function loadOptionsOf(functions: DefaultCatalogFunctions): Pick<LoadOptions, 'defaultCatalog'> {
  return functions.size > 0 ? { defaultCatalog: new Set(functions.keys()) } : {};
}

/** Validation only (validate, graph): the operator's catalog folder, no store opened. */
export function cliLoadOptions(io: CliIo): Pick<LoadOptions, 'defaultCatalog'> {
  return loadOptionsOf(settings(io).functions);
}

/** For `run`: model settings, the vector store (opened on first use) and the catalog folder. */
export function cliAi(io: CliIo): CliAi {
  const { config, functions } = settings(io);
  const vectors = vectorStoreProvider({
    dir: config.vectorStoreDir,
    url: config.vectorStoreUrl,
    poolSize: config.vectorStorePoolSize,
  });
  return {
    deps: {
      ai: {
        models: {
          baseUrl: config.baseUrl,
          apiKey: config.apiKey,
          defaultModel: config.defaultModel,
          defaultEmbeddingModel: config.defaultEmbeddingModel,
          requestTimeoutMs: config.requestTimeoutMs,
        },
        vectors,
      },
      catalogs: { defaultFunctions: functions, cache: new CatalogCache() },
    },
    loadOptions: loadOptionsOf(functions),
    close: () => vectors.close(),
  };
}
