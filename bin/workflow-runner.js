#!/usr/bin/env node
'use strict';
/**
 * The `workflow-runner` command. Runs the compiled CLI from dist/ when the project was built, and
 * otherwise the TypeScript sources through ts-node (transpile only), so `npx workflow-runner ...`
 * works right after `npm ci`.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
let cli;
if (existsSync(compiled) && !process.env.WORKFLOW_RUNNER_FROM_SOURCE) {
  cli = require(compiled);
} else {
  // SWC (shipped with @temporalio/worker) transpiles ~10x faster than TypeScript's own transpiler.
  let swc = true;
  try {
    require.resolve('@swc/core', { paths: [root] });
  } catch {
    swc = false;
  }
  require('ts-node').register({ transpileOnly: true, swc, project: join(root, 'tsconfig.json') });
  cli = require(join(root, 'src', 'cli', 'main.ts'));
}

cli.runCli(process.argv.slice(2)).then(
  (code) => {
    // `serve` resolves once the service is up; the open server handles keep the process alive.
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`workflow-runner: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 4;
  },
);
