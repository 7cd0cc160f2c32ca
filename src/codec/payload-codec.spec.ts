import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { codecRequest, CodecRequestError } from './codec-http';
import { checkAccess, corsHeaders } from './codec-access';
import { KeyRingError, loadKeyRing } from './key-ring';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, isEncrypted, PayloadDecryptionError } from './payload-codec';

function keyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'codec-keys-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
const newKey = () => randomBytes(32).toString('base64');
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');

describe('loadKeyRing', () => {
  it('takes the file names as key ids, the newest (natural order) as active, and skips Secret bookkeeping', () => {
    const dir = keyDir({ k2: newKey(), k10: randomBytes(32).toString('hex'), k9: newKey() });
    mkdirSync(join(dir, '..2024_01_01'));
    writeFileSync(join(dir, '..data'), 'not a key');
    const ring = loadKeyRing(dir);
    expect([...ring.keys.keys()].sort()).toEqual(['k10', 'k2', 'k9']);
    expect(ring.activeKeyId).toBe('k10');
    expect(loadKeyRing(dir, 'k2').activeKeyId).toBe('k2');
  });

  it('names the bad file, never the key', () => {
    const secret = 'c2hvcnQ=';
    expect(() => loadKeyRing(keyDir({ old: newKey(), broken: secret }))).toThrow(
      /key file 'broken' must hold a 32-byte key/,
    );
    try {
      loadKeyRing(keyDir({ broken: secret }));
    } catch (err) {
      expect(String(err)).not.toContain(secret);
    }
    expect(() => loadKeyRing(keyDir({}))).toThrow(KeyRingError);
    expect(() => loadKeyRing(keyDir({ a: newKey() }), 'b')).toThrow(/active key 'b' has no key file/);
  });
});

describe('AesGcmPayloadCodec', () => {
  const dir = keyDir({ '2024-01': newKey(), '2024-06': newKey() });
  const ring = loadKeyRing(dir);
  const codec = new AesGcmPayloadCodec(ring);
  const payload = defaultPayloadConverter.toPayload({ orderId: 42, card: 'secret-card-number' });

  it('encrypts with the active key id and decrypts to the same payload', async () => {
    const [encrypted] = await codec.encode([payload]);
    expect(text(encrypted.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted.metadata?.['encryption-key-id'])).toBe('2024-06');
    expect(text(encrypted.data)).not.toContain('secret-card-number');
    const [decrypted] = await codec.decode([encrypted]);
    expect(defaultPayloadConverter.fromPayload(decrypted)).toEqual({ orderId: 42, card: 'secret-card-number' });
  });

  it('reads payloads of a rotated-out active key and passes clear payloads through', async () => {
    const old = new AesGcmPayloadCodec(loadKeyRing(dir, '2024-01'));
    const [encrypted] = await old.encode([payload]);
    const [fromOld, clear] = await codec.decode([encrypted, payload]);
    expect(defaultPayloadConverter.fromPayload(fromOld)).toEqual({ orderId: 42, card: 'secret-card-number' });
    expect(clear).toBe(payload);
    expect(isEncrypted(payload)).toBe(false);
  });

  it('refuses a payload of an unknown key or tampered data, naming the key id', async () => {
    const other = new AesGcmPayloadCodec(loadKeyRing(keyDir({ stranger: newKey() })));
    const [foreign] = await other.encode([payload]);
    await expect(codec.decode([foreign])).rejects.toThrow(/key 'stranger', which is not among the mounted keys/);
    const [encrypted] = await codec.encode([payload]);
    const data = Buffer.from(encrypted.data!);
    data[20] ^= 1;
    await expect(codec.decode([{ ...encrypted, data }])).rejects.toThrow(PayloadDecryptionError);
    // A payload relabelled to another key of the ring fails authentication too (the key id is in the AAD).
    const relabelled = {
      ...encrypted,
      metadata: { ...encrypted.metadata, 'encryption-key-id': Buffer.from('2024-01') },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication with key '2024-01'/);
  });

  it('handles a payload of several megabytes', async () => {
    const big = defaultPayloadConverter.toPayload({ document: 'x'.repeat(3_000_000) });
    const [decrypted] = await codec.decode(await codec.encode([big]));
    expect((defaultPayloadConverter.fromPayload(decrypted) as { document: string }).document).toHaveLength(3_000_000);
  });

  it('speaks the codec server JSON format and names bad fields', async () => {
    const json = {
      payloads: [
        {
          metadata: { encoding: Buffer.from('json/plain').toString('base64') },
          data: Buffer.from('{"a":1}').toString('base64'),
        },
      ],
    };
    const encoded = await codecRequest(codec, 'encode', json);
    expect(Buffer.from(encoded.payloads[0].metadata!.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    expect(await codecRequest(codec, 'decode', encoded)).toEqual(json);
    await expect(codecRequest(codec, 'decode', { payloads: [{ data: '***' }] })).rejects.toThrow(
      new CodecRequestError('payloads[0].data must be a base64 string'),
    );
    await expect(codecRequest(codec, 'decode', {})).rejects.toThrow('payloads must be an array');
  });
});

describe('codec endpoint access', () => {
  const config = {
    authToken: 'a-long-enough-token',
    allowUnauthenticated: false,
    corsOrigins: ['http://localhost:8233'],
  };

  it('allows the configured Web UI origin only', () => {
    expect(corsHeaders(config, 'http://localhost:8233')['Access-Control-Allow-Origin']).toBe('http://localhost:8233');
    expect(corsHeaders(config, 'http://evil.example')).toEqual({});
    expect(corsHeaders({ ...config, corsOrigins: ['*'] }, 'http://any')['Access-Control-Allow-Origin']).toBe(
      'http://any',
    );
  });

  it('checks the Bearer token; without one the endpoint is off unless explicitly open', () => {
    expect(checkAccess(config, 'Bearer a-long-enough-token')).toEqual({ ok: true });
    expect(checkAccess(config, 'Bearer wrong')).toMatchObject({ ok: false, status: 401 });
    expect(checkAccess(config, undefined)).toMatchObject({ ok: false, status: 401 });
    const open = { ...config, authToken: undefined };
    expect(checkAccess(open, undefined)).toMatchObject({ ok: false, status: 403 });
    expect(checkAccess({ ...open, allowUnauthenticated: true }, undefined)).toEqual({ ok: true });
  });
});
