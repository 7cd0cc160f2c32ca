import workflowSchema from '../zigflow/validation/schema/workflow-1.0.3.schema.json';
import { testFileSchema } from '../test-runner/test-file-schema';
import type { CliIo } from './cli-io';
import { EXIT, type ExitCode } from './exit-codes';

/**
 * `workflow-runner schema [--test]`: the JSON schema `validate` checks workflows against (the DSL 1.0.3
 * schema), or with `--test` the schema of test files, for editors' YAML language servers.
 */
export function schemaCommand(io: CliIo, test: boolean): ExitCode {
  io.out(`${JSON.stringify(test ? testFileSchema() : workflowSchema, null, 2)}\n`);
  return EXIT.OK;
}
