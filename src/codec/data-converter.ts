/**
 * The data converter every Temporal client and worker of the runner uses: Temporal's default payload
 * converter (JSON) plus the AES-256-GCM codec when keys are configured. Without keys it is undefined, so
 * clients and workers keep the SDK default exactly.
 */
import type { DataConverter } from '@temporalio/common';
import type { KeyRing } from './key-ring';
import { AesGcmPayloadCodec } from './payload-codec';

export function runnerDataConverter(keyRing: KeyRing | undefined): DataConverter | undefined {
  return keyRing ? { payloadCodecs: [new AesGcmPayloadCodec(keyRing)] } : undefined;
}
