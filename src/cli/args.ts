import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, EXIT } from './exit-codes';

export type Command =
  | { name: 'help'; topic?: string }
  | { name: 'version' }
  | { name: 'validate'; file: string; json: boolean }
  | { name: 'graph'; file: string; execution?: string; format: 'mermaid' | 'svg' }
  | { name: 'schema'; test: boolean }
  | TestCommand
  | { name: 'run'; file: string; json: boolean; input?: string; inputFile?: string }
  | { name: 'serve' }
  | DefinitionsCommand
  | OperationCommand;

/** `terminate`/`recover`: commands on one execution, through the runner's gRPC API. */
export type OperationCommand = {
  name: 'terminate' | 'recover';
  executionId: string;
  reason: string;
  runner?: string;
  json: boolean;
};

/** `test [PATH...]`: run workflow test files on a time-skipping test server. */
export interface TestCommand {
  name: 'test';
  paths: string[];
  json: boolean;
  junit?: string;
  watch: boolean;
  filter?: string;
}

/** `definitions register|list|remove`: the runner's definition registry, straight through Temporal. */
export type DefinitionsCommand =
  | { name: 'definitions'; action: 'register'; files: string[]; json: boolean }
  | { name: 'definitions'; action: 'list'; namespace?: string; defName?: string; json: boolean }
  | { name: 'definitions'; action: 'remove'; namespace: string; defName: string; version?: string; json: boolean };

export const USAGE = `Usage: workflow-runner <command> [options]

Commands:
  validate FILE [--json]        Check a workflow; every problem as FILE:line:column pointer message
  graph FILE [--execution ID] [--format mermaid|svg]
                                Print the workflow as a Mermaid flowchart; with --execution, each
                                task styled by its status in that run (read through Temporal's
                                \`events\` query: needs a \`serve\` on TEMPORAL_TASK_QUEUE); svg renders it
  test [PATH...] [--json] [--junit FILE] [--watch] [--filter TEXT]
                                Run the workflow tests (*.test.yaml) under PATH (default .) on a
                                time-skipping Temporal test server, calls answered by their mocks
  schema [--test]               Print the JSON schema \`validate\` uses (--test: of test files)
  run FILE [--input JSON | --input-file F] [--json]
                                Run the workflow on Temporal (TEMPORAL_SERVICE_ADDRESS) or, when
                                that is unset, on an embedded Temporal dev server; live task progress
                                goes to stderr, --json prints {status, output, error, tasks} on stdout
  serve                         Start the runner service (gRPC API, worker, health, metrics)
  definitions register FILE... [--json]
                                Validate the files, then register them with the runner's definition
                                registry on TEMPORAL_SERVICE_ADDRESS (TEMPORAL_TASK_QUEUE) and sync
                                their schedules; needs a running \`serve\` on that queue
  definitions list [--namespace N] [--name N] [--json]
                                List registered definitions (* marks the latest version)
  definitions remove NAMESPACE NAME [VERSION] [--json]
                                Remove one version, or every version of NAMESPACE/NAME
  terminate EXECUTION_ID [--reason R] [--runner HOST:PORT] [--json]
                                End a run at once (it reports workflow_cancelled)
  recover EXECUTION_ID [--reason R] [--runner HOST:PORT] [--json]
                                Start a failed or terminated run again at the task that
                                failed; both go through the runner's gRPC API at --runner,
                                WORKFLOW_RUNNER_ADDRESS or 127.0.0.1:50051

Options:
  -h, --help                    Show this help (or a command's: workflow-runner run --help)
  -v, --version                 Print the version

Exit codes:
  0  valid / completed / success /      3  run: cancelled
     all tests passed                   4  file unreadable, Temporal or the test
  1  invalid workflow / run faulted /      server unreachable, no runner polling
     definition refused or not found /     the task queue
     a test failed or a test file is bad
  2  bad command line
`;

const COMMAND_OPTIONS = {
  validate: { json: { type: 'boolean' } },
  graph: { execution: { type: 'string' }, format: { type: 'string' } },
  schema: { test: { type: 'boolean' } },
  test: {
    json: { type: 'boolean' },
    junit: { type: 'string' },
    watch: { type: 'boolean' },
    filter: { type: 'string' },
  },
  run: { json: { type: 'boolean' }, input: { type: 'string' }, 'input-file': { type: 'string' } },
  serve: {},
  definitions: {},
  terminate: { json: { type: 'boolean' }, reason: { type: 'string' }, runner: { type: 'string' } },
  recover: { json: { type: 'boolean' }, reason: { type: 'string' }, runner: { type: 'string' } },
} as const;

const DEFINITIONS_OPTIONS = {
  register: { json: { type: 'boolean' } },
  list: { json: { type: 'boolean' }, namespace: { type: 'string' }, name: { type: 'string' } },
  remove: { json: { type: 'boolean' } },
} as const;

type CommandName = keyof typeof COMMAND_OPTIONS;

function isCommand(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMAND_OPTIONS, name);
}

