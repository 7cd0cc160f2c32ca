/**
 * `call: asyncapi` at the activity level: AsyncAPI 2.6 and 3.0 documents served over HTTP on 127.0.0.1,
 * parsed by `@asyncapi/parser`, and a real MQTT broker (aedes, in its own process: test/support/mqtt-broker.mjs).
 * Tests wait on what the broker reports (a subscription exists), never on time.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectAsync, type MqttClient } from 'mqtt';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createCallAsyncApi } from '../../src/temporal/activities/call-asyncapi';
import type { AsyncApiCallRequest, DeferredScope } from '../../src/temporal/activities/types';
import { sealSecret } from '../../src/secrets/sealing';
import { startMqttBroker, type MqttBrokerFixture } from '../support/mqtt-broker';

jest.setTimeout(60_000);

const key = randomBytes(32);
const noScope: DeferredScope = { input: {}, variables: {}, sealedSecrets: {}, env: {} };
const callAsyncApi = createCallAsyncApi({ secretsKey: key });

const V3 = `asyncapi: 3.0.0
info: { title: Shop, version: 1.0.0 }
servers:
  broker:
    host: '127.0.0.1:{port}'
    protocol: mqtt
    variables:
      port: { default: '1' }
  stream:
    host: 127.0.0.1:9092
    protocol: kafka
channels:
  orders:
    address: shop/{region}/orders
    servers: [ { $ref: '#/servers/broker' } ]
    parameters:
      region: { default: eu }
    messages:
      order: { payload: { type: object } }
  audit:
    address: shop/audit
    servers: [ { $ref: '#/servers/stream' } ]
operations:
  placeOrder:
    action: send
    channel: { $ref: '#/channels/orders' }
    bindings: { mqtt: { qos: 1 } }
  watchOrders:
    action: receive
    channel: { $ref: '#/channels/orders' }
  writeAudit:
    action: send
    channel: { $ref: '#/channels/audit' }
`;

const V2 = (port: number) => `asyncapi: 2.6.0
info: { title: Shop, version: 1.0.0 }
servers:
  broker:
    url: 'mqtt://127.0.0.1:${port}'
    protocol: mqtt
channels:
  shop/notifications:
    subscribe:
      operationId: notifications
      message: { payload: { type: object } }
`;

let broker: MqttBrokerFixture;
let guarded: MqttBrokerFixture;
let docs: Server;
let docsUrl = '';
let publisher: MqttClient;

beforeAll(async () => {
  broker = await startMqttBroker();
  guarded = await startMqttBroker({ user: 'shop', password: 'broker-pass' });
  docs = createServer((req, res) => {
    if (req.url === '/v3.yaml') res.writeHead(200, { 'content-type': 'application/yaml' }).end(V3);
    else if (req.url === '/v2.yaml') res.writeHead(200, { 'content-type': 'application/yaml' }).end(V2(broker.port));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
  docsUrl = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
  publisher = await connectAsync(broker.url);
});
afterAll(async () => {
  await publisher?.endAsync();
  await broker?.stop();
  await guarded?.stop();
  await new Promise((resolve) => docs?.close(resolve));
});

function request(args: Record<string, unknown>, scope: DeferredScope = noScope): AsyncApiCallRequest {
  return { position: '/do/0/orders', args, scope };
}

const v3 = (extra: Record<string, unknown>, port = broker.port) => ({
  document: { endpoint: `${docsUrl}/v3.yaml` },
  server: { name: 'broker', variables: { port: String(port) } },
  ...extra,
});

async function failureOf(promise: Promise<unknown>): Promise<{ type: string; status: number; detail: string }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { details?: Array<{ type: string; status: number; detail: string }> } | undefined;
  if (!error?.details?.[0]) throw new Error(`expected a DSL failure, got ${String(error)}`);
  return error.details[0];
}

/**
 * Starts a subscription and resolves once the broker holds it (one more subscription to the topic than
 * before). The running call comes back wrapped: an async function returning a promise would wait for it.
 */
async function subscribed<T>(
  target: MqttBrokerFixture,
  topic: string,
  start: () => Promise<T>,
): Promise<{ running: Promise<T> }> {
  const before = target.lines.filter((l) => l === `subscribe ${topic}`).length;
  const running = start();
  running.catch(() => undefined);
  await target.waitFor(
    () => target.lines.filter((l) => l === `subscribe ${topic}`).length > before,
    `a subscription to ${topic}`,
  );
  return { running };
}

