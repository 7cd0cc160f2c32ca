/**
 * The DSL 1.0.x JSON schema, compiled once with ajv (draft 2020-12). The schema is the specification's
 * own 1.0.3 workflow schema, vendored as JSON (see docs/validation.md for why not the one inside
 * @serverlessworkflow/sdk 1.0.1, which is 1.0.0 only); a unit test keeps it identical to the
 * specification's copy. It is compiled with the next version's additions the runner accepts
 * (schema-additions.ts).
 *
 * It is compiled with `$defs.task` relaxed to `{}`: the document pass then checks everything but the
 * tasks, and each task is checked on its own against the one definition its kind selects. The spec's
 * `task` is a `oneOf` of twelve kinds; evaluated with allErrors, every task would run (and collect the
 * errors of) eleven failing branches. A differential test keeps this split equivalent to the full schema.
 */
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { withAdditions } from './schema-additions';
import workflowSchema from './schema/workflow-1.0.3.schema.json';

const SPEC_ID = (workflowSchema as { $id: string }).$id;
/** The 1.0.3 schema with the next version's additions the runner accepts (schema-additions.ts). */
const RUNNER_SCHEMA_ID = SPEC_ID.replace(/workflow\.yaml$/, 'workflow-runner.yaml');
/** The relaxed copy gets its own id so it can never be mistaken for the specification's schema. */
export const SPLIT_SCHEMA_ID = SPEC_ID.replace(/workflow\.yaml$/, 'workflow-split.yaml');

export class SchemaValidator {
  private ajv?: Ajv2020;
  private document?: ValidateFunction;
  /** ajv does not cache validators fetched by JSON-pointer fragment, so they are kept here. */
  private readonly definitions = new Map<string, ValidateFunction>();

  /** Errors of the document outside its tasks (all of them), or [] when that part is valid. */
  validate(document: unknown): ErrorObject[] {
    const validate = this.document ?? (this.document = this.compiler().compile(splitSchema()));
    return validate(document) ? [] : [...(validate.errors ?? [])];
  }

  /** Validates a value against one `$defs` entry (e.g. `setTask`, `callTask/oneOf/2`); nested tasks are not checked. */
  validateDefinition(name: string, value: unknown): ErrorObject[] {
    let validate = this.definitions.get(name);
    if (!validate) {
      this.validate({});
      validate = this.compiler().getSchema(`${SPLIT_SCHEMA_ID}#/$defs/${name}`);
      if (!validate) throw new Error(`no schema definition named ${name}`);
      this.definitions.set(name, validate);
    }
    return validate(value) ? [] : [...(validate.errors ?? [])];
  }

  private compiler(): Ajv2020 {
    if (!this.ajv) {
      // allErrors: an author gets every problem at once; verbose: messages use the schema titles;
      // strict off: the spec schema uses keywords (e.g. `title` beside `$ref`) that strict mode flags.
      this.ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
      addFormats(this.ajv);
    }
    return this.ajv;
  }
}

/**
 * The schema documents are held to: the specification's 1.0.3 schema plus the accepted additions, under its
 * own id so it can never be mistaken for the specification's.
 */
export function runnerSchema(): { $id: string; $defs: Record<string, unknown> } {
  return { ...withAdditions(workflowSchema as { $defs: Record<string, unknown> }), $id: RUNNER_SCHEMA_ID };
}

function splitSchema(): object {
  const runner = runnerSchema();
  return { ...runner, $id: SPLIT_SCHEMA_ID, $defs: { ...runner.$defs, task: {} } };
}

let defaultValidator: SchemaValidator | undefined;

/**
 * One validator for the whole process: compiling the schema costs most of a second, validation is then
 * fast, and the compiled code holds no per-document state.
 */
export function schemaValidator(): SchemaValidator {
  return (defaultValidator ??= new SchemaValidator());
}

/** Compiles the schema now rather than on the first document (a service calls this at start-up). */
export function warmUpSchemaValidator(): void {
  schemaValidator().validate({});
}
