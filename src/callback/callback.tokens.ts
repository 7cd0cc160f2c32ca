/** DI tokens of the callback feature. */

/** Factory of the Stigmer client: `(options) => StigmerClient`; tests may replace it. */
export const STIGMER_CLIENT_FACTORY = Symbol('STIGMER_CLIENT_FACTORY');
