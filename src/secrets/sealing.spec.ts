import { randomBytes } from 'node:crypto';
import {
  BOUND_PATTERN,
  BOUND_PREFIX,
  isSealed,
  openBound,
  openSealed,
  parseSealingKey,
  sealBound,
  sealSecret,
  SealingError,
  SEALED_PREFIX,
} from './sealing';

describe('sealing', () => {
  const key = randomBytes(32);

  it('round-trips values, including empty and unicode text', () => {
    for (const value of ['', 's3cr3t', 'päss wörd ✓', 'x'.repeat(10_000)]) {
      const sealed = sealSecret(value, key);
      expect(isSealed(sealed)).toBe(true);
      expect(sealed.startsWith(SEALED_PREFIX)).toBe(true);
      expect(openSealed(sealed, key)).toBe(value);
    }
  });

  it('never shows the clear value in the sealed text and uses a fresh IV each time', () => {
    const a = sealSecret('hunter2-hunter2', key);
    const b = sealSecret('hunter2-hunter2', key);
    expect(a).not.toContain('hunter2');
    expect(a).not.toBe(b);
  });

  it('rejects a wrong key', () => {
    const sealed = sealSecret('value', key);
    expect(() => openSealed(sealed, randomBytes(32))).toThrow(SealingError);
  });

  it('detects tampering in every part', () => {
    const sealed = sealSecret('value-to-protect', key);
    const body = sealed.slice(SEALED_PREFIX.length).split('.');
    for (let i = 0; i < 3; i++) {
      const parts = [...body];
      const bytes = Buffer.from(parts[i], 'base64url');
      bytes[0] ^= 0x01;
      parts[i] = bytes.toString('base64url');
      expect(() => openSealed(SEALED_PREFIX + parts.join('.'), key)).toThrow(SealingError);
    }
  });

  it('rejects malformed input and bad keys without echoing the value', () => {
    expect(() => openSealed('plain-secret', key)).toThrow(/not sealed/);
    expect(() => openSealed(`${SEALED_PREFIX}abc`, key)).toThrow(/malformed/);
    expect(() => sealSecret('v', Buffer.alloc(16))).toThrow(/32 bytes/);
    try {
      openSealed('plain-secret', key);
    } catch (err) {
      expect(String(err)).not.toContain('plain-secret');
    }
  });

  it('parses 32-byte keys as hex, base64 and base64url, and refuses other lengths', () => {
    const raw = randomBytes(32);
    expect(parseSealingKey(raw.toString('hex'))?.equals(raw)).toBe(true);
    expect(parseSealingKey(raw.toString('base64'))?.equals(raw)).toBe(true);
    expect(parseSealingKey(raw.toString('base64url'))?.equals(raw)).toBe(true);
    expect(parseSealingKey(randomBytes(16).toString('base64'))).toBeUndefined();
    expect(parseSealingKey('not a key!')).toBeUndefined();
  });
});

describe('sealing bound to one execution', () => {
  const key = randomBytes(32);

  it('opens only under the binding it was sealed for', () => {
    const sealed = sealBound('tok-abc', key, 'exec-1');
    expect(sealed.startsWith(BOUND_PREFIX)).toBe(true);
    expect(sealed).not.toContain('tok-abc');
    expect(openBound(sealed, key, 'exec-1')).toBe('tok-abc');
    expect(() => openBound(sealed, key, 'exec-2')).toThrow(SealingError);
  });

  it('is never opened as a plain sealed secret, nor the reverse', () => {
    const bound = sealBound('tok-abc', key, 'exec-1');
    expect(() => openSealed(bound, key)).toThrow(SealingError);
    const plain = sealSecret('tok-abc', key);
    expect(() => openBound(plain, key, 'exec-1')).toThrow(SealingError);
  });

  it('is found inside a longer string by BOUND_PATTERN', () => {
    const bound = sealBound('', key, 'e');
    expect(`Bearer ${bound}, next`.match(BOUND_PATTERN)).toEqual([bound]);
    expect(`${bound}${bound}tail`.match(BOUND_PATTERN)).toEqual([bound, bound]);
  });
});
