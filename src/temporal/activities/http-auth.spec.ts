import { createHash } from 'node:crypto';
import { expandTemplate } from './call-http';
import { digestAuthorization } from './http-auth';

describe('http helpers', () => {
  it('expands level-1 URI templates from the top-level input fields', () => {
    expect(expandTemplate('https://x/pet/{petId}?s={status}', { petId: 1, status: 'a b' })).toBe('https://x/pet/1?s=a%20b');
    expect(expandTemplate('https://x/{missing}', {})).toBe('https://x/{missing}');
  });

  it('answers an RFC 7616 digest challenge (MD5, qop=auth)', () => {
    const header = digestAuthorization(
      'Digest realm="r", nonce="n", qop="auth", opaque="o"',
      { username: 'u', password: 'p' },
      'GET',
      new URL('http://h/a?b=1'),
    );
    expect(header).toBeDefined();
    const fields = Object.fromEntries([...header!.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1], m[2]]));
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const expected = md5(`${md5('u:r:p')}:n:${fields.nc}:${fields.cnonce}:auth:${md5('GET:/a?b=1')}`);
    expect(fields.response).toBe(expected);
    expect(fields.opaque).toBe('o');
    expect(digestAuthorization('Basic realm="r"', {}, 'GET', new URL('http://h/'))).toBeUndefined();
  });
});
