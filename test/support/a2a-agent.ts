/**
 * An A2A agent served by the official SDK (`@a2a-js/sdk`, protocol 0.3, the one the DSL's method names
 * come from) on 127.0.0.1, with its card at `/.well-known/agent-card.json` and JSON-RPC at `/a2a`.
 *
 * - A message whose text starts with `task` becomes a task that streams a working status, an artifact and a
 *   completed status; any other message is answered with `Echo: <text>`.
 * - A text starting with `hold` starts a task that stays working until cancelled (tasks/cancel, resubscribe).
 * - Push notification configs and the authenticated extended card are supported.
 * - With `token`, the card declares an HTTP bearer scheme and JSON-RPC requests must carry that token.
 * It records every message the agent received (messageId, role) and every Authorization header.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { AgentCard, Message, Task } from '@a2a-js/sdk';
import {
  DefaultRequestHandler,
  InMemoryPushNotificationStore,
  InMemoryTaskStore,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler } from '@a2a-js/sdk/server/express';

export interface A2aAgentFixture {
  baseUrl: string;
  cardUrl: string;
  rpcUrl: string;
  received: Array<{ messageId: string; role: string; text: string }>;
  authorizations: Array<string | undefined>;
  stop(): Promise<void>;
}

const textOf = (message: Message) => message.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');

class TestAgent implements AgentExecutor {
  private readonly held = new Map<string, () => void>();

  constructor(private readonly received: A2aAgentFixture['received']) {}

  async execute(context: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const { userMessage, taskId, contextId } = context;
    const text = textOf(userMessage);
    this.received.push({ messageId: userMessage.messageId, role: userMessage.role, text });
    if (!text.startsWith('task') && !text.startsWith('hold')) {
      bus.publish(agentMessage(`Echo: ${text}`, contextId));
      bus.finished();
      return;
    }
    const task: Task = { kind: 'task', id: taskId, contextId, status: { state: 'submitted' }, history: [userMessage] };
    bus.publish(task);
    bus.publish(statusUpdate(taskId, contextId, 'working', false));
    if (text.startsWith('hold')) {
      await new Promise<void>((resolve) => this.held.set(taskId, resolve));
      bus.publish(statusUpdate(taskId, contextId, 'canceled', true));
      bus.finished();
      return;
    }
    bus.publish({
      kind: 'artifact-update',
      taskId,
      contextId,
      artifact: { artifactId: 'report', parts: [{ kind: 'text', text: `Report for: ${text}` }] },
    });
    bus.publish(statusUpdate(taskId, contextId, 'completed', true));
    bus.finished();
  }

  async cancelTask(taskId: string): Promise<void> {
    this.held.get(taskId)?.();
    this.held.delete(taskId);
  }
}

function agentMessage(text: string, contextId: string): Message {
  return { kind: 'message', messageId: randomUUID(), role: 'agent', contextId, parts: [{ kind: 'text', text }] };
}

function statusUpdate(taskId: string, contextId: string, state: 'working' | 'completed' | 'canceled', final: boolean) {
  return { kind: 'status-update' as const, taskId, contextId, status: { state }, final };
}

export async function startA2aAgent(options: { token?: string } = {}): Promise<A2aAgentFixture> {
  const received: A2aAgentFixture['received'] = [];
  const authorizations: Array<string | undefined> = [];
  const app = express();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const card: AgentCard = {
    name: 'Test agent',
    description: 'Echoes messages and runs report tasks',
    url: `${baseUrl}/a2a`,
    version: '1.0.0',
    protocolVersion: '0.3.0',
    preferredTransport: 'JSONRPC',
    capabilities: { streaming: true, pushNotifications: true },
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [{ id: 'echo', name: 'Echo', description: 'Echoes text', tags: ['test'] }],
    supportsAuthenticatedExtendedCard: true,
    ...(options.token
      ? { securitySchemes: { agentToken: { type: 'http', scheme: 'bearer' } }, security: [{ agentToken: [] }] }
      : {}),
  };
  const handler = new DefaultRequestHandler(
    card,
    new InMemoryTaskStore(),
    new TestAgent(received),
    undefined,
    new InMemoryPushNotificationStore(),
    // Configs are stored and read back; nothing is delivered (no receiver in these tests).
    { send: async () => undefined },
    { ...card, name: 'Test agent (extended)' },
  );
  app.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: handler }));
  app.use(
    '/a2a',
    (req, res, next) => {
      authorizations.push(req.headers.authorization);
      if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
        res.status(401).json({ error: 'unauthorized' });
        return;
      }
      next();
    },
    // Requests that passed the token check (or any, without one) count as authenticated users, so the
    // authenticated extended card is served.
    jsonRpcHandler({
      requestHandler: handler,
      userBuilder: async () => ({ isAuthenticated: true, userName: 'caller' }),
    }),
  );
  app.get('/not-json-card.json', (_req, res) => {
    res.type('text/html').send('<html>not a card</html>');
  });
  return {
    baseUrl,
    cardUrl: `${baseUrl}/.well-known/agent-card.json`,
    rpcUrl: `${baseUrl}/a2a`,
    received,
    authorizations,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
