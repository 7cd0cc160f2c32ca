/**
 * The demo's look at payload encryption: the runner runs with a fresh key, the dev server's Web UI decodes
 * through the runner's `/codec` endpoint, and after the run the demo shows a raw history payload (encrypted)
 * next to what the codec endpoint makes of it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';

export const DEMO_KEY_ID = 'demo-1';

/** A key directory as a mounted Secret would hold it: one file, named by its key id. */
export function demoKeyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-runner-demo-keys-'));
  writeFileSync(join(dir, DEMO_KEY_ID), randomBytes(32).toString('base64'), { mode: 0o600 });
  return dir;
}

const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString('utf8');

export async function showEncryption(
  temporalAddress: string,
  codecUrl: string,
  executionId: string,
  say: (line: string) => void,
): Promise<void> {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    // A client without the codec sees what Temporal stores.
    const history = await new Client({ connection }).workflow.getHandle(executionId).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!payload) return;
    say('\npayload encryption (AES-256-GCM):');
    say(
      `  raw start input in history: encoding ${text(payload.metadata?.encoding)}, key ${text(payload.metadata?.['encryption-key-id'])}, ${payload.data?.length ?? 0} bytes of ciphertext`,
    );
    const b64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');
    const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, b64(v)]));
    const response = await fetch(`${codecUrl}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default' },
      body: JSON.stringify({ payloads: [{ metadata, data: b64(payload.data) }] }),
    });
    const decoded = (await response.json()) as { payloads: Array<{ data: string }> };
    const clear = Buffer.from(decoded.payloads[0].data, 'base64').toString('utf8');
    say(`  POST ${codecUrl}/decode: ${clear.slice(0, 100)}...`);
    say(`  the Web UI decodes through the same endpoint (started with --ui-codec-endpoint ${codecUrl})`);
  } finally {
    await connection.close();
  }
}
