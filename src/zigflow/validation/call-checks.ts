/**
 * Checks of `call: mcp`, `call: a2a` and `call: asyncapi` that the schema cannot make (the method lists
 * and the asyncapi protocol enum are the schema's): a literal `protocol` the runner does not speak, an A2A
 * call with neither `agentCard` nor `server`, and, when the validating party knows the runner's stance
 * (LoadOptions.mcpStdio), stdio transports while stdio is disabled or commands outside the allow-list.
 * Values given as runtime expressions are checked when the call runs.
 */
import { ASYNCAPI_PROTOCOLS, stdioCommandAllowed, type McpStdioPolicy } from '../dsl/calls';
import { joinPointer } from '../dsl/pointers';
import type { ValidationProblem } from './problems';
import { isObject, type TaskSite } from '../dsl/task-walker';

const isExpression = (value: unknown) => typeof value === 'string' && value.includes('${');

function problem(pointer: string, message: string): ValidationProblem {
  return { kind: 'semantic', pointer, message };
}

/** The call targets that may run as local activities (`metadata.localActivity`, WORKFLOW_LOCAL_CALLS). */
export const LOCAL_CALL_TARGETS: readonly string[] = ['http', 'openapi', 'grpc'];

export function callProblems(sites: TaskSite[], mcpStdio?: McpStdioPolicy): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const site of sites) {
    out.push(...localActivityProblems(site));
    if (site.kind !== 'call' || !isObject(site.task) || !isObject(site.task.with)) continue;
    const args = site.task.with;
    const at = (...tokens: string[]) => joinPointer(site.pointer, 'with', ...tokens);
    if (site.task.call === 'asyncapi') out.push(...asyncApiProblems(args, at));
    if (site.task.call === 'a2a' && args.agentCard === undefined && args.server === undefined)
      out.push(problem(at(), 'call: a2a needs agentCard or server to reach the agent'));
    if (site.task.call === 'mcp' && mcpStdio) out.push(...stdioProblems(args, at, mcpStdio));
  }
  return out;
}

/**
 * `metadata.localActivity` is a boolean, and true only where the runner honours it: short request/response
 * calls. Subscriptions, agents, MCP sessions and processes need an activity's heartbeats and cancellation.
 */
function localActivityProblems(site: TaskSite): ValidationProblem[] {
  if (!isObject(site.task) || !isObject(site.task.metadata) || !('localActivity' in site.task.metadata)) return [];
  const value = site.task.metadata.localActivity;
  const pointer = joinPointer(site.pointer, 'metadata', 'localActivity');
  if (typeof value !== 'boolean')
    return [problem(pointer, `metadata.localActivity must be true or false, got ${JSON.stringify(value)}`)];
  const target = site.kind === 'call' ? site.task.call : undefined;
  if (value && !(typeof target === 'string' && LOCAL_CALL_TARGETS.includes(target))) {
    const what =
      site.kind === 'call'
        ? `call: ${typeof target === 'string' ? target : JSON.stringify(target)}`
        : `a ${site.kind} task`;
    return [problem(pointer, `metadata.localActivity is for call: ${LOCAL_CALL_TARGETS.join(', ')}, not for ${what}`)];
  }
  return [];
}

function asyncApiProblems(args: Record<string, unknown>, at: (...t: string[]) => string): ValidationProblem[] {
  const protocol = args.protocol;
  if (typeof protocol !== 'string' || isExpression(protocol)) return [];
  if ((ASYNCAPI_PROTOCOLS as readonly string[]).includes(protocol)) return [];
  return [
    problem(
      at('protocol'),
      `call: asyncapi protocol '${protocol}' is not one this runner speaks (it speaks ${ASYNCAPI_PROTOCOLS.join(', ')})`,
    ),
  ];
}

function stdioProblems(
  args: Record<string, unknown>,
  at: (...t: string[]) => string,
  policy: McpStdioPolicy,
): ValidationProblem[] {
  const transport = isObject(args.transport) ? args.transport : {};
  const stdio = transport.stdio;
  if (!isObject(stdio)) return [];
  if (!policy.enabled) {
    return [
      problem(
        at('transport', 'stdio'),
        'call: mcp over stdio is disabled on this runner: it starts a process on the worker (CALL_MCP_STDIO_ENABLED)',
      ),
    ];
  }
  const command = stdio.command;
  const args_ = Array.isArray(stdio.arguments) ? stdio.arguments : [];
  if (typeof command !== 'string' || [command, ...args_].some((v) => typeof v !== 'string' || isExpression(v)))
    return [];
  if (stdioCommandAllowed(policy.commands, [command, ...(args_ as string[])])) return [];
  return [
    problem(
      at('transport', 'stdio', 'command'),
      `call: mcp command '${command}' with these arguments is not in the runner's allow-list of MCP servers (CALL_MCP_STDIO_COMMANDS)`,
    ),
  ];
}
