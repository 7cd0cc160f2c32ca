import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CatalogCache } from '../catalogs/catalog-cache';
import { readCatalogFolder, type DefaultCatalogFunctions } from '../catalogs/catalog-folder';
import type { AppConfigService } from '../config/config.module';
import type { AiConfig } from '../config/runner-config';
import { MetricsService } from '../observability/metrics.service';
import type { AiSettings, CatalogSettings } from '../temporal/activities/deps';
import type { LoadOptions } from '../zigflow/loader';
import { vectorStoreProvider } from './vector-backends';
import type { VectorStoreProvider } from './vector-store';

/**
 * The default catalog's functions and what they run on: the model endpoint settings, the vector store
 * (opened on first use, closed after the worker has drained) and the catalog cache. The operator's
 * DEFAULT_CATALOG_DIR is read once here; a bad definition stops the start naming its file.
 */
@Injectable()
export class AiService implements OnApplicationShutdown {
  private readonly log = new Logger(AiService.name);
  private readonly settings: AiConfig;
  readonly defaultFunctions: DefaultCatalogFunctions;
  private readonly cache = new CatalogCache();
  private readonly vectors: VectorStoreProvider;

  constructor(
    @Inject(ConfigService) config: AppConfigService,
    private readonly metrics: MetricsService,
  ) {
    this.settings = config.get('ai', { infer: true });
    this.defaultFunctions = this.settings.defaultCatalogDir
      ? readCatalogFolder(this.settings.defaultCatalogDir)
      : new Map();
    if (this.defaultFunctions.size > 0) {
      this.log.log({ functions: [...this.defaultFunctions.keys()], msg: 'default catalog folder read' });
    }
    this.vectors = vectorStoreProvider({
      dir: this.settings.vectorStoreDir,
      url: this.settings.vectorStoreUrl,
      poolSize: this.settings.vectorStorePoolSize,
    });
  }

  /** Loader options that make the folder's functions valid `@default` calls. */
  get loadOptions(): Pick<LoadOptions, 'defaultCatalog'> {
    return this.defaultFunctions.size > 0 ? { defaultCatalog: new Set(this.defaultFunctions.keys()) } : {};
  }

  /** The activities' share: model settings, the vector store, token metrics, catalogs. */
  activityDeps(): { ai: AiSettings; catalogs: CatalogSettings } {
    const { settings } = this;
    return {
      ai: {
        models: {
          baseUrl: settings.baseUrl,
          apiKey: settings.apiKey,
          defaultModel: settings.defaultModel,
          defaultEmbeddingModel: settings.defaultEmbeddingModel,
          requestTimeoutMs: settings.requestTimeoutMs,
        },
        vectors: this.vectors,
        onUsage: (usage) => this.metrics.modelUsage(usage),
      },
      catalogs: { defaultFunctions: this.defaultFunctions, cache: this.cache },
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.vectors
      .close()
      .catch((err) => this.log.warn({ err: String(err), msg: 'closing the vector store failed' }));
  }
}
