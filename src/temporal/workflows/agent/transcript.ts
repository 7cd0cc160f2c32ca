/**
 * An agent's transcript as workflow state, and how it is kept within its token budget (`contextTokens`).
 * Pure and deterministic (workflow code): the same transcript always trims the same way on replay.
 *
 * The transcript is a list of units, each a list of messages that must stay together: an assistant message
 * that asked for tools and the tool results answering it form one unit (the API refuses a tool result
 * without its call). Pinned units (the system prompt, the current request: the last user message the task
 * started with, and the summary of earlier turns) are never removed; neither is the newest unit, so the model
 * always sees the latest tool results. When the prompt would exceed the budget, the oldest other units are
 * removed until it fits; with `overflow: summarize` they are first condensed by a model call into the summary.
 *
 * Token counts are estimates (about four characters a token, plus a few per message): no tokenizer runs in
 * workflow code, and an estimate that is the same on every replay is what determinism needs.
 */
import type { ChatMessage, ChatToolSpec } from '../../activities/types';

export interface TranscriptUnit {
  messages: ChatMessage[];
  pinned?: boolean;
}

export interface Transcript {
  units: TranscriptUnit[];
  /** The summary of removed turns, kept as a pinned system message after the system prompt. */
  summary?: string;
}

export type Overflow = 'drop' | 'summarize';

const MESSAGE_OVERHEAD_TOKENS = 4;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function messageTokens(message: ChatMessage): number {
  let chars = (message.content ?? '').length;
  for (const call of message.toolCalls ?? []) chars += call.name.length + call.arguments.length + call.id.length;
  return Math.ceil(chars / 4) + MESSAGE_OVERHEAD_TOKENS;
}

export function toolTokens(tools: ChatToolSpec[]): number {
  return tools.length === 0 ? 0 : estimateTokens(JSON.stringify(tools));
}

/** Units of the messages a task starts with: the system prompt and the last user message are pinned. */
export function startTranscript(messages: ChatMessage[]): Transcript {
  const units: TranscriptUnit[] = [];
  for (const message of messages) {
    const last = units[units.length - 1];
    if (message.role === 'tool' && last && last.messages[0].toolCalls?.length) last.messages.push(message);
    else units.push({ messages: [message], pinned: message.role === 'system' });
  }
  for (let i = units.length - 1; i >= 0; i--) {
    if (units[i].messages[0].role === 'user') {
      units[i].pinned = true;
      break;
    }
  }
  return { units };
}

export function summaryMessage(summary: string): ChatMessage {
  return { role: 'system', content: `Summary of the earlier conversation: ${summary}` };
}

/** The messages to send: system prompts first, then the summary, then the rest in order. */
export function promptMessages(transcript: Transcript): ChatMessage[] {
  const systems = transcript.units.filter((u) => u.messages[0].role === 'system').flatMap((u) => u.messages);
  const rest = transcript.units.filter((u) => u.messages[0].role !== 'system').flatMap((u) => u.messages);
  return [...systems, ...(transcript.summary !== undefined ? [summaryMessage(transcript.summary)] : []), ...rest];
}

export function transcriptTokens(transcript: Transcript, tools: ChatToolSpec[]): number {
  return promptMessages(transcript).reduce((n, m) => n + messageTokens(m), 0) + toolTokens(tools);
}

export interface TrimPlan {
  /** The transcript without the removed units (and with the old summary, which a new one replaces). */
  kept: Transcript;
  /** Removed units' messages, oldest first; empty when the transcript fits. */
  removed: ChatMessage[];
  /** Estimated prompt tokens after trimming (before any new summary is added). */
  tokens: number;
}

/**
 * Removes the oldest removable units until the prompt fits `budget`. `reserve` is kept free for the summary
 * that will replace them (0 when they are dropped). Returns undefined when even the pinned units and the
 * newest one do not fit: the caller reports that `contextTokens` is too small.
 */
export function planTrim(
  transcript: Transcript,
  tools: ChatToolSpec[],
  budget: number,
  reserve: number,
): TrimPlan | undefined {
  let tokens = transcriptTokens(transcript, tools);
  if (tokens <= budget) return { kept: transcript, removed: [], tokens };
  const units = [...transcript.units];
  const removed: ChatMessage[] = [];
  const newest = units[units.length - 1];
  for (let i = 0; i < units.length && tokens + reserve > budget;) {
    const unit = units[i];
    if (unit.pinned || unit === newest) {
      i++;
      continue;
    }
    units.splice(i, 1);
    removed.push(...unit.messages);
    tokens -= unit.messages.reduce((n, m) => n + messageTokens(m), 0);
  }
  if (tokens + reserve > budget) return undefined;
  return { kept: { units, summary: transcript.summary }, removed, tokens };
}

/** Cuts a tool result to `max` characters, saying how much was left out. */
export function truncateResult(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const note = `\n…[truncated: ${max} of ${text.length} characters]`;
  return { text: text.slice(0, Math.max(0, max - note.length)) + note, truncated: true };
}

export const SUMMARY_INSTRUCTION =
  'You condense conversations between a user, an assistant and its tools. Keep every fact, decision and tool result the assistant needs to finish the task; drop pleasantries. Answer with the summary only.';

/**
 * The request that condenses removed turns (and the previous summary) into a new summary, bounded to about
 * `maxChars`: each message's text gets an equal share, so one long tool result cannot push the other turns
 * (and the record of which tools were called) out of the request.
 */
export function summaryRequest(previous: string | undefined, removed: ChatMessage[], maxChars: number): ChatMessage[] {
  const parts = removed.length + (previous !== undefined ? 1 : 0);
  const share = Math.max(200, Math.floor(maxChars / Math.max(1, parts)));
  const cut = (text: string) => (text.length > share ? `${text.slice(0, share)}…` : text);
  const lines: string[] = [];
  if (previous !== undefined) lines.push(`(earlier summary) ${cut(previous)}`);
  for (const message of removed) {
    if (message.content) lines.push(`${message.role}: ${cut(message.content)}`);
    for (const call of message.toolCalls ?? []) {
      lines.push(`assistant called ${call.name} with ${call.arguments.slice(0, 200)}`);
    }
  }
  return [
    { role: 'system', content: SUMMARY_INSTRUCTION },
    { role: 'user', content: `Summarise the conversation below.\n\n${lines.join('\n')}` },
  ];
}
