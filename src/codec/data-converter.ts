/**
 * The data converter every Temporal client and worker of the runner uses: Temporal's default payload
 * converter (JSON) plus the AES-256-GCM codec when keys are configured, with failure messages and stack
 * traces moved into encrypted payloads (failure-converter.ts). Without keys it is undefined, so clients and
 * workers keep the SDK default exactly.
 */
import { existsSync } from 'node:fs';
import type { DataConverter } from '@temporalio/common';
import type { KeyRing } from './key-ring';
import { AesGcmPayloadCodec } from './payload-codec';

/**
 * The module the SDK loads as the failure converter of encrypted deployments. Imported here as well, so
 * every build that compiles this module (the bench's worker build lists its entry files) compiles that one.
 */
import './failure-converter';
export const ENCODED_FAILURES_PATH = require.resolve('./failure-converter');

export function runnerDataConverter(keyRing: KeyRing | undefined): DataConverter | undefined {
  return keyRing
    ? { payloadCodecs: [new AesGcmPayloadCodec(keyRing)], failureConverterPath: ENCODED_FAILURES_PATH }
    : undefined;
}

/**
 * A prebuilt workflow bundle fixes the failure converter of workflow code when it is built, so
 * `npm run build:bundle` writes two: `workflow-bundle.js` and, for encrypted deployments,
 * `workflow-bundle.encrypted.js` beside it. Given the configured bundle, this is the one a worker with
 * `encrypted` payloads loads: the encrypted sibling when it exists (undefined when it does not: the caller
 * then warns that workflow failure messages stay in clear and uses the configured one).
 */
export function encryptedBundleSibling(bundlePath: string): string | undefined {
  if (bundlePath.endsWith('.encrypted.js')) return bundlePath;
  const sibling = bundlePath.replace(/(\.js)?$/, '.encrypted.js');
  return existsSync(sibling) ? sibling : undefined;
}
