import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigValidationError, validateEncryptionEnvironment, validateEnvironment } from './validate-environment';

const minimal = { TEMPORAL_SERVICE_ADDRESS: 'localhost:7233' };

function keyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'config-keys-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

function problems(env: Record<string, string>): string {
  try {
    validateEnvironment({ ...minimal, ...env });
  } catch (err) {
    if (err instanceof ConfigValidationError) return err.message;
    throw err;
  }
  return '';
}

describe('payload encryption settings', () => {
  it('are off by default, and load the key ring and codec endpoint settings when set', () => {
    expect(validateEnvironment(minimal).encryption).toEqual({
      keyRing: undefined,
      codecServer: { authToken: undefined, allowUnauthenticated: false, corsOrigins: [] },
    });
    const config = validateEnvironment({
      ...minimal,
      PAYLOAD_ENCRYPTION_KEYS_DIR: keyDir({
        k1: randomBytes(32).toString('base64'),
        k2: randomBytes(32).toString('hex'),
      }),
      CODEC_SERVER_AUTH_TOKEN: 'a-token-of-some-length',
      CODEC_SERVER_CORS_ORIGINS: 'http://localhost:8233, https://temporal.example',
    }).encryption;
    expect(config.keyRing?.activeKeyId).toBe('k2');
    expect([...config.keyRing!.keys.keys()]).toEqual(['k1', 'k2']);
    expect(config.codecServer.corsOrigins).toEqual(['http://localhost:8233', 'https://temporal.example']);
  });

  it('names every bad variable and the bad key file, never a key or the token', () => {
    const secret = randomBytes(8).toString('hex');
    const message = problems({
      PAYLOAD_ENCRYPTION_KEYS_DIR: keyDir({ good: randomBytes(32).toString('base64'), bad: secret }),
      CODEC_SERVER_AUTH_TOKEN: 'short',
      CODEC_SERVER_CORS_ORIGINS: 'not an origin',
    });
    expect(message).toContain("PAYLOAD_ENCRYPTION_KEYS_DIR: key file 'bad' must hold a 32-byte key");
    expect(message).toContain('CODEC_SERVER_AUTH_TOKEN: must be at least 16 characters');
    expect(message).toContain('CODEC_SERVER_CORS_ORIGINS: must be a comma-separated list of origins');
    expect(message).not.toContain(secret);
    expect(message).not.toContain('short');
    const dir = keyDir({ k1: randomBytes(32).toString('base64') });
    expect(problems({ PAYLOAD_ENCRYPTION_KEYS_DIR: dir, PAYLOAD_ENCRYPTION_KEY_ID: 'k9' })).toContain(
      "active key 'k9' has no key file",
    );
    expect(problems({ PAYLOAD_ENCRYPTION_KEYS_DIR: join(dir, 'missing') })).toContain(
      'PAYLOAD_ENCRYPTION_KEYS_DIR: must name an existing directory of key files',
    );
  });

  it('can be validated alone (workflow-runner run needs no Temporal address)', () => {
    const dir = keyDir({ only: randomBytes(32).toString('base64') });
    expect(validateEncryptionEnvironment({ PAYLOAD_ENCRYPTION_KEYS_DIR: dir }).keyRing?.activeKeyId).toBe('only');
    expect(() => validateEncryptionEnvironment({ PAYLOAD_ENCRYPTION_KEYS_DIR: '/nonexistent' })).toThrow(
      ConfigValidationError,
    );
  });
});

describe('tracing settings', () => {
  it('are on exactly when an OTLP endpoint is set and nothing turns them off', () => {
    expect(validateEnvironment(minimal).tracing).toEqual({
      enabled: false,
      protocol: 'http/protobuf',
      serviceName: 'workflow-runner',
    });
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(validateEnvironment({ ...minimal, ...endpoint }).tracing.enabled).toBe(true);
    expect(
      validateEnvironment({ ...minimal, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }).tracing,
    ).toMatchObject({ enabled: true });
    expect(validateEnvironment({ ...minimal, ...endpoint, OTEL_SDK_DISABLED: 'true' }).tracing.enabled).toBe(false);
    expect(validateEnvironment({ ...minimal, ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).tracing.enabled).toBe(false);
    expect(
      validateEnvironment({
        ...minimal,
        ...endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
        OTEL_SERVICE_NAME: 'runner-eu',
      }).tracing,
    ).toEqual({ enabled: true, protocol: 'grpc', serviceName: 'runner-eu' });
  });

  it('refuses a protocol or exporter the runner does not speak', () => {
    const message = problems({ OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift', OTEL_TRACES_EXPORTER: 'zipkin' });
    expect(message).toContain('OTEL_EXPORTER_OTLP_PROTOCOL');
    expect(message).toContain('OTEL_TRACES_EXPORTER: must be otlp or none');
  });
});
