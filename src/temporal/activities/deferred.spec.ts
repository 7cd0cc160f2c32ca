import { randomBytes } from 'node:crypto';
import { sealSecret } from '../../secrets/sealing';
import { resolveDeferred } from './deferred';

const key = randomBytes(32);
const scope = (mode?: 'strict' | 'loose') => ({
  input: { user: 'ada' },
  variables: { context: {}, task: {}, workflow: {}, runtime: {} },
  sealedSecrets: { token: sealSecret('t0k', key) },
  env: {},
  mode,
});

describe('resolveDeferred', () => {
  it('opens sealed secrets and evaluates the deferred expressions only', () => {
    const args = {
      a: { $deferredExpression: '${ $secrets.token }' },
      b: [{ $deferredExpression: '${ .user + $secrets.token }' }],
      c: 'plain',
    };
    expect(resolveDeferred(args, scope(), key, '/do/0/x')).toEqual({ a: 't0k', b: ['adat0k'], c: 'plain' });
  });

  it('interpolates in loose mode', () => {
    expect(resolveDeferred({ $deferredExpression: 'Bearer ${ $secrets.token }' }, scope('loose'), key, '/')).toBe(
      'Bearer t0k',
    );
  });

  it('refuses to open secrets without the key or with a wrong key, naming only the secret', () => {
    expect(() => resolveDeferred({ $deferredExpression: '${ $secrets.token }' }, scope(), undefined, '/')).toThrow(
      /no secrets key/,
    );
    try {
      resolveDeferred({ $deferredExpression: '${ $secrets.token }' }, scope(), randomBytes(32), '/do/1/y');
      throw new Error('expected a failure');
    } catch (e) {
      expect(String((e as Error).message)).toContain("secret 'token'");
      expect(String((e as Error).message)).not.toContain('t0k');
    }
  });
});
