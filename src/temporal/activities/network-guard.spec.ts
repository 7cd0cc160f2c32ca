import { assertCallable, isBlockedAddress } from './network-guard';

describe('network guard', () => {
  it('blocks link-local and cloud metadata addresses by default', () => {
    expect(isBlockedAddress('169.254.169.254', false)).toBe(true);
    expect(isBlockedAddress('::ffff:169.254.169.254', false)).toBe(true);
    expect(isBlockedAddress('fe80::1', false)).toBe(true);
    expect(isBlockedAddress('100.100.100.200', false)).toBe(true);
    expect(isBlockedAddress('127.0.0.1', false)).toBe(false);
    expect(isBlockedAddress('8.8.8.8', false)).toBe(false);
  });

  it('blocks loopback and private ranges only when asked', () => {
    expect(isBlockedAddress('10.1.2.3', true)).toBe(true);
    expect(isBlockedAddress('172.20.0.1', true)).toBe(true);
    expect(isBlockedAddress('172.32.0.1', true)).toBe(false);
    expect(isBlockedAddress('::1', true)).toBe(true);
  });

  it('refuses metadata hosts unless allow-listed', async () => {
    await expect(assertCallable(new URL('http://169.254.169.254/latest'), {}, '/do/0/x')).rejects.toMatchObject({
      type: 'DslError',
    });
    await expect(assertCallable(new URL('http://metadata.google.internal/'), {}, '/do/0/x')).rejects.toBeDefined();
    await expect(
      assertCallable(new URL('http://169.254.169.254/'), { allowHosts: ['169.254.169.254'] }, '/'),
    ).resolves.toBeUndefined();
  });

  it('refuses schemes other than http and https as a configuration error, even for allow-listed hosts', async () => {
    for (const uri of ['file:///etc/passwd', 'ftp://example.com/x', 'gopher://localhost/1', 'data:text/plain,hi']) {
      const refusal = await assertCallable(
        new URL(uri),
        { allowHosts: ['localhost', 'example.com', ''] },
        '/do/0/x',
      ).then(
        () => undefined,
        (e: { details?: unknown[] }) => e.details?.[0],
      );
      expect(refusal).toMatchObject({
        type: expect.stringContaining('/errors/configuration'),
        status: 400,
        instance: '/do/0/x',
        detail: expect.stringContaining(`endpoint scheme '${new URL(uri).protocol}' is not allowed`),
      });
    }
  });
});
