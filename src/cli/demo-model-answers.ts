/**
 * How the local model server (demo-model-server.ts) answers: deterministic functions of the request, so
 * tests can predict every reply and count every call. No language model can run on this machine; these
 * rules stand in for one while the HTTP exchange stays the real OpenAI protocol.
 *
 * Chat rules, in order:
 *   1. A last user message starting with "Summarise"/"Summarize" gets a summary: "Summary of N messages:
 *      ..." (the first words of each), ending with "(K tool calls)" when the transcript held tool calls
 *      (as `tool_calls`, as "assistant called NAME with ..." lines, or counted by an earlier summary).
 *   2. With `tools`: every mention of a tool's name in the first user message is one tool call, in order of
 *      mention. Calls already made (assistant `tool_calls` in the transcript, plus the K of a summary) are
 *      skipped; the next one is requested with arguments read from the text after its mention: numbers
 *      fill numeric parameters in order, quoted text ('...' or "...") or else that text fills strings.
 *   3. With `response_format` of type `json_schema`: JSON built from the schema (enums pick the value the
 *      prompt names, else the first; strings quote the prompt; numbers count its words).
 *   4. Otherwise: "Answer: " and the first sentence of the last user message (or of its `Context:` part); a
 *      conversation that holds tool results (carried over from an agent) is answered from those results.
 */

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface WireMessage {
  role: string;
  content?: string | null | Array<{ type: string; text?: string }>;
  tool_calls?: WireToolCall[];
  tool_call_id?: string;
}

export interface WireTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: JsonSchema };
}

type JsonSchema = Record<string, any>;

export interface ChatRequestBody {
  model: string;
  messages: WireMessage[];
  tools?: WireTool[];
  response_format?: { type: string; json_schema?: { name?: string; schema?: JsonSchema } };
  max_tokens?: number;
  max_completion_tokens?: number;
}

export interface ChatAnswer {
  content: string | null;
  toolCalls?: WireToolCall[];
  finishReason: 'stop' | 'tool_calls' | 'length';
}

export function textOf(message: WireMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (Array.isArray(message.content)) return message.content.map((p) => p.text ?? '').join('');
  return '';
}

