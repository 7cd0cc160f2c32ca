import { answerChat, embedText, fromSchema, type ChatRequestBody, type WireTool } from './demo-model-answers';

const tool = (name: string, properties: Record<string, unknown>): WireTool => ({
  type: 'function',
  function: { name, parameters: { type: 'object', properties, required: Object.keys(properties) } },
});
const tools = [
  tool('echo', { message: { type: 'string' } }),
  tool('add', { a: { type: 'number' }, b: { type: 'number' } }),
];

describe('the model server answers', () => {
  const ask = (body: Partial<ChatRequestBody>) => answerChat({ model: 'm', messages: [], ...body });

  it('calls each mentioned tool once, in order of mention, then answers with the results', () => {
    const prompt = "First echo 'hello', then add 2 and 3, then echo 'bye'.";
    const first = ask({ messages: [{ role: 'user', content: prompt }], tools });
    expect(first.toolCalls).toEqual([
      { id: 'call_1_echo', type: 'function', function: { name: 'echo', arguments: '{"message":"hello"}' } },
    ]);
    const transcript = [
      { role: 'user', content: prompt },
      { role: 'assistant', content: null, tool_calls: first.toolCalls },
      { role: 'tool', tool_call_id: 'call_1_echo', content: 'Echo: hello' },
    ];
    const second = ask({ messages: transcript, tools });
    expect(second.toolCalls?.[0].function).toEqual({ name: 'add', arguments: '{"a":2,"b":3}' });
    const done = ask({
      messages: [
        ...transcript,
        { role: 'assistant', content: null, tool_calls: second.toolCalls },
        { role: 'tool', tool_call_id: 'call_2_add', content: '5' },
        { role: 'assistant', content: null, tool_calls: [{ ...second.toolCalls![0], id: 'call_3_echo' }] },
        { role: 'tool', tool_call_id: 'call_3_echo', content: 'Echo: bye' },
      ],
      tools,
    });
    expect(done).toEqual({ content: 'Done after 3 tool calls: Echo: hello; 5; Echo: bye', finishReason: 'stop' });
  });

  it('summarises, and counts the summarised tool calls as made', () => {
    const summary = ask({
      messages: [
        { role: 'user', content: 'Summarise the conversation below.\nuser: echo hi\nassistant: calling echo' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'echo', arguments: '{}' } }],
        },
      ],
    });
    expect(summary.content).toMatch(/^Summary of \d+ messages: .*\(1 tool calls\)$/);
    const next = ask({
      messages: [
        { role: 'user', content: "echo 'a' then add 1 and 2" },
        { role: 'system', content: summary.content },
      ],
      tools,
    });
    expect(next.toolCalls?.[0].function.name).toBe('add');
  });

  it('builds JSON from a schema, picking the enum value the prompt names', () => {
    const schema = {
      type: 'object',
      properties: { priority: { enum: ['low', 'high'] }, tags: { type: 'array', items: { type: 'string' } } },
    };
    expect(fromSchema(schema, 'this is HIGH priority', 'value')).toEqual({
      priority: 'high',
      tags: ['tags: this is HIGH priority'],
    });
  });

  it('cuts a reply at max_tokens and says so', () => {
    const answer = ask({ messages: [{ role: 'user', content: 'x'.repeat(400) }], max_tokens: 2 });
    expect(answer).toEqual({ content: 'Answer: ', finishReason: 'length' });
  });

  it('embeds deterministically and normalised', () => {
    const v = embedText('the quick brown fox', 32);
    expect(embedText('the quick brown fox', 32)).toEqual(v);
    expect(Math.hypot(...v)).toBeCloseTo(1, 10);
  });
});
