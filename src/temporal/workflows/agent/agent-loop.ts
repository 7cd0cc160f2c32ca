/**
 * `agent:1.0.0@default`: model turns and tool calls until the model answers without asking for a tool, or
 * `maxTurns` is reached. The loop is workflow code and its state (the transcript, the tool calls made, the
 * tokens used) is workflow state; every model turn, summary and tool call is its own activity, reached
 * through {@link AgentPorts}. After a worker crash Temporal replays the recorded results into this same
 * code, so the loop resumes at the first turn or tool call that had not completed: nothing already paid
 * for is asked again.
 *
 * The loop is a generator of steps, the interpreter's form for tasks that wait: it yields what a port
 * returns (an activity's result to come) and receives the result; the interpreter drives it
 * (interpreter/steps.ts). A port's failure arrives thrown at the `yield` (an activity's ActivityFailure).
 */
import type {
  ChatMessage,
  ChatToolCall,
  ChatToolSpec,
  TokenUsage,
  AgentCallToolRequest,
  AgentCallToolResult,
  AgentListToolsResult,
  DeferredScope,
  LlmChatRequest,
  LlmChatResult,
} from '../../activities/types';
import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { asErrorData, dslError, isWorkflowFault, WorkflowFault } from '../../../zigflow/dsl/errors';
import { addUsage, chatRequest, configurationError, positiveInteger, type Args } from './default-functions';
import {
  planTrim,
  promptMessages,
  startTranscript,
  summaryRequest,
  type Overflow,
  type Transcript,
} from './transcript';

export const AGENT_DEFAULTS = { maxTurns: 10, contextTokens: 16_000, maxToolResultChars: 8_000 } as const;
const MAX_TURNS = 100;
const MAX_TOOL_CALLS_PER_TURN = 16;
/** Tool names the model may use (OpenAI's rule). */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Each returns something to `yield` (a value, a promise or a Later) that gives the named result. */
export interface AgentPorts {
  chat(request: LlmChatRequest, purpose: 'turn' | 'summary'): Yieldable<LlmChatResult>;
  listTools(server: Record<string, unknown>, index: number): Yieldable<AgentListToolsResult>;
  callTool(request: Omit<AgentCallToolRequest, 'position' | 'scope'>): Yieldable<AgentCallToolResult>;
}

/** What a port returns for the loop to yield; the driver sends back a `T`. */
export type Yieldable<T> = T | PromiseLike<T>;

/** A generator of steps that ends with a `T` (the interpreter's `Steps` without its import). */
export type AgentSteps<T> = Generator<unknown, T, any>;

/** What the agent spent so far; the executor reads it for progress events even when the agent fails. */
export interface AgentMeter {
  model?: string;
  usage: TokenUsage;
  turns: number;
  toolCalls: number;
}

export interface ToolCallRecord {
  tool: string;
  arguments: unknown;
  result: string;
  isError?: boolean;
}

interface Settings {
  maxTurns: number;
  contextTokens: number;
  maxToolResultChars: number;
  overflow: Overflow;
  raiseToolErrors: boolean;
}

interface ToolRoute {
  server: Record<string, unknown>;
  tool: string;
}

export function newMeter(): AgentMeter {
  return { usage: { inputTokens: 0, outputTokens: 0 }, turns: 0, toolCalls: 0 };
}

