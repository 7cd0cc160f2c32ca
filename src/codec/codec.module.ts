import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfigService } from '../config/config.module';
import { CodecController } from './codec.controller';
import { CODEC_SERVER_OPTIONS, PAYLOAD_CODEC } from './codec.tokens';
import { runnerDataConverter } from './data-converter';

/** The `/codec` endpoint of the HTTP app, over the same codec the runner's clients and worker use. */
@Module({
  controllers: [CodecController],
  providers: [
    {
      provide: PAYLOAD_CODEC,
      inject: [ConfigService],
      useFactory: (config: AppConfigService) =>
        runnerDataConverter(config.get('encryption', { infer: true }).keyRing)?.payloadCodecs?.[0],
    },
    {
      provide: CODEC_SERVER_OPTIONS,
      inject: [ConfigService],
      useFactory: (config: AppConfigService) => config.get('encryption', { infer: true }).codecServer,
    },
  ],
})
export class CodecModule {}
