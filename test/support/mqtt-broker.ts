/**
 * Starts test/support/mqtt-broker.mjs (aedes, a real MQTT broker) as a child process and follows what it
 * reports, so tests wait on the broker's own facts (a subscription exists, a message was published)
 * instead of on time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface MqttBrokerFixture {
  port: number;
  url: string;
  /** Lines the broker printed (`subscribe <topic>`, `publish <topic> <payload>`). */
  lines: string[];
  waitFor(line: (l: string) => boolean, what: string): Promise<void>;
  /** SIGKILL: the broker goes away without a goodbye, as in an outage. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMqttBroker(credentials?: { user: string; password: string }): Promise<MqttBrokerFixture> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'mqtt-broker.mjs')], {
    env: {
      ...process.env,
      ...(credentials ? { MQTT_BROKER_USER: credentials.user, MQTT_BROKER_PASSWORD: credentials.password } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitFor = (match: (l: string) => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (lines.some(match)) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      // A bound so a broken broker fails the test with a reason instead of hanging it.
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`the MQTT broker never reported ${what}`));
      }, 30_000);
      waiters.add(check);
      check();
    });
  await waitFor((l) => l.startsWith('listening '), 'listening');
  const port = Number(lines.find((l) => l.startsWith('listening '))!.split(' ')[1]);
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    lines,
    waitFor,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
