/**
 * What the runner implements of the DSL's protocol calls, shared by validation (src/zigflow) and the
 * activities that make the calls, so the two cannot disagree. Sandbox-safe: data only.
 */

/** `call: mcp` methods (DSL 1.0.2 "MCP Call"). */
export const MCP_METHODS = [
  'tools/list',
  'tools/call',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/read',
  'resources/templates/list',
] as const;

/** `call: a2a` methods (DSL 1.0.2 "A2A Call": the JSON-RPC methods of A2A 0.3). */
export const A2A_METHODS = [
  'message/send',
  'message/stream',
  'tasks/get',
  'tasks/list',
  'tasks/cancel',
  'tasks/resubscribe',
  'tasks/pushNotificationConfig/set',
  'tasks/pushNotificationConfig/get',
  'tasks/pushNotificationConfig/list',
  'tasks/pushNotificationConfig/delete',
  'agent/getAuthenticatedExtendedCard',
] as const;

/** AsyncAPI server protocols `call: asyncapi` speaks (the DSL's `protocol` enum has more). */
export const ASYNCAPI_PROTOCOLS = ['mqtt', 'secure-mqtt', 'mqtt5'] as const;

/** The runner's stance on `call: mcp` over stdio, when the validating party knows it. */
export interface McpStdioPolicy {
  enabled: boolean;
  /** Allowed command lines: a command and the leading arguments it must be called with. */
  commands: readonly (readonly string[])[];
}

/** The command line starts with one allow-list entry. */
export function stdioCommandAllowed(entries: McpStdioPolicy['commands'], commandLine: readonly string[]): boolean {
  return entries.some(
    (entry) => entry.length > 0 && entry.length <= commandLine.length && entry.every((t, i) => commandLine[i] === t),
  );
}
