/**
 * AES-256-GCM encryption of every Temporal payload the runner writes (workflow inputs and results, activity
 * arguments and results, signals, queries, memos, schedule arguments). It runs on the main thread of the
 * worker and of each client, after the payload converter: the workflow sandbox never sees it, so the
 * worker's shared workflow code is untouched.
 *
 * An encrypted payload: metadata `encoding: binary/encrypted`, `encryption-key-id: <id>`,
 * `encryption-cipher: AES256GCM`; data = 12-byte IV ‖ ciphertext ‖ 16-byte tag of the original payload
 * serialized as protobuf. The key id and the cipher name are authenticated (AAD), so a payload cannot be
 * relabelled to another key. Payloads without that encoding (runs recorded before encryption was turned
 * on) pass through decoding unchanged.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { KeyRing } from './key-ring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const CIPHER_METADATA = 'encryption-cipher';
export const CIPHER_NAME = 'AES256GCM';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const PayloadProto = temporal.api.common.v1.Payload;

export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const text = (bytes: Uint8Array | null | undefined): string | undefined =>
  bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : undefined;

function aad(keyId: string): Buffer {
  return Buffer.from(`${CIPHER_NAME}:${keyId}`, 'utf8');
}

export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encryptOne(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => (isEncrypted(p) ? this.decryptOne(p) : p));
  }

  encryptOne(payload: Payload): Payload {
    const keyId = this.ring.activeKeyId;
    const key = this.ring.keys.get(keyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(keyId));
    const plain = PayloadProto.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: utf8(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: utf8(keyId),
        [CIPHER_METADATA]: utf8(CIPHER_NAME),
      },
      data,
    };
  }

  decryptOne(payload: Payload): Payload {
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
    const cipherName = text(payload.metadata?.[CIPHER_METADATA]) ?? CIPHER_NAME;
    if (cipherName !== CIPHER_NAME) throw new PayloadDecryptionError(`unsupported payload cipher '${cipherName}'`);
    const key = this.ring.keys.get(keyId);
    if (!key)
      throw new PayloadDecryptionError(
        `payload encrypted with key '${keyId}', which is not among the mounted keys (${[...this.ring.keys.keys()].join(', ')})`,
      );
    const data = payload.data ?? new Uint8Array();
    if (data.byteLength < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('encrypted payload is truncated');
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(keyId));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
      const decoded = PayloadProto.decode(plain);
      return { metadata: decoded.metadata, data: decoded.data };
    } catch {
      throw new PayloadDecryptionError(`payload failed authentication with key '${keyId}' (wrong key or tampered)`);
    }
  }
}
