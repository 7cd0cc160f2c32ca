/**
 * The agent's tools (`agent:1.0.0@default`, `with.tools`): MCP servers reached exactly as `call: mcp`
 * reaches them (same transports, authentication, stdio opt-in and command allow-list, timeout), through
 * the same client. `agentListTools` lists a server's tools once per run; `agentCallTool` makes one
 * `tools/call` in its own session. A tool's result becomes text for the model (structured content as JSON,
 * images and other media by description) and is cut to `maxResultChars` here, before it reaches history.
 */
import type { CallToolResult, ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import { truncateResult } from '../workflows/agent/transcript';
import { withMcpSession } from './call-mcp';
import type { ActivityDeps } from './deps';
import type {
  AgentCallToolRequest,
  AgentCallToolResult,
  AgentListToolsResult,
  AgentToolServerRequest,
  ChatToolSpec,
} from './types';

/** Tools taken from one server; descriptions are cut (they are sent with every model turn). */
const MAX_TOOLS = 128;
const MAX_DESCRIPTION = 1000;

function mcpRequest(request: AgentToolServerRequest) {
  return { position: request.position, args: request.server, scope: request.scope };
}

export function createAgentListTools(deps: ActivityDeps) {
  return async function agentListTools(request: AgentToolServerRequest): Promise<AgentListToolsResult> {
    return withMcpSession(deps, mcpRequest(request), 'tools/list', async (session, timeoutMs, signal) => {
      const tools: ChatToolSpec[] = [];
      let cursor: string | undefined;
      do {
        const page = (await session.request('tools/list', cursor ? { cursor } : {}, {
          timeoutMs,
          signal,
        })) as ListToolsResult;
        tools.push(...toolSpecs(page));
        cursor = page.nextCursor;
      } while (cursor && tools.length < MAX_TOOLS);
      return { tools: tools.slice(0, MAX_TOOLS) };
    });
  };
}

export function createAgentCallTool(deps: ActivityDeps) {
  return async function agentCallTool(request: AgentCallToolRequest): Promise<AgentCallToolResult> {
    return withMcpSession(
      deps,
      mcpRequest(request),
      `tools/call ${request.tool}`,
      async (session, timeoutMs, signal) => {
        const result = await session.callTool(request.tool, request.arguments, { timeoutMs, signal });
        return toolResult(result as CallToolResult, request.maxResultChars);
      },
    );
  };
}

/** A page of `tools/list` as the model is told the tools (also what `workflow-runner test` mocks answer). */
export function toolSpecs(page: ListToolsResult): ChatToolSpec[] {
  return page.tools.map((tool) => {
    const spec: ChatToolSpec = { name: tool.name, parameters: tool.inputSchema as Record<string, unknown> };
    if (tool.description) spec.description = tool.description.slice(0, MAX_DESCRIPTION);
    return spec;
  });
}

/** A `tools/call` result as the loop receives it: text for the model, cut to `maxResultChars`. */
export function toolResult(result: CallToolResult, maxResultChars: number): AgentCallToolResult {
  const { text, truncated } = truncateResult(resultText(result), maxResultChars);
  return { content: text, isError: result.isError === true, truncated };
}

/** A tool result as text for the model. */
export function resultText(result: CallToolResult): string {
  const parts: string[] = [];
  for (const item of result.content ?? []) {
    switch (item.type) {
      case 'text':
        parts.push(item.text);
        break;
      case 'image':
      case 'audio':
        parts.push(`[${item.type} ${item.mimeType}, ${Math.floor((item.data.length * 3) / 4)} bytes]`);
        break;
      case 'resource':
        parts.push('text' in item.resource ? String(item.resource.text) : `[resource ${item.resource.uri}]`);
        break;
      case 'resource_link':
        parts.push(`[resource ${item.uri}${item.name ? ` (${item.name})` : ''}]`);
        break;
    }
  }
  if (result.structuredContent !== undefined && parts.length === 0)
    parts.push(JSON.stringify(result.structuredContent));
  return parts.join('\n');
}
