import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { BOUND_PREFIX, sealBound, sealSecret } from '../../secrets/sealing';
import { authorizedResult } from './authorization';
import { resolveDeferred } from './deferred';
import type { AuthorizationDescriptor, AuthorizedResult } from './types';

const key = randomBytes(32);
const scope = {
  input: {},
  variables: { context: {}, task: {}, workflow: {}, runtime: {} },
  sealedSecrets: { extra: sealSecret('x', key) },
  env: {},
};
const inExecution = (workflowId: string) =>
  new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'run-1' } }, { logger: undefined });

describe('$authorization in activities', () => {
  it('seals the parameter for the execution and keeps the scheme clear', async () => {
    const result = await inExecution('exec-1').run(async (): Promise<AuthorizedResult> =>
      authorizedResult({ secretsKey: key }, { ok: true }, { authorization: { scheme: 'Bearer', parameter: 'tok-1' } }),
    );
    const authorization = result.authorization as AuthorizationDescriptor;
    expect(result.output).toEqual({ ok: true });
    expect(authorization.scheme).toBe('Bearer');
    expect(authorization.parameter?.startsWith(BOUND_PREFIX)).toBe(true);
    expect(JSON.stringify(result)).not.toContain('tok-1');
  });

  it('describes no authorization as null, and withholds the parameter without a key', async () => {
    const env = inExecution('exec-1');
    expect(await env.run(async () => authorizedResult({ secretsKey: key }, 1, {}))).toEqual({
      output: 1,
      authorization: null,
    });
    const keyless = await env.run(async (): Promise<AuthorizedResult> =>
      authorizedResult({}, 1, { authorization: { scheme: 'Basic', parameter: 'dTpw' } }),
    );
    expect(keyless.authorization).toEqual({ scheme: 'Basic', parameter: null });
  });

  it('opens bound values inside literal strings and deferred results, only in their own execution', async () => {
    const sealed = sealBound('tok-1', key, 'exec-1');
    const args = {
      headers: { authorization: `Bearer ${sealed}` },
      body: [{ $deferredExpression: `\${ "${sealed}" + $secrets.extra }` }],
    };
    const opened = await inExecution('exec-1').run(async () => resolveDeferred(args, scope, key, '/do/0/a'));
    expect(opened).toEqual({ headers: { authorization: 'Bearer tok-1' }, body: ['tok-1x'] });
    await expect(inExecution('exec-2').run(async () => resolveDeferred(args, scope, key, '/do/0/a'))).rejects.toThrow(
      'does not belong to this execution',
    );
    await expect(
      inExecution('exec-1').run(async () => resolveDeferred(args, scope, undefined, '/do/0/a')),
    ).rejects.toThrow('no secrets key');
  });
});
