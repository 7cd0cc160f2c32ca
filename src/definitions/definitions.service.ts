import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfigService } from '../config/config.module';
import { ExecutorService } from '../executor/executor.service';
import { definitionLabel } from '../temporal/definition-registry.contract';
import { TemporalService } from '../temporal/temporal.service';
import type { LoadOptions } from '../zigflow/loader';
import { DefinitionCatalog, type ListedDefinition, type RegisterResult, type RemoveResult } from './definition-catalog';
import { parseDefinition, type ParsedDefinition } from './definition-document';
import { DefinitionSchedules } from './definition-schedules';
import { readDefinitionFiles } from './definitions-dir';

export type { ListedDefinition, RegisterResult, RemoveResult } from './definition-catalog';

/** Pacing of the start-up registration while Temporal or the worker is not there yet. */
const STARTUP_RETRY_MIN_MS = 1000;
const STARTUP_RETRY_MAX_MS = 30_000;

/**
 * Workflow definitions registered with the runner (`run: workflow`, schedules): validated here, stored in the
 * registry workflow (TemporalService.definitions), schedules kept in step with the latest version of each
 * namespace/name. Definitions of WORKFLOW_DEFINITIONS_DIR are validated at start (a bad file stops the
 * start) and registered in the background once Temporal answers.
 */
@Injectable()
export class DefinitionsService implements OnModuleInit, OnApplicationBootstrap {
  private readonly log = new Logger(DefinitionsService.name);
  private readonly loadOptions: LoadOptions;
  private readonly dir?: string;
  private readonly catalog: DefinitionCatalog;
  private startupFiles: Array<{ file: string; definition: ParsedDefinition }> = [];
  private startupDone?: Promise<void>;
  private stopping = false;

  constructor(temporal: TemporalService, executor: ExecutorService, @Inject(ConfigService) config: AppConfigService) {
    const server = config.get('server', { infer: true });
    this.loadOptions = { maxBytes: server.maxWorkflowBytes };
    this.dir = server.definitionsDir;
    const schedules = new DefinitionSchedules({
      client: temporal.client,
      taskQueue: temporal.taskQueue,
      runStart: (yaml, metadata) => executor.scheduledRunStart(yaml, metadata),
      log: this.log,
    });
    this.catalog = new DefinitionCatalog({
      registry: temporal.definitions,
      schedules,
      loadOptions: this.loadOptions,
      log: this.log,
    });
  }

  /** Reads and validates every file of WORKFLOW_DEFINITIONS_DIR; the first bad one stops the start. */
  async onModuleInit(): Promise<void> {
    if (!this.dir) return;
    const files = await readDefinitionFiles(this.dir);
    const seen = new Map<string, string>();
    this.startupFiles = files.map(({ file, yaml }) => {
      let definition: ParsedDefinition;
      try {
        definition = parseDefinition(yaml, this.loadOptions, file);
      } catch (err) {
        throw new Error(`WORKFLOW_DEFINITIONS_DIR: ${err instanceof Error ? err.message : String(err)}`);
      }
      const label = definitionLabel(definition.key);
      const other = seen.get(label);
      if (other) throw new Error(`WORKFLOW_DEFINITIONS_DIR: ${file} and ${other} both define ${label}`);
      seen.set(label, file);
      return { file, definition };
    });
    this.log.log({ dir: this.dir, definitions: this.startupFiles.length, msg: 'workflow definitions read' });
  }

  onApplicationBootstrap(): void {
    if (this.startupFiles.length > 0) this.startupDone = this.registerStartupFiles();
  }

  /** Resolves once the start-up definitions are registered (tests, readiness); never rejects. */
  async startupRegistration(): Promise<void> {
    await this.startupDone;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
  }

  async register(yaml: string | undefined): Promise<RegisterResult> {
    return this.catalog.register(parseDefinition(yaml, this.loadOptions));
  }

  async remove(ref: { namespace?: string; name?: string; version?: string }): Promise<RemoveResult> {
    return this.catalog.remove(ref);
  }

  /** Ordered by namespace, name, version (oldest first); `latest` marks what an unversioned reference gets. */
  async list(filter: { namespace?: string; name?: string } = {}): Promise<ListedDefinition[]> {
    return this.catalog.list(filter);
  }

  /** Registers the directory's definitions, retrying until Temporal and the worker answer (or shutdown). */
  private async registerStartupFiles(): Promise<void> {
    let delay = STARTUP_RETRY_MIN_MS;
    for (const { file, definition } of this.startupFiles) {
      while (!this.stopping) {
        try {
          await this.catalog.register(definition);
          break;
        } catch (err) {
          this.log.warn({
            file,
            err: err instanceof Error ? err.message : String(err),
            retryInMs: delay,
            msg: 'registering a workflow definition failed; retrying',
          });
          await new Promise((resolve) => setTimeout(resolve, delay).unref());
          delay = Math.min(delay * 2, STARTUP_RETRY_MAX_MS);
        }
      }
    }
    if (!this.stopping)
      this.log.log({ dir: this.dir, definitions: this.startupFiles.length, msg: 'workflow definitions registered' });
  }
}