export function* agentSteps(
  args: Args,
  instance: string,
  scope: DeferredScope,
  ports: AgentPorts,
  meter: AgentMeter = newMeter(),
): AgentSteps<Record<string, unknown>> {
  const settings = agentSettings(args, instance);
  const base = chatRequest(args, instance, scope);
  const { specs, routes } = yield* toolCatalog(args.tools, instance, ports);
  let transcript = startTranscript(base.messages);
  const records: ToolCallRecord[] = [];
  const charge = (result: LlmChatResult) => {
    meter.usage = addUsage(meter.usage, result.usage);
    meter.model = result.model;
  };
  for (;;) {
    if (meter.turns >= settings.maxTurns) {
      throw new WorkflowFault(
        dslError(
          'runtime',
          `the agent reached no final answer within maxTurns (${settings.maxTurns}) after ${meter.toolCalls} tool calls`,
          { instance },
        ),
      );
    }
    transcript = yield* fitContext(transcript, specs, settings, base, ports, charge, instance);
    const result: LlmChatResult = yield ports.chat(
      { ...base, messages: promptMessages(transcript), tools: specs },
      'turn',
    );
    meter.turns += 1;
    charge(result);
    const calls = result.message.toolCalls ?? [];
    const unit = { messages: [result.message] as ChatMessage[] };
    transcript.units.push(unit);
    if (calls.length === 0) return agentOutput(result, transcript, records, meter, args.system !== undefined);
    for (let i = 0; i < calls.length; i++) {
      // Counted when made: a call that fails the task (`toolErrors: raise`) was made all the same.
      if (i < MAX_TOOL_CALLS_PER_TURN) meter.toolCalls += 1;
      const outcome =
        i < MAX_TOOL_CALLS_PER_TURN
          ? yield* runTool(calls[i], routes, settings, ports, instance)
          : { text: `not run: more than ${MAX_TOOL_CALLS_PER_TURN} tool calls in one turn`, isError: true, args: null };
      unit.messages.push({ role: 'tool', toolCallId: calls[i].id, content: outcome.text });
      const record: ToolCallRecord = { tool: calls[i].name, arguments: outcome.args, result: outcome.text };
      if (outcome.isError) record.isError = true;
      records.push(record);
    }
  }
}

function agentSettings(args: Args, instance: string): Settings {
  const overflow = args.overflow ?? 'drop';
  if (overflow !== 'drop' && overflow !== 'summarize' && overflow !== 'summarise') {
    throw configurationError(instance, "'overflow' must be 'drop' or 'summarize'");
  }
  const toolErrors = args.toolErrors ?? 'report';
  if (toolErrors !== 'report' && toolErrors !== 'raise') {
    throw configurationError(instance, "'toolErrors' must be 'report' or 'raise'");
  }
  return {
    maxTurns: positiveInteger(args, 'maxTurns', instance, MAX_TURNS) ?? AGENT_DEFAULTS.maxTurns,
    contextTokens: positiveInteger(args, 'contextTokens', instance, 10_000_000) ?? AGENT_DEFAULTS.contextTokens,
    maxToolResultChars:
      positiveInteger(args, 'maxToolResultChars', instance, 1_000_000) ?? AGENT_DEFAULTS.maxToolResultChars,
    overflow: overflow === 'drop' ? 'drop' : 'summarize',
    raiseToolErrors: toolErrors === 'raise',
  };
}

/** Lists every server's tools (one activity each) and names them for the model. */
function* toolCatalog(
  tools: unknown,
  instance: string,
  ports: AgentPorts,
): AgentSteps<{ specs: ChatToolSpec[]; routes: Map<string, ToolRoute> }> {
  const routes = new Map<string, ToolRoute>();
  const specs: ChatToolSpec[] = [];
  if (tools === undefined || tools === null) return { specs, routes };
  if (!Array.isArray(tools)) throw configurationError(instance, "'tools' must be a list of MCP servers");
  for (let index = 0; index < tools.length; index++) {
    const entry = tools[index] as Record<string, unknown> | null;
    if (!entry || typeof entry !== 'object' || !entry.transport) {
      throw configurationError(instance, `'tools[${index}]' must be an MCP server: { transport: { http | stdio } }`);
    }
    const { name: prefix, tools: allowed, ...server } = entry;
    if (prefix !== undefined && (typeof prefix !== 'string' || !/^[A-Za-z0-9_-]{1,30}$/.test(prefix))) {
      throw configurationError(instance, `'tools[${index}].name' must be 1-30 letters, digits, '_' or '-'`);
    }
    if (allowed !== undefined && (!Array.isArray(allowed) || allowed.some((t) => typeof t !== 'string'))) {
      throw configurationError(instance, `'tools[${index}].tools' must be a list of tool names`);
    }
    const listed: AgentListToolsResult = yield ports.listTools(server, index);
    for (const tool of listed.tools) {
      if (allowed && !(allowed as string[]).includes(tool.name)) continue;
      const exposed = prefix ? `${prefix}_${tool.name}` : tool.name;
      if (!TOOL_NAME.test(exposed)) continue;
      if (routes.has(exposed)) {
        throw configurationError(
          instance,
          `two servers of 'tools' offer a tool named '${exposed}': give them a 'name' to prefix their tools`,
        );
      }
      routes.set(exposed, { server, tool: tool.name });
      specs.push({ ...tool, name: exposed });
    }
  }
  return { specs, routes };
}

