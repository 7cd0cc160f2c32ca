import { Test } from '@nestjs/testing';
import { ConfigService } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { ConfigModule } from './config.module';
import { ConfigValidationError, validateEnvironment } from './validate-environment';
import type { RunnerConfig } from './runner-config';
import { activityDepsFromConfig } from './activity-deps';

const minimal = { TEMPORAL_SERVICE_ADDRESS: 'localhost:7233' };

describe('validateEnvironment', () => {
  it('applies the documented defaults', () => {
    const config = validateEnvironment(minimal);
    expect(config.temporal).toEqual({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'workflow-runner',
      shutdownGraceMs: 30_000,
      workflowBundlePath: undefined,
    });
    expect(config.server).toEqual({
      grpcPort: 50051,
      healthPort: 3000,
      metricsPort: 9090,
      logLevel: 'info',
      nodeEnv: undefined,
      maxWorkflowBytes: 1024 * 1024,
    });
    expect(config.callback.endpoint).toBeUndefined();
    expect(config.callback.useTls).toBe(true);
    expect(config.callback).toMatchObject({
      giveUpAfterMs: 0,
      checkpointIntervalMs: 2000,
      heartbeatIntervalMs: 5000,
      deadAfterMs: 30_000,
    });
    expect(config.runtime.shellEnabled).toBe(false);
    expect(config.runtime.secretsKey).toBeUndefined();
    expect(config.runtime.httpBlockPrivateNetworks).toBe(false);
  });

  it('parses every typed value', () => {
    const key = randomBytes(32);
    const config = validateEnvironment({
      ...minimal,
      TEMPORAL_NAMESPACE: 'prod',
      TEMPORAL_TASK_QUEUE: 'q1',
      WORKER_SHUTDOWN_GRACE: '2m',
      STIGMER_SERVICE_ENDPOINT: 'stigmer.example.com:443',
      STIGMER_SERVICE_API_KEY: 'k',
      STIGMER_SERVICE_USE_TLS: 'false',
      CALLBACK_TIMEOUT: '1.5s',
      CALLBACK_MAX_ATTEMPTS: '4',
      CALLBACK_GIVE_UP_AFTER: '168h',
      CALLBACK_CHECKPOINT_INTERVAL: '500ms',
      CALLBACK_HEARTBEAT_INTERVAL: '1s',
      CALLBACK_REPLICA_DEAD_AFTER: '3s',
      LOG_LEVEL: 'debug',
      GRPC_PORT: '6000',
      RUNNER_SECRETS_KEY: key.toString('hex'),
      CALL_HTTP_ALLOWED_HOSTS: 'api.example.com, 169.254.169.254',
      CALL_HTTP_BLOCK_PRIVATE_NETWORKS: 'true',
      RUN_SHELL_ENABLED: 'yes',
      CONTAINER_RUNTIME: 'podman',
      EVENT_SINK_URL: 'http://localhost:8080/events',
    });
    expect(config.temporal.shutdownGraceMs).toBe(120_000);
    expect(config.callback).toMatchObject({
      endpoint: 'stigmer.example.com:443',
      apiKey: 'k',
      useTls: false,
      callTimeoutMs: 1500,
      maxAttempts: 4,
      giveUpAfterMs: 168 * 3_600_000,
      checkpointIntervalMs: 500,
      heartbeatIntervalMs: 1000,
      deadAfterMs: 3000,
    });
    expect(config.server).toMatchObject({ logLevel: 'debug', grpcPort: 6000 });
    expect(config.runtime.secretsKey?.equals(key)).toBe(true);
    expect(config.runtime.httpAllowedHosts).toEqual(['api.example.com', '169.254.169.254']);
    expect(config.runtime.httpBlockPrivateNetworks).toBe(true);
    expect(config.runtime).toMatchObject({
      shellEnabled: true,
      containerRuntime: 'podman',
      eventSinkUrl: 'http://localhost:8080/events',
    });
  });

  it('refuses a replica dead-after shorter than two heartbeats, naming both variables', () => {
    const check = (env: Record<string, string>) => {
      try {
        validateEnvironment({ ...minimal, ...env });
        return [];
      } catch (err) {
        return (err as ConfigValidationError).problems.map((p) => p.variable);
      }
    };
    expect(check({ CALLBACK_HEARTBEAT_INTERVAL: '2s', CALLBACK_REPLICA_DEAD_AFTER: '3s' })).toEqual([
      'CALLBACK_HEARTBEAT_INTERVAL',
      'CALLBACK_REPLICA_DEAD_AFTER',
    ]);
    // Against the default dead-after (30s).
    expect(check({ CALLBACK_HEARTBEAT_INTERVAL: '20s' })).toEqual(['CALLBACK_HEARTBEAT_INTERVAL']);
    expect(check({ CALLBACK_CHECKPOINT_INTERVAL: '0s' })).toEqual(['CALLBACK_CHECKPOINT_INTERVAL']);
    expect(check({ CALLBACK_HEARTBEAT_INTERVAL: '1s', CALLBACK_REPLICA_DEAD_AFTER: '2s' })).toEqual([]);
  });

  it('treats empty strings as unset', () => {
    const config = validateEnvironment({ ...minimal, STIGMER_SERVICE_ENDPOINT: '', GRPC_PORT: ' ' });
    expect(config.callback.endpoint).toBeUndefined();
    expect(config.server.grpcPort).toBe(50051);
  });

  it('lists every bad variable by name in one error', () => {
    const bad = {
      TEMPORAL_SERVICE_ADDRESS: 'no-port',
      HEALTH_PORT: '70000',
      GRPC_PORT: 'abc',
      LOG_LEVEL: 'loud',
      STIGMER_SERVICE_USE_TLS: 'maybe',
      WORKER_SHUTDOWN_GRACE: 'soon',
      CALL_HTTP_ALLOWED_HOSTS: 'a.example.com,http://b/',
      CALL_HTTP_BLOCK_PRIVATE_NETWORKS: 'sometimes',
      CONTAINER_RUNTIME: 'lxc',
      MAX_WORKFLOW_BYTES: '5000000',
      STIGMER_SERVICE_CA_FILE: '/does/not/exist.pem',
    };
    let error: unknown;
    try {
      validateEnvironment(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const variables = (error as ConfigValidationError).problems.map((p) => p.variable);
    expect(variables).toEqual(Object.keys(bad).sort());
    for (const name of Object.keys(bad)) expect((error as Error).message).toContain(name);
  });

  it('reports a missing Temporal address and an endpoint without API key', () => {
    expect(() => validateEnvironment({ STIGMER_SERVICE_ENDPOINT: 'localhost:1' })).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({ variable: 'STIGMER_SERVICE_API_KEY' }),
          expect.objectContaining({ variable: 'TEMPORAL_SERVICE_ADDRESS' }),
        ],
      }),
    );
  });

  it('never prints secret values', () => {
    const apiKey = 'sk-very-secret-api-key';
    const secretsKey = 'short-secret-key-value';
    let message = '';
    try {
      validateEnvironment({
        STIGMER_SERVICE_API_KEY: apiKey,
        RUNNER_SECRETS_KEY: secretsKey,
        STIGMER_SERVICE_ENDPOINT: 'bad endpoint',
      });
    } catch (err) {
      message = `${(err as Error).message} ${JSON.stringify(err)}`;
    }
    expect(message).toContain('RUNNER_SECRETS_KEY');
    expect(message).not.toContain(apiKey);
    expect(message).not.toContain(secretsKey);
  });
});

