/**
 * Sealing of secret environment values so that they never enter Temporal history in clear.
 *
 * Format: `sealed:v1:<base64url iv>.<base64url ciphertext>.<base64url tag>` (AES-256-GCM, 96-bit random IV,
 * 128-bit tag). The version prefix lets a later key rotation or algorithm change coexist with runs already
 * recorded in history. Pure Node crypto, no Nest: activities and the CLI use it directly.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SEALED_PREFIX = 'sealed:v1:';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value could not be opened: wrong key, tampering or a malformed string. Carries no secret text. */
export class SealingError extends Error {
  override readonly name = 'SealingError';
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new SealingError(`sealing key must be ${KEY_BYTES} bytes`);
  }
}

/** Whether a string looks like the output of {@link sealSecret} (any version this code can open). */
export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

export function sealSecret(value: string, key: Buffer): string {
  return seal(value, key, SEALED_PREFIX, SEALED_PREFIX);
}

export function openSealed(sealed: string, key: Buffer): string {
  return open(sealed, key, SEALED_PREFIX, SEALED_PREFIX);
}

/**
 * Prefix of values sealed for one workflow execution only (`$authorization.parameter`). The binding (the
 * workflow id) is authenticated with the prefix, so a value copied from one run's history into another
 * run's input is never opened there: the runner cannot be used to decrypt someone else's token.
 */
export const BOUND_PREFIX = 'sealed:bound:v1:';

/**
 * Matches a bound sealed value inside a longer string (`"Bearer " + $context.token`). IV (16 characters)
 * and tag (22) have fixed lengths, so text glued right after the value is not taken for part of it.
 */
export const BOUND_PATTERN = /sealed:bound:v1:[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}/g;

export function sealBound(value: string, key: Buffer, binding: string): string {
  return seal(value, key, BOUND_PREFIX, `${BOUND_PREFIX}${binding}`);
}

export function openBound(sealed: string, key: Buffer, binding: string): string {
  return open(sealed, key, BOUND_PREFIX, `${BOUND_PREFIX}${binding}`);
}

function seal(value: string, key: Buffer, prefix: string, aad: string): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  // The prefix is authenticated too, so a value cannot be relabelled as another version.
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${prefix}${iv.toString('base64url')}.${body.toString('base64url')}.${tag.toString('base64url')}`;
}

function open(sealed: string, key: Buffer, prefix: string, aad: string): string {
  assertKey(key);
  if (!sealed.startsWith(prefix)) throw new SealingError(`value is not sealed (expected prefix ${prefix})`);
  const parts = sealed.slice(prefix.length).split('.');
  if (parts.length !== 3) throw new SealingError('malformed sealed value');
  const [iv, body, tag] = parts.map((p) => Buffer.from(p, 'base64url'));
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealingError('malformed sealed value');
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    // Node's message is generic ("Unsupported state or unable to authenticate data"); keep ours stable.
    throw new SealingError('sealed value failed authentication (wrong key or tampered)');
  }
}

/**
 * Parses a 32-byte key given as base64 (standard or url-safe) or 64 hex characters.
 * Returns undefined when the text is not a valid key, so config validation can name the variable.
 */
export function parseSealingKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const buf = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
    if (buf.length === KEY_BYTES) return buf;
  }
  return undefined;
}
