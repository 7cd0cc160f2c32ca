/**
 * The keys of payload encryption, read from a mounted secret: one file per key, the file name is the key
 * id, the content 32 bytes (base64 or 64 hex characters, as `RUNNER_SECRETS_KEY`). New payloads use the
 * active key (the newest id unless one is named); every key stays available for reading, so payloads written
 * before a rotation remain readable as long as their key file stays mounted.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseSealingKey } from '../secrets/sealing';

/** Key ids travel in payload metadata: a short, printable name. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface KeyRing {
  /** Key id of new payloads. */
  readonly activeKeyId: string;
  /** Every key by id (the active one included). */
  readonly keys: ReadonlyMap<string, Buffer>;
}

export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
}

/**
 * Newest first by natural order (`k2` before `k10`, `2024-06` after `2024-01`): rotation means adding a file
 * whose name sorts after the others.
 */
export function compareKeyIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'variant' });
}

/**
 * Loads every key file of `dir`. Names starting with a dot are skipped: a Kubernetes Secret volume keeps its
 * bookkeeping (`..data`, `..2024_...`) there. Messages name the file, never the key.
 */
export function loadKeyRing(dir: string, activeKeyId?: string): KeyRing {
  const keys = new Map<string, Buffer>();
  for (const name of readdirSync(dir).sort(compareKeyIds)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    if (!KEY_ID_PATTERN.test(name))
      throw new KeyRingError(`key file '${name}': the name is the key id and must match ${KEY_ID_PATTERN.source}`);
    const key = parseSealingKey(readFileSync(path, 'utf8'));
    if (!key) throw new KeyRingError(`key file '${name}' must hold a 32-byte key, base64 or 64 hex characters`);
    keys.set(name, key);
  }
  if (keys.size === 0) throw new KeyRingError(`no key file in ${dir}`);
  const active = activeKeyId ?? [...keys.keys()].sort(compareKeyIds).at(-1)!;
  if (!keys.has(active)) throw new KeyRingError(`active key '${active}' has no key file in ${dir}`);
  return { activeKeyId: active, keys };
}
