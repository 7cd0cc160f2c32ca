/** Start-up with a bad environment: bootstrap rejects with every bad variable named, secrets unprinted. */
import { bootstrap } from '../../src/main';
import { ConfigValidationError } from '../../src/config/validate-environment';

describe('runner service start-up', () => {
  it('refuses to start on a bad environment, naming every bad variable and printing no secret', async () => {
    const apiKey = 'do-not-print-this-key';
    const error = await bootstrap({
      env: {
        GRPC_PORT: 'grpc',
        HEALTH_PORT: '99999',
        LOG_LEVEL: 'chatty',
        STIGMER_SERVICE_ENDPOINT: 'stigmer:443',
        STIGMER_SERVICE_API_KEY: apiKey,
        RUNNER_SECRETS_KEY: 'too-short',
      },
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigValidationError);
    const variables = (error as ConfigValidationError).problems.map((p) => p.variable);
    expect(variables).toEqual([
      'GRPC_PORT',
      'HEALTH_PORT',
      'LOG_LEVEL',
      'RUNNER_SECRETS_KEY',
      'TEMPORAL_SERVICE_ADDRESS',
    ]);
    expect(String(error)).not.toContain(apiKey);
    expect(String(error)).not.toContain('too-short');
  });
});
