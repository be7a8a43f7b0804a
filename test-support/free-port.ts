/**
 * A loopback port nothing listens on: bound to port 0, read, closed. It was
 * free a moment ago; a test that then binds it may lose a race with another
 * process, so one that binds it should be ready to pick another.
 */
import { once } from 'node:events';
import net from 'node:net';

/** A port of 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}
