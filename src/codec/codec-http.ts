/**
 * The codec server's wire format, as Temporal's Web UI and CLI (`--codec-endpoint`) speak it: POST
 * `{payloads: [{metadata: {name: base64}, data: base64}]}` to `/encode` or `/decode`, answer the same shape.
 * Plain functions over a PayloadCodec, so the controller only adds HTTP concerns (CORS, auth, status codes).
 */
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export interface JsonPayloads {
  payloads: JsonPayload[];
}

/** A request body that is not `{payloads: [...]}`; the message names the offending field. */
export class CodecRequestError extends Error {
  override readonly name = 'CodecRequestError';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bytesOf(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value))
    throw new CodecRequestError(`${field} must be a base64 string`);
  return Buffer.from(value, 'base64');
}

export function payloadsFromJson(body: unknown): Payload[] {
  const list = (body as { payloads?: unknown } | null | undefined)?.payloads;
  if (!Array.isArray(list)) throw new CodecRequestError('payloads must be an array');
  return list.map((item: unknown, i) => {
    if (!item || typeof item !== 'object') throw new CodecRequestError(`payloads[${i}] must be an object`);
    const { metadata, data } = item as { metadata?: unknown; data?: unknown };
    const meta: Record<string, Uint8Array> = {};
    if (metadata !== undefined && metadata !== null) {
      if (typeof metadata !== 'object' || Array.isArray(metadata))
        throw new CodecRequestError(`payloads[${i}].metadata must be an object`);
      for (const [name, value] of Object.entries(metadata))
        meta[name] = bytesOf(value, `payloads[${i}].metadata.${name}`);
    }
    return {
      metadata: meta,
      data: data === undefined || data === null ? new Uint8Array() : bytesOf(data, `payloads[${i}].data`),
    };
  });
}

const base64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function payloadsToJson(payloads: Payload[]): JsonPayloads {
  return {
    payloads: payloads.map((p) => {
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(p.metadata ?? {})) if (value) metadata[name] = base64(value);
      return { metadata, data: base64(p.data ?? new Uint8Array()) };
    }),
  };
}

export async function codecRequest(
  codec: PayloadCodec,
  operation: 'encode' | 'decode',
  body: unknown,
): Promise<JsonPayloads> {
  const payloads = payloadsFromJson(body);
  return payloadsToJson(operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads));
}