describe('model and vector store settings', () => {
  it('defaults to the openai client defaults and an embedded store under the working directory', () => {
    expect(validateEnvironment(minimal).ai).toEqual({
      baseUrl: undefined,
      apiKey: undefined,
      defaultModel: 'gpt-4o-mini',
      defaultEmbeddingModel: 'text-embedding-3-small',
      requestTimeoutMs: 120_000,
      vectorStoreDir: '.vector-store',
      vectorStoreUrl: undefined,
      vectorStorePoolSize: 4,
      defaultCatalogDir: undefined,
    });
  });

  it('reads the openai variables, the models, the store and the catalog folder', () => {
    const config = validateEnvironment({
      ...minimal,
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      OPENAI_API_KEY: 'sk-abc',
      LLM_DEFAULT_MODEL: 'llama3.1:8b',
      LLM_DEFAULT_EMBEDDING_MODEL: 'nomic-embed-text',
      LLM_REQUEST_TIMEOUT: '45s',
      VECTOR_STORE_URL: 'postgresql://app:pw@db.internal:5432/vectors',
      VECTOR_STORE_POOL_SIZE: '12',
      DEFAULT_CATALOG_DIR: __dirname,
    });
    expect(config.ai).toMatchObject({
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: 'sk-abc',
      defaultModel: 'llama3.1:8b',
      defaultEmbeddingModel: 'nomic-embed-text',
      requestTimeoutMs: 45_000,
      vectorStoreUrl: 'postgresql://app:pw@db.internal:5432/vectors',
      vectorStorePoolSize: 12,
      defaultCatalogDir: __dirname,
    });
  });

  it('names bad values without printing the key or the database URL', () => {
    let message = '';
    try {
      validateEnvironment({
        ...minimal,
        OPENAI_BASE_URL: 'not a url',
        VECTOR_STORE_URL: 'mysql://root:hunter2@db/x',
        DEFAULT_CATALOG_DIR: '/no/such/dir',
        LLM_DEFAULT_MODEL: 'bad model name',
        VECTOR_STORE_POOL_SIZE: '0',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const name of ['OPENAI_BASE_URL', 'VECTOR_STORE_URL', 'DEFAULT_CATALOG_DIR', 'LLM_DEFAULT_MODEL']) {
      expect(message).toContain(name);
    }
    expect(message).toContain('VECTOR_STORE_POOL_SIZE: must be a positive whole number of connections');
    expect(message).not.toContain('hunter2');
  });
});

describe('ConfigModule', () => {
  it('serves the grouped config through ConfigService and ignores unrelated variables', async () => {
    const env = { TEMPORAL_SERVICE_ADDRESS: 'temporal:7233', GRPC_PORT: '7000', PATH: '/bin' };
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot({ env })] }).compile();
    const config = moduleRef.get<ConfigService<RunnerConfig, true>>(ConfigService);
    expect(config.get('temporal', { infer: true }).address).toBe('temporal:7233');
    expect(config.get('server', { infer: true }).grpcPort).toBe(7000);
    expect(config.get('PATH' as never)).toBeUndefined();
  });

  it('fails the start when the environment is bad', async () => {
    await expect(ConfigModule.forRoot({ env: { GRPC_PORT: 'x' } })).rejects.toThrow(
      /GRPC_PORT[\s\S]*TEMPORAL_SERVICE_ADDRESS/,
    );
  });
});

