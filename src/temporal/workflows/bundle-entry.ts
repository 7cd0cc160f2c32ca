/**
 * The workflow bundle's entry (worker-factory.ts WORKFLOWS_PATH): every workflow type the runner's worker
 * registers, each in the file named after it.
 */
export * from './serverless-workflow';
export { definitionRegistry } from './definition-registry';
export { definitionAfterLoop } from './definition-after-loop';
export { deliveryLedger } from './delivery-ledger';
