/** The payload codec the `/codec` endpoint serves (undefined when payload encryption is off). */
export const PAYLOAD_CODEC = Symbol('PAYLOAD_CODEC');
/** The endpoint's settings (CodecServerConfig). */
export const CODEC_SERVER_OPTIONS = Symbol('CODEC_SERVER_OPTIONS');