function* runTool(
  call: ChatToolCall,
  routes: Map<string, ToolRoute>,
  settings: Settings,
  ports: AgentPorts,
  instance: string,
): AgentSteps<{ text: string; isError: boolean; args: unknown }> {
  const route = routes.get(call.name);
  if (!route) return { text: `error: there is no tool named '${call.name}'`, isError: true, args: call.arguments };
  let args: unknown;
  try {
    args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    return { text: 'error: the arguments are not valid JSON', isError: true, args: call.arguments };
  }
  if (!args || typeof args !== 'object' || Array.isArray(args)) {
    return { text: 'error: the arguments must be a JSON object', isError: true, args };
  }
  try {
    const result: AgentCallToolResult = yield ports.callTool({
      server: route.server,
      tool: route.tool,
      arguments: args as Record<string, unknown>,
      maxResultChars: settings.maxToolResultChars,
    });
    if (result.isError && settings.raiseToolErrors) {
      throw new WorkflowFault(
        dslError('runtime', `tool '${call.name}' reported an error: ${result.content.slice(0, 300)}`, { instance }),
      );
    }
    return { text: result.content, isError: result.isError, args };
  } catch (e) {
    // A tool that cannot be reached is the model's problem to work around, unless `toolErrors: raise`;
    // cancellation (the workflow, a timeout) always goes on.
    if (isCancellation(e) || settings.raiseToolErrors) throw e;
    return { text: `error: ${failureText(e)}`, isError: true, args };
  }
}

/** What went wrong, as the DSL error the activity raised (its detail), never a stack. */
function failureText(e: unknown): string {
  if (isWorkflowFault(e)) return e.error.detail ?? e.error.title ?? 'the tool failed';
  if (e instanceof ActivityFailure && e.cause instanceof ApplicationFailure) {
    const data = asErrorData(e.cause.details?.[0]);
    return data?.detail ?? e.cause.message;
  }
  return e instanceof Error ? e.message : 'the tool failed';
}

/** Keeps the prompt within `contextTokens`: the oldest turns are dropped, or condensed by a model call. */
function* fitContext(
  transcript: Transcript,
  specs: ChatToolSpec[],
  settings: Settings,
  base: LlmChatRequest,
  ports: AgentPorts,
  charge: (result: LlmChatResult) => void,
  instance: string,
): AgentSteps<Transcript> {
  const reserve = settings.overflow === 'summarize' ? Math.min(1024, Math.floor(settings.contextTokens / 8)) : 0;
  const plan = planTrim(transcript, specs, settings.contextTokens, reserve);
  if (!plan) {
    throw configurationError(
      instance,
      `contextTokens (${settings.contextTokens}) is too small for the system prompt, the tools, the request and the latest turn`,
    );
  }
  if (plan.removed.length === 0 || settings.overflow === 'drop') return plan.kept;
  const { responseFormat: _r, temperature: _t, ...target } = base;
  const result: LlmChatResult = yield ports.chat(
    {
      ...target,
      messages: summaryRequest(plan.kept.summary, plan.removed, settings.contextTokens * 2),
      maxTokens: reserve,
    },
    'summary',
  );
  charge(result);
  return { ...plan.kept, summary: result.message.content ?? '' };
}

/**
 * The answer, the accounting, every tool call, and `messages`: the transcript as last sent plus the answer,
 * without the task's own `system` prompt (a summary of removed turns stays), for the next task's `messages`.
 */
function agentOutput(
  result: LlmChatResult,
  transcript: Transcript,
  records: ToolCallRecord[],
  meter: AgentMeter,
  hadSystem: boolean,
): Record<string, unknown> {
  const output: Record<string, unknown> = {
    content: result.message.content,
    finishReason: result.finishReason,
    model: result.model,
    usage: meter.usage,
    turns: meter.turns,
    toolCalls: records,
    messages: promptMessages(transcript).slice(hadSystem ? 1 : 0),
  };
  if (result.data !== undefined) output.data = result.data;
  return output;
}