/** Token counts as the server reports them: about four characters a token, at least one. */
export function tokensOf(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function promptTokens(messages: WireMessage[], tools: WireTool[] = []): number {
  const text = messages.map((m) => textOf(m) + JSON.stringify(m.tool_calls ?? '')).join('\n');
  return tokensOf(text + (tools.length > 0 ? JSON.stringify(tools) : ''));
}

export function answerChat(body: ChatRequestBody): ChatAnswer {
  const users = body.messages.filter((m) => m.role === 'user');
  const last = users.length > 0 ? textOf(users[users.length - 1]) : '';
  const limit = body.max_completion_tokens ?? body.max_tokens;
  let answer: ChatAnswer;
  if (/^\s*summari[sz]e/i.test(last)) answer = { content: summarise(body.messages), finishReason: 'stop' };
  else {
    const call = body.tools?.length ? nextToolCall(body) : undefined;
    if (call) return { content: null, toolCalls: [call], finishReason: 'tool_calls' };
    const schema = body.response_format?.type === 'json_schema' ? body.response_format.json_schema?.schema : undefined;
    const prompt = users.length > 0 ? textOf(users[0]) + '\n' + last : '';
    const content = schema
      ? JSON.stringify(fromSchema(schema, prompt, 'value'))
      : finalText(body.messages, last, body.tools !== undefined);
    answer = { content, finishReason: 'stop' };
  }
  if (limit !== undefined && answer.content && tokensOf(answer.content) > limit) {
    return { content: answer.content.slice(0, limit * 4), finishReason: 'length' };
  }
  return answer;
}

function summarise(messages: WireMessage[]): string {
  const body = messages.filter((m) => m.role !== 'system');
  // Calls appear as structured tool_calls, or rendered as text ("assistant called NAME with ...").
  const rendered = body.reduce((n, m) => n + (textOf(m).match(/^assistant called \S+ with /gm)?.length ?? 0), 0);
  const toolCalls = body.reduce((n, m) => n + (m.tool_calls?.length ?? 0), 0) + rendered + summarisedCalls(messages);
  const lines = body
    .map((m) => textOf(m).replace(/^\s*summari[sz]e[^\n]*\n?/i, ''))
    .flatMap((t) => t.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => l.split(/\s+/).slice(0, 6).join(' '));
  const calls = toolCalls > 0 ? ` (${toolCalls} tool calls)` : '';
  return `Summary of ${lines.length} messages: ${lines.join(' / ').slice(0, 400)}${calls}`;
}

/** Tool calls a previous summary accounted for ("(K tool calls)"), so they are not made again. */
function summarisedCalls(messages: WireMessage[]): number {
  let n = 0;
  for (const m of messages) {
    const match = /\((\d+) tool calls\)/.exec(textOf(m));
    if (match && /Summary of/.test(textOf(m))) n = Math.max(n, Number(match[1]));
  }
  return n;
}

interface Mention {
  tool: WireTool;
  /** The text between this mention and the next. */
  segment: string;
}

function mentions(prompt: string, tools: WireTool[]): Mention[] {
  const found: Array<{ at: number; end: number; tool: WireTool }> = [];
  for (const tool of tools) {
    const name = tool.function.name;
    const pattern = new RegExp(`(?<![\\w-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g');
    for (let m = pattern.exec(prompt); m; m = pattern.exec(prompt)) {
      found.push({ at: m.index, end: m.index + name.length, tool });
    }
  }
  found.sort((a, b) => a.at - b.at);
  return found.map((f, i) => ({ tool: f.tool, segment: prompt.slice(f.end, found[i + 1]?.at ?? prompt.length) }));
}

function nextToolCall(body: ChatRequestBody): WireToolCall | undefined {
  const first = body.messages.find((m) => m.role === 'user');
  if (!first) return undefined;
  const planned = mentions(textOf(first), body.tools ?? []);
  const made =
    body.messages.reduce((n, m) => n + (m.role === 'assistant' ? (m.tool_calls?.length ?? 0) : 0), 0) +
    summarisedCalls(body.messages);
  const next = planned[made];
  if (!next) return undefined;
  const args = argumentsFor(next.tool.function.parameters ?? {}, next.segment);
  return {
    id: `call_${made + 1}_${next.tool.function.name}`,
    type: 'function',
    function: { name: next.tool.function.name, arguments: JSON.stringify(args) },
  };
}

function argumentsFor(schema: JsonSchema, segment: string): Record<string, unknown> {
  const numbers = (segment.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
  const quoted = /'([^']*)'|"([^"]*)"/.exec(segment);
  const text = quoted ? (quoted[1] ?? quoted[2]) : segment.replace(/^[\s,:;-]+|[\s,.;]+$/g, '') || 'ok';
  const out: Record<string, unknown> = {};
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set<string>(schema.required ?? Object.keys(properties));
  for (const [name, property] of Object.entries(properties)) {
    const type = Array.isArray(property.type) ? property.type[0] : property.type;
    if (type === 'number' || type === 'integer') {
      if (numbers.length > 0) out[name] = numbers.shift();
      else if (required.has(name)) out[name] = property.minimum ?? 0;
    } else if (type === 'string') {
      if (Array.isArray(property.enum)) out[name] = property.enum[0];
      else out[name] = text;
    } else if (type === 'boolean' && required.has(name)) out[name] = false;
  }
  return out;
}

function finalText(messages: WireMessage[], last: string, agent: boolean): string {
  const results = messages.filter((m) => m.role === 'tool').map((m) => textOf(m).replace(/\s+/g, ' ').slice(0, 120));
  if (agent && results.length > 0) return `Done after ${results.length} tool calls: ${results.join('; ')}`;
  if (results.length > 0) return `Answer: from ${results.length} tool results: ${results.join('; ')}`;
  const context = /Context:\s*([\s\S]*)/i.exec(last);
  const source = (context ? context[1] : last).trim();
  const sentence = (/^[^.!?\n]*[.!?]?/.exec(source)?.[0] ?? '').trim();
  return `Answer: ${sentence || 'nothing to answer'}`;
}

/** A value of `schema` derived from the prompt; `name` is the property it fills. */
export function fromSchema(schema: JsonSchema, prompt: string, name: string): unknown {
  if (Array.isArray(schema.enum)) {
    const lower = prompt.toLowerCase();
    return schema.enum.find((v: unknown) => typeof v === 'string' && lower.includes(v.toLowerCase())) ?? schema.enum[0];
  }
  if (schema.const !== undefined) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const words = prompt.split(/\s+/).filter((w) => w.length > 0);
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
        out[key] = fromSchema(property, prompt, key);
      }
      return out;
    }
    case 'array':
      return [fromSchema(schema.items ?? { type: 'string' }, prompt, name)];
    case 'number':
    case 'integer': {
      const n = words.length % 10;
      const min = typeof schema.minimum === 'number' ? schema.minimum : -Infinity;
      const max = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
      return Math.min(Math.max(n, min), max);
    }
    case 'boolean':
      return prompt.toLowerCase().includes(name.toLowerCase());
    case 'null':
      return null;
    default:
      return `${name}: ${words.slice(0, 8).join(' ')}`.slice(0, schema.maxLength ?? 200);
  }
}

/**
 * A bag-of-words embedding: each word adds ±1 at a hashed index; the vector is L2-normalised. Texts that
 * share words are near each other, which is what a retrieval test needs to check ranking.
 */
export function embedText(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193) >>> 0;
    vector[hash % dimensions] += hash & 0x80000000 ? -1 : 1;
  }
  const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0));
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((v) => v / norm);
}
