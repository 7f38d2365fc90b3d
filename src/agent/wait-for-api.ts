import { API_SERVER_PORT } from '../core/names.js';
import { servesTls } from '../core/serving.js';

/**
 * Resolves once the API server serves on its port in the group's own network (it listens only
 * after most of its start-up). Nothing else is loaded meanwhile: the agent's modules cost CPU on
 * the same cores the API server and etcd start on, and the node cannot register before the API
 * serves anyway.
 */
export async function waitForApiServerPort(
  port = API_SERVER_PORT,
  host = '127.0.0.1',
  intervalMs = 100,
): Promise<void> {
  while (!(await servesTls(host, port))) await new Promise((r) => setTimeout(r, intervalMs));
}
