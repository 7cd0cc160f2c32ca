/**
 * MQTT for `call: asyncapi`, on the maintained `mqtt` client: publish one message, or subscribe and
 * consume messages within the task's bounds. One connection per call (clean session, no automatic
 * reconnect: a dropped connection fails the call, and the DSL's retry policy decides what follows).
 *
 * Messages are acknowledged when they arrive, so a subscription that fails halfway (worker crash, broker
 * gone) does not get those messages again when the call is retried: consumption is at most once.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import type { AsyncApiTarget } from './asyncapi-document';
import { failure } from './failures';

export interface InboundMessage {
  payload: unknown;
  headers?: Record<string, string>;
  correlationId?: string;
  topic: string;
}

export interface OutboundMessage {
  payload?: unknown;
  headers?: Record<string, unknown>;
}

export interface MqttCredentials {
  username?: string;
  password?: string;
}

export interface ConnectSettings {
  connectTimeoutMs: number;
  credentials: MqttCredentials;
  signal?: AbortSignal;
  instance: string;
}

/** When a subscription stops: the first bound reached ends it, and what was consumed is the output. */
export interface ConsumeBounds {
  amount?: number;
  /** `consume.for`, or the runner's longest consumption when the task sets none. */
  forMs: number;
  /** `filter`: the messages that count. */
  accept(message: InboundMessage): boolean;
  /** `while`, evaluated after each consumed message: false stops. */
  keepGoing?(consumed: InboundMessage[]): boolean;
  /** `until`, evaluated before each message (so first on none): true stops. */
  done?(consumed: InboundMessage[]): boolean;
}

/**
 * One delivered message offered to a consumption: kept in `consumed` when the filter accepts it. True when
 * the consumption ends with it (`amount` reached, `while` false, `until` true). Shared with the test
 * runner's mocks, which deliver the messages a test gives.
 */
export function offerMessage(bounds: ConsumeBounds, consumed: InboundMessage[], message: InboundMessage): boolean {
  if (!bounds.accept(message)) return false;
  consumed.push(message);
  if (bounds.amount !== undefined && consumed.length >= bounds.amount) return true;
  if (bounds.keepGoing && !bounds.keepGoing(consumed)) return true;
  return bounds.done?.(consumed) === true;
}

function isMqtt5(target: AsyncApiTarget): boolean {
  return target.server.protocol === 'mqtt5' || /^5/.test(target.server.protocolVersion ?? '');
}

async function connect(target: AsyncApiTarget, settings: ConnectSettings): Promise<MqttClient> {
  const url = new URL(target.server.url.toString());
  // The AsyncAPI protocol names become the client's URL schemes.
  url.protocol = target.server.protocol === 'secure-mqtt' || url.protocol === 'mqtts:' ? 'mqtts:' : 'mqtt:';
  const options: IClientOptions = {
    protocolVersion: isMqtt5(target) ? 5 : 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: settings.connectTimeoutMs,
    clientId: `workflow-runner-${Math.random().toString(16).slice(2, 14)}`,
    ...settings.credentials,
  };
  const where = `${target.server.name} (${url.host})`;
  // Loaded on the first MQTT call, not with the worker: most workflows never make one.
  const { connectAsync } = await import('mqtt');
  try {
    return await connectAsync(url.toString(), options);
  } catch (e) {
    const error = e as { code?: unknown; message?: string };
    if (error?.code === 4 || error?.code === 5 || error?.code === 134 || error?.code === 135) {
      throw failure('authentication', `the MQTT broker ${where} refused the credentials`, {
        instance: settings.instance,
        status: 401,
      });
    }
    throw failure('communication', `the MQTT broker ${where} is unreachable (${error?.code ?? error?.message})`, {
      instance: settings.instance,
      status: 503,
    });
  }
}

function qosOf(bindings: Record<string, unknown>): 0 | 1 | 2 {
  return bindings.qos === 0 || bindings.qos === 2 ? bindings.qos : 1;
}

export async function mqttPublish(target: AsyncApiTarget, message: OutboundMessage, settings: ConnectSettings) {
  const headers = Object.entries(message.headers ?? {});
  if (headers.length > 0 && !isMqtt5(target)) {
    throw failure(
      'configuration',
      `call: asyncapi message headers (${settings.instance}/with/message/headers) need MQTT 5: server '${target.server.name}' speaks MQTT 3.1.1`,
      { instance: settings.instance },
    );
  }
  const client = await connect(target, settings);
  try {
    const body = message.payload === undefined ? '' : JSON.stringify(message.payload);
    const userProperties = Object.fromEntries(
      headers.map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
    await client.publishAsync(target.address, body, {
      qos: qosOf(target.bindings),
      retain: target.bindings.retain === true,
      ...(headers.length > 0 ? { properties: { userProperties } } : {}),
    });
  } catch (e) {
    throw failure('communication', `publishing to '${target.address}' failed: ${(e as Error)?.message ?? e}`, {
      instance: settings.instance,
      status: 503,
    });
  } finally {
    await client.endAsync().catch(() => undefined);
  }
}

export async function mqttConsume(
  target: AsyncApiTarget,
  bounds: ConsumeBounds,
  settings: ConnectSettings,
): Promise<InboundMessage[]> {
  const consumed: InboundMessage[] = [];
  if (bounds.done?.(consumed)) return consumed;
  const client = await connect(target, settings);
  try {
    return await new Promise<InboundMessage[]>((resolve, reject) => {
      // Messages can still arrive between the last one that counts and the end of the connection.
      let finished = false;
      const timer = setTimeout(() => finish(), bounds.forMs);
      const finish = (error?: unknown) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        settings.signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve([...consumed]);
        else reject(error);
      };
      const onAbort = () => finish(settings.signal?.reason);
      settings.signal?.addEventListener('abort', onAbort, { once: true });
      client.on('close', () =>
        finish(
          failure('communication', `the MQTT broker ${target.server.name} closed the connection`, {
            instance: settings.instance,
            status: 503,
          }),
        ),
      );
      client.on('message', (topic, payload, packet) => {
        if (finished) return;
        try {
          if (offerMessage(bounds, consumed, inbound(topic, payload, packet.properties))) finish();
        } catch (e) {
          finish(e);
        }
      });
      client.subscribeAsync(target.address, { qos: qosOf(target.bindings) }).catch((e: unknown) =>
        finish(
          failure('communication', `subscribing to '${target.address}' failed: ${(e as Error)?.message ?? e}`, {
            instance: settings.instance,
            status: 503,
          }),
        ),
      );
    });
  } finally {
    client.removeAllListeners('close');
    await client.endAsync(true).catch(() => undefined);
  }
}

function inbound(
  topic: string,
  payload: Buffer,
  properties: { userProperties?: Record<string, string | string[]>; correlationData?: Buffer } | undefined,
): InboundMessage {
  const text = payload.toString('utf8');
  let value: unknown = text;
  try {
    value = text.length === 0 ? null : JSON.parse(text);
  } catch {
    // Not JSON: the text as is.
  }
  const message: InboundMessage = { payload: value, topic };
  const user = properties?.userProperties;
  if (user && Object.keys(user).length > 0)
    message.headers = Object.fromEntries(Object.entries(user).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
  if (properties?.correlationData) message.correlationId = properties.correlationData.toString('utf8');
  return message;
}
