import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { encryptedBundleSibling, ENCODED_FAILURES_PATH, runnerDataConverter } from './data-converter';
import { loadKeyRing } from './key-ring';

describe('runnerDataConverter', () => {
  it('is the SDK default without keys, and encrypts payloads and failure messages with them', () => {
    expect(runnerDataConverter(undefined)).toBeUndefined();
    const keys = mkdtempSync(join(tmpdir(), 'keys-'));
    writeFileSync(join(keys, 'k1'), randomBytes(32).toString('base64'));
    const ring = loadKeyRing(keys);
    const converter = runnerDataConverter(ring);
    expect(converter?.payloadCodecs).toHaveLength(1);
    expect(converter?.failureConverterPath).toBe(ENCODED_FAILURES_PATH);
  });
});

describe('encryptedBundleSibling', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-sibling-'));
  writeFileSync(join(dir, 'with.js'), '');
  writeFileSync(join(dir, 'with.encrypted.js'), '');
  writeFileSync(join(dir, 'without.js'), '');

  it('finds the .encrypted.js file beside the configured bundle', () => {
    expect(encryptedBundleSibling(join(dir, 'with.js'))).toBe(join(dir, 'with.encrypted.js'));
    expect(encryptedBundleSibling(join(dir, 'with.encrypted.js'))).toBe(join(dir, 'with.encrypted.js'));
  });

  it('has none when the bundle was built without it', () => {
    expect(encryptedBundleSibling(join(dir, 'without.js'))).toBeUndefined();
  });
});
