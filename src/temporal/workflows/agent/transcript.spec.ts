import type { ChatMessage } from '../../activities/types';
import {
  messageTokens,
  planTrim,
  promptMessages,
  startTranscript,
  summaryRequest,
  transcriptTokens,
  truncateResult,
  type Transcript,
} from './transcript';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const toolTurn = (n: number, result: string): ChatMessage[] => [
  { role: 'assistant', content: null, toolCalls: [{ id: `c${n}`, name: 'lookup', arguments: `{"n":${n}}` }] },
  { role: 'tool', toolCallId: `c${n}`, content: result },
];

function withTurns(count: number, size: number): Transcript {
  const transcript = startTranscript([{ role: 'system', content: 'be brief' }, user('find the answer')]);
  for (let n = 1; n <= count; n++) transcript.units.push({ messages: toolTurn(n, 'x'.repeat(size)) });
  return transcript;
}

describe('agent transcript', () => {
  it('pins the system prompt and the current request, and keeps tool calls with their results', () => {
    const t = startTranscript([
      { role: 'system', content: 's' },
      user('old question'),
      { role: 'assistant', content: 'old answer' },
      ...toolTurn(1, 'r'),
      user('new question'),
    ]);
    expect(t.units.map((u) => [u.messages.map((m) => m.role).join('+'), !!u.pinned])).toEqual([
      ['system', true],
      ['user', false],
      ['assistant', false],
      ['assistant+tool', false],
      ['user', true],
    ]);
  });

  it('leaves a transcript that fits alone', () => {
    const t = withTurns(2, 40);
    const plan = planTrim(t, [], 10_000, 0)!;
    expect(plan.removed).toEqual([]);
    expect(plan.kept).toBe(t);
  });

  it('removes the oldest turns first, never the pinned ones or the newest', () => {
    const t = withTurns(5, 400);
    const budget = transcriptTokens(t, []) - 150;
    const plan = planTrim(t, [], budget, 0)!;
    // Each turn is about 100 + 20 tokens: two go.
    expect(plan.removed.map((m) => m.toolCalls?.[0]?.id ?? m.toolCallId)).toEqual(['c1', 'c1', 'c2', 'c2']);
    expect(plan.tokens).toBeLessThanOrEqual(budget);
    const ids = promptMessages(plan.kept).map((m) => m.role + (m.toolCalls?.[0]?.id ?? m.toolCallId ?? ''));
    expect(ids).toEqual(['system', 'user', 'assistantc3', 'toolc3', 'assistantc4', 'toolc4', 'assistantc5', 'toolc5']);
  });

  it('keeps room for the summary that replaces removed turns', () => {
    const t = withTurns(5, 400);
    const budget = transcriptTokens(t, []) - 150;
    expect(planTrim(t, [], budget, 200)!.removed.length).toBeGreaterThan(planTrim(t, [], budget, 0)!.removed.length);
  });

  it('says when even the pinned messages and the newest turn do not fit', () => {
    const t = withTurns(3, 4000);
    expect(planTrim(t, [], 500, 0)).toBeUndefined();
  });

  it('places the summary after the system prompt', () => {
    const t: Transcript = { ...withTurns(1, 10), summary: 'earlier: found 3 items' };
    expect(promptMessages(t).slice(0, 3)).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'system', content: 'Summary of the earlier conversation: earlier: found 3 items' },
      user('find the answer'),
    ]);
  });

  it('renders removed turns and the previous summary into a bounded summary request', () => {
    const request = summaryRequest('before', toolTurn(7, 'result text'), 1000);
    expect(request[1].content).toBe(
      'Summarise the conversation below.\n\n(earlier summary) before\nassistant called lookup with {"n":7}\ntool: result text',
    );
    // Each message gets its share of the bound, so every tool call stays on record.
    const long = summaryRequest(undefined, [...toolTurn(1, 'y'.repeat(5000)), ...toolTurn(2, 'y'.repeat(5000))], 1000);
    expect(long[1].content!.length).toBeLessThan(1300);
    expect(long[1].content).toContain('assistant called lookup with {"n":1}');
    expect(long[1].content).toContain('assistant called lookup with {"n":2}');
  });

  it('truncates long tool results and says by how much', () => {
    expect(truncateResult('short', 100)).toEqual({ text: 'short', truncated: false });
    const cut = truncateResult('z'.repeat(10_000), 200);
    expect(cut.truncated).toBe(true);
    expect(cut.text.length).toBe(200);
    expect(cut.text).toMatch(/\[truncated: 200 of 10000 characters\]$/);
  });

  it('estimates tokens from characters, tool calls included', () => {
    expect(messageTokens(user('abcd'.repeat(10)))).toBe(14);
    expect(messageTokens(toolTurn(1, '')[0])).toBeGreaterThan(4);
  });
});
