/**
 * What a `call: asyncapi` task addresses in its AsyncAPI document (2.6 or 3.0, parsed and validated by the
 * official `@asyncapi/parser`): the channel (3.0: the operation's; 2.6: `channel` by name, or the channel of
 * an `operationId`), the server (`server.name`, else the first of the channel's servers speaking `protocol`,
 * else its first server) with its variables filled in, and the operation's protocol bindings.
 */
import type { AsyncAPIDocumentInterface, ChannelInterface, Parser, ServerInterface } from '@asyncapi/parser';
import { failure } from './failures';
import { ASYNCAPI_PROTOCOLS as SUPPORTED_ASYNCAPI_PROTOCOLS } from '../../zigflow/dsl/calls';

export interface AsyncApiTarget {
  version: string;
  /** The channel address with its parameters filled in (for MQTT: the topic). */
  address: string;
  server: { name: string; protocol: string; url: URL; protocolVersion?: string };
  /** The operation's bindings for the server's protocol (e.g. MQTT `qos`, `retain`), if any. */
  bindings: Record<string, unknown>;
}

export interface TargetRequest {
  operation?: string;
  channel?: string;
  server?: { name?: string; variables?: Record<string, unknown> };
  protocol?: string;
}

let parser: Promise<Parser> | undefined;

/**
 * The parser, loaded with its validation rule sets on the first `call: asyncapi`: loading it takes about
 * half a second and 25 MB of a worker's memory, which workflows without such a call never need.
 */
function asyncApiParser(): Promise<Parser> {
  parser ??= import('@asyncapi/parser').then(({ Parser }) => new Parser());
  return parser;
}

export async function parseAsyncApi(text: string, uri: string, instance: string): Promise<AsyncAPIDocumentInterface> {
  const { document, diagnostics } = await (await asyncApiParser()).parse(text, { source: uri });
  if (document) return document;
  // Severity 0 = error. The first few, each with its path in the AsyncAPI document.
  const errors = diagnostics
    .filter((d) => d.severity === 0)
    .slice(0, 3)
    .map((d) => `${d.message}${d.path.length ? ` at ${d.path.join('.')}` : ''}`);
  throw failure('configuration', `the AsyncAPI document at ${uri} is not valid: ${errors.join('; ')}`, { instance });
}

export function resolveTarget(
  doc: AsyncAPIDocumentInterface,
  request: TargetRequest,
  instance: string,
): AsyncApiTarget {
  const version = doc.version();
  const { channel, bindings } = channelOf(doc, request, instance);
  const server = serverOf(doc, channel, request, instance);
  const protocol = server.protocol();
  if (!(SUPPORTED_ASYNCAPI_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw failure(
      'configuration',
      `call: asyncapi server '${server.id()}' speaks '${protocol}', which this runner does not (it speaks ${SUPPORTED_ASYNCAPI_PROTOCOLS.join(', ')})`,
      { instance },
    );
  }
  const variables = request.server?.name === server.id() ? (request.server.variables ?? {}) : {};
  const raw = fill(
    version.startsWith('2.') ? server.url() : `${protocol}://${server.host()}${server.pathname() ?? ''}`,
    server,
    variables,
    instance,
  );
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `${protocol}://${raw}`);
  } catch {
    throw failure('configuration', `call: asyncapi server '${server.id()}' has no usable URL ('${raw}')`, { instance });
  }
  return {
    version,
    address: channelAddress(channel, instance),
    server: { name: server.id(), protocol, url, protocolVersion: server.protocolVersion() },
    bindings: ((bindings?.get(protocol)?.value() ?? {}) as Record<string, unknown>) ?? {},
  };
}

type Bindings = ReturnType<ChannelInterface['bindings']>;

function channelOf(doc: AsyncAPIDocumentInterface, request: TargetRequest, instance: string) {
  if (request.operation !== undefined) {
    const operation = doc
      .operations()
      .all()
      .find((op) => op.id() === request.operation);
    if (!operation) {
      const known = doc
        .operations()
        .all()
        .map((op) => op.id());
      throw failure(
        'configuration',
        `call: asyncapi operation '${request.operation}' (${instance}/with/operation) is not in the AsyncAPI document (operations: ${known.join(', ') || 'none'})`,
        { instance },
      );
    }
    const channel = operation.channels().all()[0];
    if (!channel)
      throw failure('configuration', `call: asyncapi operation '${request.operation}' has no channel`, { instance });
    return { channel, bindings: operation.bindings() as Bindings };
  }
  const channel = doc
    .channels()
    .all()
    .find((c) => c.id() === request.channel || c.address() === request.channel);
  if (!channel) {
    const known = doc
      .channels()
      .all()
      .map((c) => c.address() ?? c.id());
    throw failure(
      'configuration',
      `call: asyncapi channel '${request.channel}' (${instance}/with/channel) is not in the AsyncAPI document (channels: ${known.join(', ') || 'none'})`,
      { instance },
    );
  }
  return { channel, bindings: channel.bindings() as Bindings };
}

function serverOf(doc: AsyncAPIDocumentInterface, channel: ChannelInterface, request: TargetRequest, instance: string) {
  const candidates = channel.servers().all().length > 0 ? channel.servers().all() : doc.servers().all();
  if (request.server?.name !== undefined) {
    const named = doc
      .servers()
      .all()
      .find((s) => s.id() === request.server?.name);
    if (!named) {
      throw failure(
        'configuration',
        `call: asyncapi server '${request.server.name}' (${instance}/with/server/name) is not in the AsyncAPI document (servers: ${
          doc
            .servers()
            .all()
            .map((s) => s.id())
            .join(', ') || 'none'
        })`,
        { instance },
      );
    }
    return named;
  }
  const pick = request.protocol ? candidates.find((s) => s.protocol() === request.protocol) : candidates[0];
  if (!pick) {
    const what = request.protocol ? `speaking '${request.protocol}' (${instance}/with/protocol)` : '';
    throw failure('configuration', `call: asyncapi found no server ${what} for channel '${channel.id()}'`, {
      instance,
    });
  }
  return pick;
}

/** `{name}` variables of a server URL: the task's value, else the variable's default. */
function fill(template: string, server: ServerInterface, given: Record<string, unknown>, instance: string): string {
  return template.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const variable = server
      .variables()
      .all()
      .find((v) => v.id() === name);
    const value = given[name] ?? variable?.defaultValue();
    if (value === undefined || value === null) {
      throw failure(
        'configuration',
        `call: asyncapi server '${server.id()}' needs a value for its variable '${name}' (${instance}/with/server/variables/${name})`,
        { instance },
      );
    }
    const allowed = variable?.allowedValues() ?? [];
    if (allowed.length > 0 && !allowed.includes(String(value))) {
      throw failure(
        'configuration',
        `call: asyncapi server variable '${name}' must be one of ${allowed.join(', ')}, got '${String(value)}'`,
        { instance },
      );
    }
    return String(value);
  });
}

/** The channel's address with its `{parameters}` replaced by their defaults (the DSL has no field for them). */
function channelAddress(channel: ChannelInterface, instance: string): string {
  const address = channel.address() ?? channel.id();
  return address.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const parameter = channel
      .parameters()
      .all()
      .find((p) => p.id() === name);
    const value = (parameter?.json() as { default?: unknown } | undefined)?.default;
    if (value === undefined) {
      throw failure(
        'configuration',
        `call: asyncapi channel '${channel.id()}' has the parameter '${name}' without a default value, which a task cannot set`,
        { instance },
      );
    }
    return String(value);
  });
}
