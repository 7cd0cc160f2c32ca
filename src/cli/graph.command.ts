/**
 * `workflow-runner graph FILE [--execution ID] [--format mermaid|svg]`: the workflow as a Mermaid
 * flowchart; with `--execution`, each task styled by its status in that run, read from the run's progress
 * events through Temporal's `events` query (answered by the runner's worker, so a `serve` must poll
 * TEMPORAL_TASK_QUEUE); `--format svg` renders the flowchart without a browser (beautiful-mermaid).
 */
import { renderMermaid, type TaskRunStatus } from '../zigflow/graph';
import type { Command } from './args';
import type { CliIo } from './cli-io';
import { cliDataConverter } from './cli-codec';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { formatProblem, loadWorkflowFile } from './validate.command';

type GraphCommand = Extract<Command, { name: 'graph' }>;

const QUERY_TIMEOUT_MS = 30_000;

export async function graphCommand(io: CliIo, command: GraphCommand): Promise<ExitCode> {
  const { file } = command;
  const result = await loadWorkflowFile(file);
  if (!result.ok) {
    for (const p of result.problems) io.err(`${formatProblem(file, p)}\n`);
    io.err(`${file}: cannot draw an invalid workflow\n`);
    return EXIT.FAILED;
  }
  const statuses = command.execution
    ? await runStatuses(io, command.execution, result.workflow.document.name)
    : undefined;
  const text = renderMermaid(result.workflow, statuses);
  io.out(command.format === 'svg' ? await renderSvg(text) : text.endsWith('\n') ? text : `${text}\n`);
  return EXIT.OK;
}

/** Task statuses of a run from its progress events (Temporal's `events` query). */
async function runStatuses(io: CliIo, executionId: string, workflowName: string): Promise<Map<string, TaskRunStatus>> {
  const address = io.env.TEMPORAL_SERVICE_ADDRESS?.trim();
  if (!address) {
    throw new CliError(
      'graph --execution reads the run through Temporal: set TEMPORAL_SERVICE_ADDRESS',
      EXIT.ENVIRONMENT,
    );
  }
  const namespace = io.env.TEMPORAL_NAMESPACE?.trim() || 'default';
  // Loaded on use: the Temporal client is not needed to draw a document.
  const { Client, Connection, WorkflowNotFoundError } = await import('@temporalio/client');
  const { readExecutionEvents, taskStatuses } = await import('../temporal/execution-events');
  let connection: import('@temporalio/client').Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 10_000 });
    const client = new Client({ connection, namespace, dataConverter: cliDataConverter(io) });
    const events = await connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
      readExecutionEvents(client, executionId),
    );
    const ran = events.find((e) => e.workflowName)?.workflowName;
    if (ran && ran !== workflowName)
      io.err(`warning: execution ${executionId} ran workflow '${ran}', not '${workflowName}'\n`);
    return taskStatuses(events);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new CliError(`execution ${executionId} not found in namespace ${namespace}`, EXIT.FAILED);
    }
    const message = err instanceof Error ? err.message : String(err);
    throw new CliError(
      `cannot read the events of ${executionId} from Temporal at ${address}: ${message} (the events query is answered by a runner: is \`serve\` polling TEMPORAL_TASK_QUEUE?)`,
      EXIT.ENVIRONMENT,
    );
  } finally {
    await connection?.close();
  }
}

/**
 * beautiful-mermaid is an ES module: loaded with a real dynamic import, which TypeScript's CommonJS output
 * would otherwise turn into `require`.
 */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

const EDGE = / -(->|\.->)/;

async function renderSvg(mermaid: string): Promise<string> {
  const { renderMermaidSVG } = (await importModule('beautiful-mermaid')) as typeof import('beautiful-mermaid');
  // beautiful-mermaid labels a node by the first line that mentions it: an edge written before the node's
  // own line would leave its id as the label. Edges go after every node and subgraph, styles last.
  const lines = mermaid.split('\n');
  const style = (l: string) => /^\s*class(Def)? /.test(l);
  const ordered = [
    ...lines.filter((l) => !EDGE.test(l) && !style(l)),
    ...lines.filter((l) => EDGE.test(l)),
    ...lines.filter(style),
  ];
  // The renderer's stylesheet imports its fonts from a web font service; a run's graph must not make the
  // viewer fetch anything, so the system's sans-serif font is used instead.
  const svg = renderMermaidSVG(ordered.join('\n'), { font: 'sans-serif' }).replace(/^\s*@import url\([^)]*\);\n/gm, '');
  return svg.endsWith('\n') ? svg : `${svg}\n`;
}
