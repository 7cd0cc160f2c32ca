/**
 * Bootstrap of the runner service (the CLI's `serve`): the gRPC API on GRPC_PORT and the HTTP app
 * (health) on HEALTH_PORT; metrics listen on METRICS_PORT (ObservabilityModule). SIGTERM runs Nest's
 * shutdown hooks: the worker drains, queued callbacks flush, connections close.
 */
import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module';
import type { AppConfigService } from './config/config.module';
import { grpcServerOptions } from './executor/grpc-options';

export type BootstrapOptions = AppModuleOptions;

export async function bootstrap(options: BootstrapOptions = {}): Promise<INestApplication> {
  // abortOnError off: a bad configuration must surface as an error the CLI prints, not a process abort.
  const app = await NestFactory.create(AppModule.forRoot(options), { bufferLogs: true, abortOnError: false });
  try {
    app.useLogger(app.get(Logger));
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
