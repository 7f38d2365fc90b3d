import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

/**
 * The emulator's edge: how this machine reaches emulated groups' public addresses. Their FQDNs
 * (`<label>.<region>.azurecontainer.io`) resolve only on the engine network, so the edge is an
 * HTTP CONNECT proxy on 127.0.0.1 that tunnels to a group by its FQDN, as the internet would.
 * kubectl and the Kubernetes client use it through the kubeconfig's `proxy-url`; the tunnelled
 * TLS is end to end, so the client still verifies the API server's certificate for its FQDN.
 * Only names under the emulated zones are tunnelled: it is no open proxy. Blob endpoints are one of
 * them, so a Blob stand-in on the engine network (Azurite with a production-style name) has one
 * URL for this machine and for the groups alike.
 */

export const PUBLIC_ZONES = ['.azurecontainer.io', '.blob.core.windows.net'];

export interface EdgeOptions {
  host?: string;
  port?: number;
  /** The address of the group that has this FQDN, if any (else DNS is asked). */
  resolve: (fqdn: string) => Promise<string | undefined>;
  log?: (message: string) => void;
}

export interface Edge {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEdgeProxy(options: EdgeOptions): Promise<Edge> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(405, { 'Content-Type': 'text/plain' }).end('only CONNECT is served\n');
  });
  server.on('connect', (req, client, head) => {
    const refuse = (status: string) => client.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    const match = /^([a-z0-9.-]+):(\d{1,5})$/i.exec(req.url ?? '');
    const host = match?.[1]?.toLowerCase() ?? '';
    const port = Number(match?.[2]);
    if (!match || !PUBLIC_ZONES.some((zone) => host.endsWith(zone)) || !(port > 0 && port < 65536))
      return refuse('403 Forbidden');
    void (async () => {
      const address =
        (await options.resolve(host).catch(() => undefined)) ??
        (await lookup(host)
          .then((a) => a.address)
          .catch(() => undefined));
      if (!address) return refuse('502 Bad Gateway');
      const upstream = connect(port, address, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => (client.writable ? refuse('502 Bad Gateway') : client.destroy()));
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.log?.(
    `edge proxy http://127.0.0.1:${port} (CONNECT to ${PUBLIC_ZONES.map((z) => `*${z}`).join(', ')})`,
  );
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
