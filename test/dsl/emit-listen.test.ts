import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestRunner, waitFor, type TestRunner } from '../support/runner-harness';
import { workflow } from './workflow-text';

// Workflow bundling and the real Temporal server make hooks and runs slower than jest defaults.
jest.setTimeout(120_000);

let runner: TestRunner;
const sunk: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
const sink = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    sunk.push({ headers: req.headers, body: JSON.parse(body) });
    res.writeHead(202).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  runner = await startTestRunner({
    activities: { eventSinkUrl: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/events` },
  });
});
afterAll(async () => {
  await runner?.shutdown();
  await new Promise((r) => sink.close(r));
});

describe('emit', () => {
  it('outputs the CloudEvent, posts it in structured mode and reports event_emitted', async () => {
    const { result, events } = await runner.run(
      workflow(
        'emit',
        `
do:
  - greet:
      emit:
        event:
          with:
            source: https://fake-source.com
            type: com.fake-source.user.greeted.v1
            subject: \${ .user }
            data:
              greetings: \${ "Hello \\(.user)!" }
`,
      ),
      { user: 'Ada' },
    );
    expect(result.output).toMatchObject({
      specversion: '1.0',
      source: 'https://fake-source.com',
      type: 'com.fake-source.user.greeted.v1',
      subject: 'Ada',
      data: { greetings: 'Hello Ada!' },
    });
    const event = result.output as Record<string, string>;
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sunk.find((s) => s.body.id === event.id)?.headers['content-type']).toContain('application/cloudevents+json');
    expect(events.find((e) => e.eventType === 'event_emitted')?.message).toBe('com.fake-source.user.greeted.v1');
  });
});

describe('listen', () => {
  it('waits for matching events delivered by the event signal (one, all, any with until)', async () => {
    const handle = await runner.start(
      workflow(
        'listen',
        `
do:
  - one:
      listen:
        to:
          one: { with: { type: com.example.ready } }
  - all:
      listen:
        to:
          all:
            - with: { type: com.example.a }
            - with: { type: com.example.b }
        read: envelope
      output:
        as: 'map(.type)'
  - many:
      listen:
        to:
          any: []
          until: \${ length >= 2 }
`,
      ),
    );
    await waitFor(() =>
      runner.events(handle.workflowId).some((e) => e.taskName === 'one' && e.eventType === 'task_started'),
    );
    const ev = (type: string, data: unknown) => ({ specversion: '1.0', id: type, source: 'test', type, data });
    await handle.signal('event', ev('com.example.ignored', 0));
    await handle.signal('event', ev('com.example.ready', { ok: true }));
    await handle.signal('event', ev('com.example.b', 2));
    await handle.signal('event', ev('com.example.a', 1));
    await handle.signal('event', ev('com.example.x', 'x'));
    const { result } = await runner.outcome(handle);
    expect(result.status).toBe('completed');
    // `many` consumes the still-pending ignored event and x, in arrival order.
    expect(result.output).toEqual([0, 'x']);
    const one = result.tasks.find((t) => t.name === 'one');
    expect(one?.status).toBe('completed');
  });

  it('runs foreach.do for each consumed event', async () => {
    const handle = await runner.start(
      workflow(
        'foreach',
        `
do:
  - collect:
      listen:
        to:
          all:
            - with: { type: com.example.order }
            - with: { type: com.example.order }
      foreach:
        item: order
        do:
          - price:
              set:
                total: '\${ $order.qty * $order.price }'
`,
      ),
    );
    const order = (id: string, qty: number) => ({
      specversion: '1.0',
      id,
      source: 'test',
      type: 'com.example.order',
      data: { qty, price: 5 },
    });
    await handle.signal('event', order('o1', 2));
    await handle.signal('event', order('o2', 3));
    const { result } = await runner.outcome(handle);
    expect(result).toMatchObject({ status: 'completed', output: [{ total: 10 }, { total: 15 }] });
  });
});
