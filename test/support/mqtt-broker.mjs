/**
 * A real MQTT broker (aedes) in its own process on 127.0.0.1, for the `call: asyncapi` tests. aedes is an
 * ES module, so it runs here rather than inside Jest. It prints one line per fact the tests wait on:
 * `listening <port>`, `subscribe <topic>`, `publish <topic> <payload>`. With MQTT_BROKER_USER and
 * MQTT_BROKER_PASSWORD set, clients must present them.
 */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const user = process.env.MQTT_BROKER_USER;
const password = process.env.MQTT_BROKER_PASSWORD;
const broker = await Aedes.createBroker({
  authenticate: (_client, username, secret, callback) => {
    if (!user) return callback(null, true);
    const ok = username === user && secret?.toString('utf8') === password;
    if (ok) return callback(null, true);
    const error = new Error('not authorized');
    error.returnCode = 4;
    return callback(error, false);
  },
});
broker.on('subscribe', (subscriptions) => {
  for (const s of subscriptions) process.stdout.write(`subscribe ${s.topic}\n`);
});
broker.on('publish', (packet, client) => {
  if (client) process.stdout.write(`publish ${packet.topic} ${packet.payload.toString('utf8')}\n`);
});
const server = createServer(broker.handle);
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => {
  server.close();
  broker.close(() => process.exit(0));
});
