/**
 * Bootstrap of the runner service (the CLI's `serve`): the gRPC API on GRPC_PORT and the HTTP app
 * (health) on HEALTH_PORT; metrics listen on METRICS_PORT (ObservabilityModule). SIGTERM runs Nest's
 * shutdown hooks: the worker drains, queued callbacks flush, connections close.
 */
import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module';
import type { AppConfigService } from './config/config.module';
import { grpcServerOptions } from './executor/grpc-options';

/**
 * JSON bodies up to this size on the HTTP app: the codec endpoint receives whole batches of payloads, base64
 * encoded, and one workflow input may carry a document of MAX_WORKFLOW_BYTES (2 MB).
 */
const HTTP_JSON_LIMIT = '32mb';

export type BootstrapOptions = AppModuleOptions;

export async function bootstrap(options: BootstrapOptions = {}): Promise<INestApplication> {
  // abortOnError off: a bad configuration must surface as an error the CLI prints, not a process abort.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bufferLogs: true,
    abortOnError: false,
  });
  try {
    app.useLogger(app.get(Logger));
    // Before init: the default 100 kB JSON parser is then not registered.
    app.useBodyParser('json', { limit: HTTP_JSON_LIMIT });
    // process.exit after the hooks (not a re-raised signal): the async pino stream flushes its last lines.
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
    const server = app.get<AppConfigService>(ConfigService).get('server', { infer: true });
    app.connectMicroservice(grpcServerOptions(server.grpcPort), { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.listen(server.healthPort);
    app.get(Logger).log({ grpcPort: server.grpcPort, healthPort: server.healthPort, msg: 'workflow runner started' });
    return app;
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
}
