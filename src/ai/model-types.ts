/**
 * The runner's own shapes for model conversations: what workflow code keeps as an agent's transcript, what
 * activities send to the endpoint, and what DSL expressions see in `with.messages` and task outputs.
 * Pure types (imported with `import type` by workflow code); the wire format is the `openai` client's.
 */

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ChatToolCall {
  /** The id the model gave the call; the tool's reply names it. */
  id: string;
  name: string;
  /** The arguments as the model wrote them: JSON text (possibly invalid). */
  arguments: string;
}

export interface ChatMessage {
  role: ChatRole;
  content: string | null;
  /** Assistant messages: the tools the model asks for. */
  toolCalls?: ChatToolCall[];
  /** Tool messages: the call this result answers. */
  toolCallId?: string;
}

/** A tool offered to the model: a name, what it does, and its arguments' JSON schema. */
export interface ChatToolSpec {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}
