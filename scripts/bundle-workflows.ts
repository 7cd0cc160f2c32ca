/**
 * `npm run build:bundle`: prebuilds the workflow bundle (webpack, once at image build) so workers start
 * without bundling at run time. Writes dist/workflow-bundle.js and, for workers with payload encryption,
 * dist/workflow-bundle.encrypted.js (the same code with the failure converter that encrypts failure
 * messages: src/codec/failure-converter.ts). The service loads them when TEMPORAL_WORKFLOW_BUNDLE points at
 * the first, the CLI's `run` whenever they exist.
 *
 * Runs compiled (node dist/scripts/bundle-workflows.js, from dist/src) or from source through ts-node.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../src/temporal/worker-factory';
import { ENCODED_FAILURES_PATH } from '../src/codec/data-converter';

const compiled = __dirname.endsWith(join('dist', 'scripts'));
const distDir = compiled ? resolve(__dirname, '..') : resolve(__dirname, '..', 'dist');

async function main(): Promise<void> {
  const out = process.argv[2] ? resolve(process.argv[2]) : join(distDir, 'workflow-bundle.js');
  mkdirSync(dirname(out), { recursive: true });
  await write(out, undefined);
  await write(out.replace(/(\.js)?$/, '.encrypted.js'), ENCODED_FAILURES_PATH);
}

async function write(out: string, failureConverterPath: string | undefined): Promise<void> {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(), failureConverterPath });
  writeFileSync(out, code);
  console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`);
}

main().catch((err: unknown) => {
  console.error(`bundling the workflows failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