describe('activityDepsFromConfig', () => {
  it('maps the runtime settings onto the activities dependencies', () => {
    const key = randomBytes(32);
    const config = validateEnvironment({
      ...minimal,
      RUNNER_SECRETS_KEY: key.toString('base64'),
      RUN_SCRIPT_ENABLED: 'true',
      RUN_TIMEOUT: '10s',
      CONTAINER_RUNTIME: 'docker',
      CALL_HTTP_TIMEOUT: '3s',
      CALL_HTTP_ALLOWED_HOSTS: '169.254.169.254',
    });
    const deps = activityDepsFromConfig(config);
    expect(deps.secretsKey?.equals(key)).toBe(true);
    expect(deps.http).toEqual({
      requestTimeoutMs: 3000,
      maxResponseBytes: 10 * 1024 * 1024,
      allowHosts: ['169.254.169.254'],
      blockPrivateNetworks: false,
    });
    expect(deps.process).toEqual({
      shellEnabled: false,
      scriptEnabled: true,
      timeoutMs: 10_000,
      containerRuntime: 'docker',
    });
    expect(activityDepsFromConfig(minimalConfig()).process?.containerRuntime).toBeUndefined();
  });

  it('keeps MCP over stdio off by default and maps its allow-list when enabled', () => {
    expect(activityDepsFromConfig(minimalConfig()).mcp).toEqual({
      stdioEnabled: false,
      stdioCommands: [],
      timeoutMs: 60_000,
    });
    expect(activityDepsFromConfig(minimalConfig()).asyncApi).toEqual({ maxConsumeMs: 3_600_000 });
    const config = validateEnvironment({
      ...minimal,
      CALL_MCP_STDIO_ENABLED: 'true',
      CALL_MCP_STDIO_COMMANDS: 'node, npx @modelcontextprotocol/server-everything',
      CALL_MCP_TIMEOUT: '2m',
      CALL_ASYNCAPI_MAX_CONSUME: '10m',
    });
    expect(activityDepsFromConfig(config).mcp).toEqual({
      stdioEnabled: true,
      stdioCommands: [['node'], ['npx', '@modelcontextprotocol/server-everything']],
      timeoutMs: 120_000,
    });
    expect(activityDepsFromConfig(config).asyncApi).toEqual({ maxConsumeMs: 600_000 });
  });

  it('refuses MCP over stdio enabled without an allow-list, and shell characters in it', () => {
    expect(() => validateEnvironment({ ...minimal, CALL_MCP_STDIO_ENABLED: 'true' })).toThrow(
      /CALL_MCP_STDIO_COMMANDS: is required \(a comma-separated list of commands/,
    );
    expect(() =>
      validateEnvironment({ ...minimal, CALL_MCP_STDIO_ENABLED: 'true', CALL_MCP_STDIO_COMMANDS: 'node; rm -rf /' }),
    ).toThrow(/CALL_MCP_STDIO_COMMANDS: must be a comma-separated list of commands/);
  });
});

function minimalConfig() {
  return validateEnvironment(minimal);
}
