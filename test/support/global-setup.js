'use strict';
/**
 * Starts one real Temporal dev server (the Temporal CLI) for the whole Jest run, unless
 * TEMPORAL_TEST_ADDRESS already points at one. Tests read the address from TEMPORAL_TEST_ADDRESS.
 */
require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
const { startDevServer } = require('../../src/temporal/dev-server');

module.exports = async function globalSetup() {
  // NO_TEMPORAL=1 skips the server for unit-only runs.
  if (process.env.TEMPORAL_TEST_ADDRESS || process.env.NO_TEMPORAL) return;
  const server = await startDevServer({ headless: true });
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  globalThis.__TEMPORAL_DEV_SERVER__ = server;
};