/** Parses `argv` (without node and the script) into a command; throws CliError(USAGE) on a bad line. */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    return { name: 'help', topic: first === 'help' ? rest[0] : undefined };
  }
  if (first === '-v' || first === '--version') return { name: 'version' };
  if (!isCommand(first)) throw new CliError(`unknown command '${first}' (try --help)`, EXIT.USAGE);
  if (rest.includes('-h') || rest.includes('--help')) return { name: 'help', topic: first };
  if (first === 'definitions') return parseDefinitionsLine(rest);

  const { values, positionals } = parseOptions(first, rest, COMMAND_OPTIONS[first]);
  if (first === 'terminate' || first === 'recover') {
    if (positionals.length !== 1)
      throw new CliError(`${first} needs exactly one EXECUTION_ID argument, got ${positionals.length}`, EXIT.USAGE);
    const runner = values.runner as string | undefined;
    return {
      name: first,
      executionId: positionals[0],
      reason: (values.reason as string | undefined) ?? '',
      json: values.json === true,
      ...(runner ? { runner } : {}),
    };
  }
  if (first === 'serve' || first === 'schema') {
    if (positionals.length > 0) throw new CliError(`${first} takes no arguments, got '${positionals[0]}'`, EXIT.USAGE);
    return first === 'serve' ? { name: 'serve' } : { name: 'schema', test: values.test === true };
  }
  if (first === 'test') {
    return {
      name: 'test',
      paths: positionals,
      json: values.json === true,
      watch: values.watch === true,
      ...(typeof values.junit === 'string' ? { junit: values.junit } : {}),
      ...(typeof values.filter === 'string' ? { filter: values.filter } : {}),
    };
  }
  if (positionals.length !== 1) {
    throw new CliError(`${first} needs exactly one FILE argument, got ${positionals.length}`, EXIT.USAGE);
  }
  const file = positionals[0];
  if (first === 'graph') return graphLine(file, values);
  if (first === 'validate') return { name: 'validate', file, json: values.json === true };
  const input = values.input as string | undefined;
  const inputFile = values['input-file'] as string | undefined;
  if (input !== undefined && inputFile !== undefined) {
    throw new CliError('run: give either --input or --input-file, not both', EXIT.USAGE);
  }
  return { name: 'run', file, json: values.json === true, input, inputFile };
}

function graphLine(file: string, values: ParsedOptions['values']): Command {
  const format = (values.format as string | undefined) ?? 'mermaid';
  if (format !== 'mermaid' && format !== 'svg') {
    throw new CliError(`graph: --format is mermaid or svg, got '${format}'`, EXIT.USAGE);
  }
  const execution = values.execution as string | undefined;
  if (execution !== undefined && execution.trim() === '')
    throw new CliError('graph: --execution needs an id', EXIT.USAGE);
  return { name: 'graph', file, format, ...(execution ? { execution } : {}) };
}

type ParsedOptions = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parseOptions(
  command: string,
  args: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
): ParsedOptions {
  try {
    const result = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: result.values as ParsedOptions['values'], positionals: result.positionals };
  } catch (err) {
    throw new CliError(`${command}: ${(err as Error).message.split('\n')[0]}`, EXIT.USAGE);
  }
}

function parseDefinitionsLine(rest: readonly string[]): DefinitionsCommand {
  const [action, ...args] = rest;
  if (action !== 'register' && action !== 'list' && action !== 'remove') {
    throw new CliError(
      `definitions: ${action === undefined ? 'missing' : `unknown`} action${action === undefined ? '' : ` '${action}'`} (register, list or remove)`,
      EXIT.USAGE,
    );
  }
  const { values, positionals } = parseOptions(`definitions ${action}`, args, DEFINITIONS_OPTIONS[action]);
  const json = values.json === true;
  if (action === 'register') {
    if (positionals.length === 0)
      throw new CliError('definitions register needs at least one FILE argument', EXIT.USAGE);
    return { name: 'definitions', action, files: positionals, json };
  }
  if (action === 'list') {
    if (positionals.length > 0)
      throw new CliError(
        `definitions list takes no arguments, got '${positionals[0]}' (use --namespace, --name)`,
        EXIT.USAGE,
      );
    const namespace = values.namespace as string | undefined;
    const defName = values.name as string | undefined;
    return { name: 'definitions', action, json, ...(namespace ? { namespace } : {}), ...(defName ? { defName } : {}) };
  }
  if (positionals.length < 2 || positionals.length > 3) {
    throw new CliError(
      `definitions remove needs NAMESPACE NAME [VERSION], got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`,
      EXIT.USAGE,
    );
  }
  const [namespace, defName, version] = positionals;
  return { name: 'definitions', action, namespace, defName, json, ...(version ? { version } : {}) };
}

/** Parses the workflow input: a JSON object (the DSL's workflow input is always an object). */
export function parseInputJson(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${source}: not valid JSON (${(err as Error).message})`, EXIT.USAGE);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError(
      `${source}: the workflow input must be a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
      EXIT.USAGE,
    );
  }
  return value as Record<string, unknown>;
}
