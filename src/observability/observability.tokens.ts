/** DI tokens of the observability feature. */
export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
/** The process's root pino logger, shared by Nest (nestjs-pino) and the Temporal runtime. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
