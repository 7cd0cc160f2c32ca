/**
 * Who may call the codec endpoint: CORS for the Temporal Web UI (a browser page on another origin) and a
 * Bearer token for everyone. Plain functions over the request headers, so the controller stays thin.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CodecServerConfig } from '../config/runner-config';

/** Headers the Web UI sends: its namespace, JSON, and the user's token when `passAccessToken` is on. */
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';

/** CORS response headers for a request from `origin` (none when the origin is not allowed). */
export function corsHeaders(config: CodecServerConfig, origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  const allowed = config.corsOrigins.includes('*') || config.corsOrigins.includes(origin);
  if (!allowed) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    // The Web UI's "include cross-origin credentials" setting sends cookies for an auth proxy in front.
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}

export type AccessDecision = { ok: true } | { ok: false; status: 401 | 403; message: string };

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Whether a request with this `Authorization` header may use the codec. */
export function checkAccess(config: CodecServerConfig, authorization: string | undefined): AccessDecision {
  if (!config.authToken) {
    if (config.allowUnauthenticated) return { ok: true };
    return {
      ok: false,
      status: 403,
      message: 'the codec endpoint is disabled: set CODEC_SERVER_AUTH_TOKEN (or CODEC_SERVER_ALLOW_UNAUTHENTICATED)',
    };
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  // Digests of equal length make the comparison constant-time whatever the caller sends.
  if (match && timingSafeEqual(digest(match[1]), digest(config.authToken))) return { ok: true };
  return { ok: false, status: 401, message: 'missing or wrong Bearer token' };
}
