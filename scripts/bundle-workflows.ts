/**
 * `npm run build:bundle`: prebuilds the workflow bundle (webpack, once at image build) so workers start
 * without bundling at run time. Writes dist/workflow-bundle.js; the service loads it when
 * TEMPORAL_WORKFLOW_BUNDLE points at it, the CLI's `run` whenever it exists.
 *
 * Runs compiled (node dist/scripts/bundle-workflows.js, from dist/src) or from source through ts-node.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../src/temporal/worker-factory';

const compiled = __dirname.endsWith(join('dist', 'scripts'));
const distDir = compiled ? resolve(__dirname, '..') : resolve(__dirname, '..', 'dist');

async function main(): Promise<void> {
  const out = process.argv[2] ? resolve(process.argv[2]) : join(distDir, 'workflow-bundle.js');
  const started = Date.now();
  const { code } = await bundleWorkflowCode(workflowBundleOptions());
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`);
}

main().catch((err: unknown) => {
  console.error(`bundling the workflows failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
