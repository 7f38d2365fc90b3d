import { connect } from 'node:net';
import { API_SERVER_PORT } from '../core/names.js';

/**
 * Resolves once the API server accepts connections on its port in the group's own network (it
 * listens only after most of its start-up). Nothing else is loaded meanwhile: the agent's modules
 * and the Kubernetes client cost over half a second of CPU, on the same cores the API server and
 * etcd start on, and the node cannot register before the API serves anyway.
 */
export async function waitForApiServerPort(
  port = API_SERVER_PORT,
  host = '127.0.0.1',
  intervalMs = 100,
): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.setTimeout(1000, () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