describe('call: asyncapi over MQTT', () => {
  it('publishes a message through an AsyncAPI 3.0 operation on the named server, variables filled in', async () => {
    const before = broker.lines.length;
    expect(
      await callAsyncApi(request(v3({ operation: 'placeOrder', message: { payload: { id: 1, total: 12 } } }))),
    ).toBeNull();
    await broker.waitFor(
      (l) => broker.lines.indexOf(l) >= before && l === 'publish shop/eu/orders {"id":1,"total":12}',
      'the order',
    );
  });

  it('consumes the filtered amount, in order, as the output', async () => {
    const { running } = await subscribed(broker, 'shop/eu/orders', () =>
      callAsyncApi(
        request(
          v3({
            operation: 'watchOrders',
            subscription: { filter: '${ .payload.total > 10 }', consume: { amount: 2 } },
          }),
        ),
      ),
    );
    for (const total of [5, 20, 7, 30, 40])
      await publisher.publishAsync('shop/eu/orders', JSON.stringify({ total }), { qos: 1 });
    expect(await running).toEqual([
      { topic: 'shop/eu/orders', payload: { total: 20 } },
      { topic: 'shop/eu/orders', payload: { total: 30 } },
    ]);
  });

  it('stops on until (before each message) and while (after each), on an AsyncAPI 2.6 channel', async () => {
    const v2 = (consume: Record<string, unknown>) =>
      request({
        document: { endpoint: `${docsUrl}/v2.yaml` },
        channel: 'shop/notifications',
        subscription: { consume },
      });
    const { running: untilTwo } = await subscribed(broker, 'shop/notifications', () =>
      callAsyncApi(v2({ until: '${ length == 2 }', for: { minutes: 1 } })),
    );
    for (const n of [1, 2, 3]) await publisher.publishAsync('shop/notifications', JSON.stringify({ n }), { qos: 1 });
    expect(((await untilTwo) as Array<{ payload: unknown }>).map((m) => m.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    const { running: whileSmall } = await subscribed(broker, 'shop/notifications', () =>
      callAsyncApi(v2({ while: '${ (map(.payload.n) | add) < 5 }' })),
    );
    for (const n of [1, 3, 4, 8]) await publisher.publishAsync('shop/notifications', JSON.stringify({ n }), { qos: 1 });
    expect(((await whileSmall) as Array<{ payload: unknown }>).map((m) => m.payload)).toEqual([
      { n: 1 },
      { n: 3 },
      { n: 4 },
    ]);
    // until already true before any message: nothing is consumed, nothing subscribed.
    expect(await callAsyncApi(v2({ until: '${ true }' }))).toEqual([]);
  });

  it('ends a subscription at consume.for with what it got', async () => {
    const output = await callAsyncApi(
      request(
        v3({
          operation: 'watchOrders',
          subscription: { filter: '${ false }', consume: { amount: 5, for: { milliseconds: 200 } } },
        }),
      ),
    );
    expect(output).toEqual([]);
  });

  it('authenticates to the broker with basic credentials from $secrets, and reports refused ones', async () => {
    const scope: DeferredScope = { ...noScope, sealedSecrets: { brokerPass: sealSecret('broker-pass', key) } };
    const publish = (password: unknown) =>
      request(
        v3(
          {
            operation: 'placeOrder',
            message: { payload: { id: 2 } },
            authentication: { basic: { username: 'shop', password } },
          },
          guarded.port,
        ),
        scope,
      );
    expect(await callAsyncApi(publish({ $deferredExpression: '${ $secrets.brokerPass }' }))).toBeNull();
    await guarded.waitFor((l) => l === 'publish shop/eu/orders {"id":2}', 'the authenticated publish');
    const refused = await failureOf(callAsyncApi(publish('wrong')));
    expect(refused).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authentication',
      status: 401,
    });
  });

  it('stops consuming when the activity is cancelled', async () => {
    const environment = new MockActivityEnvironment();
    const { running } = await subscribed(broker, 'shop/eu/orders', () =>
      environment.run(
        callAsyncApi,
        request(v3({ operation: 'watchOrders', subscription: { consume: { while: '${ true }' } } })),
      ),
    );
    environment.cancel();
    await expect(running).rejects.toMatchObject({ name: 'CancelledFailure' });
  });
});

describe('call: asyncapi bad input', () => {
  it('names the operation missing from the document, and the protocol the runner does not speak', async () => {
    const missing = await failureOf(callAsyncApi(request(v3({ operation: 'refundOrder', message: { payload: {} } }))));
    expect(missing).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration' });
    expect(missing.detail).toBe(
      "call: asyncapi operation 'refundOrder' (/do/0/orders/with/operation) is not in the AsyncAPI document (operations: placeOrder, watchOrders, writeAudit)",
    );
    const kafka = await failureOf(
      callAsyncApi(
        request({ document: { endpoint: `${docsUrl}/v3.yaml` }, operation: 'writeAudit', message: { payload: {} } }),
      ),
    );
    expect(kafka.detail).toMatch(/server 'stream' speaks 'kafka', which this runner does not/);
  });

  it('refuses headers over MQTT 3.1.1 and reports an unreachable broker', async () => {
    const headers = await failureOf(
      callAsyncApi(request(v3({ operation: 'placeOrder', message: { payload: {}, headers: { trace: 'x' } } }))),
    );
    expect(headers.detail).toContain('/do/0/orders/with/message/headers) need MQTT 5');
    const gone = await startMqttBroker();
    const port = gone.port;
    await gone.kill();
    const unreachable = await failureOf(
      callAsyncApi(request(v3({ operation: 'placeOrder', message: { payload: {} } }, port))),
    );
    expect(unreachable).toMatchObject({
      type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication',
      status: 503,
    });
    expect(unreachable.detail).toMatch(/the MQTT broker broker \(127\.0\.0\.1:\d+\) is unreachable/);
  });

  it('fails a subscription whose broker goes away, instead of waiting forever', async () => {
    const doomed = await startMqttBroker();
    const { running } = await subscribed(doomed, 'shop/eu/orders', () =>
      callAsyncApi(request(v3({ operation: 'watchOrders', subscription: { consume: { amount: 1 } } }, doomed.port))),
    );
    await doomed.kill();
    const error = await failureOf(running);
    expect(error).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication', status: 503 });
  });
});
