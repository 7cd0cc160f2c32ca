import { Controller, HttpCode, Inject, Options, Param, Post, Req, Res } from '@nestjs/common';
import type { PayloadCodec } from '@temporalio/common';
import type { CodecServerConfig } from '../config/runner-config';
import { checkAccess, corsHeaders } from './codec-access';
import { CodecRequestError, codecRequest } from './codec-http';
import { CODEC_SERVER_OPTIONS, PAYLOAD_CODEC } from './codec.tokens';
import { PayloadDecryptionError } from './payload-codec';

const OPERATIONS = new Set(['encode', 'decode']);

/** The parts of Express's request and response used here (the platform's types are not a dependency). */
interface Request {
  headers: { origin?: string; authorization?: string };
  body: unknown;
}
interface Response {
  set(headers: Record<string, string>): unknown;
  status(code: number): { json(body: unknown): unknown };
}

/**
 * The codec server of the Temporal Web UI and CLI on the HTTP app (HEALTH_PORT): `POST /codec/encode` and
 * `POST /codec/decode` with `{payloads: [...]}`; configure the UI's codec endpoint as `http://<runner>:3000/codec`.
 */
@Controller('codec')
export class CodecController {
  constructor(
    @Inject(PAYLOAD_CODEC) private readonly codec: PayloadCodec | undefined,
    @Inject(CODEC_SERVER_OPTIONS) private readonly config: CodecServerConfig,
  ) {}

  /** CORS preflight: never authenticated (browsers send no credentials on it). */
  @Options(':operation')
  @HttpCode(204)
  preflight(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    res.set(corsHeaders(this.config, req.headers.origin));
  }

  @Post(':operation')
  @HttpCode(200)
  async convert(@Param('operation') operation: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.set(corsHeaders(this.config, req.headers.origin));
    if (!OPERATIONS.has(operation)) return void res.status(404).json({ message: 'use /codec/encode or /codec/decode' });
    if (!this.codec)
      return void res
        .status(404)
        .json({ message: 'payload encryption is off (PAYLOAD_ENCRYPTION_KEYS_DIR is not set)' });
    const access = checkAccess(this.config, req.headers.authorization);
    if (!access.ok) return void res.status(access.status).json({ message: access.message });
    try {
      res.status(200).json(await codecRequest(this.codec, operation as 'encode' | 'decode', req.body));
    } catch (err) {
      if (err instanceof CodecRequestError || err instanceof PayloadDecryptionError)
        return void res.status(400).json({ message: err.message });
      throw err;
    }
  }
}
