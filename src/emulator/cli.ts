import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { DockerBackend, defaultEngineSocket } from '../core/backends/docker.js';
import { AGENT_IMAGE, TAG } from '../core/names.js';
import { startEdgeProxy } from './edge.js';
import { effectiveDnsLabel, fqdnOf } from './model.js';
import { startEmulator, type Emulator } from './server.js';

/**
 * `frankenetes emulator run|start|stop`: the offline ACI emulator as a host process (`run`) or
 * as a container on the engine network (`start`), where containers reach it as
 * management.azure.local and the host on 127.0.0.1.
 */

export const USAGE = `Usage: frankenetes emulator <run|start|stop> [options]

  run    serve ARM (Microsoft.ContainerInstance 2023-05-01) in the foreground
  start  run the emulator as a container on the engine network (alias management.azure.local),
         published on 127.0.0.1:PORT; writes DATA_DIR/emulator.env for the host
  stop   remove the emulator's container (--purge: and every group it made)

Options:
  --port PORT         port on 127.0.0.1 (default 8443 for start, any free port for run)
  --data-dir DIR      CA, keys, credentials and state (default ~/.local/state/frankenetes-emulator)
  --instance NAME     names the engine network and containers (default aci-emulator)
  --image IMAGE       image for start (default ${AGENT_IMAGE}: the dist bundle and Node.js)
  --host HOST         listen address for run (default 127.0.0.1)
  --internal-url URL  URL containers reach the emulator at (run; start sets it)
  --edge-port PORT    port on 127.0.0.1 of the edge proxy, through which this machine reaches
                      groups by FQDN (default: the ARM port + 1 for start, any free port for run)
  --no-throttle       turn ARM's token-bucket throttling off
`;

const INTERNAL_HOST = 'management.azure.local';
const INTERNAL_PORT = 8443;
const INTERNAL_EDGE_PORT = 8080;
const DATA_IN_CONTAINER = '/var/lib/frankenetes-emulator';

export class EmulatorUsageError extends Error {}

function defaultDataDir(): string {
  const base = process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state');
  return join(base, 'frankenetes-emulator');
}

/** The client environment: the ARM endpoint, the identity authority, the credential and the CA. */
function envFile(
  url: string,
  e: Pick<Emulator, 'tenantId' | 'principal'>,
  caPath: string,
  edgeUrl: string,
): string {
  const lines = {
    FRANKENETES_ARM_ENDPOINT: url,
    FRANKENETES_API_PROXY: edgeUrl,
    AZURE_AUTHORITY_HOST: url,
    AZURE_TENANT_ID: e.tenantId,
    AZURE_CLIENT_ID: e.principal.clientId,
    AZURE_CLIENT_SECRET: e.principal.clientSecret ?? '',
    NODE_EXTRA_CA_CERTS: caPath,
  };
  return Object.entries(lines)
    .map(([k, v]) => `export ${k}=${v}`)
    .join('\n')
    .concat('\n');
}

function waitForHealth(url: string, ca: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const attempt = (): Promise<void> =>
    new Promise<void>((ok, fail) => {
      const req = request(`${url}/emulator/health`, { ca, timeout: 2000 }, (res) => {
        res.resume();
        if (res.statusCode === 200) ok();
        else fail(new Error(`health answered ${res.statusCode}`));
      });
      req.on('error', fail);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end();
    }).catch(async (error: unknown) => {
      if (Date.now() > deadline) throw new Error(`the emulator did not answer at ${url} (${String(error)})`);
      await new Promise((r) => setTimeout(r, 300));
      return attempt();
    });
  return attempt();
}

export async function runEmulatorCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      instance: { type: 'string' },
      image: { type: 'string' },
      host: { type: 'string' },
      'internal-url': { type: 'string' },
      'edge-port': { type: 'string' },
      'engine-socket': { type: 'string' },
      'no-throttle': { type: 'boolean', default: false },
      purge: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [verb, ...rest] = positionals;
  if (values.help || !verb) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (rest.length) throw new EmulatorUsageError(`unexpected argument "${rest[0]}"`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new EmulatorUsageError(`--port must be a port number, got "${values.port}"`);
  }
  const edgePort = values['edge-port'] === undefined ? undefined : Number(values['edge-port']);
  if (edgePort !== undefined && !(Number.isInteger(edgePort) && edgePort > 0 && edgePort < 65536)) {
    throw new EmulatorUsageError(`--edge-port must be a port number, got "${values['edge-port']}"`);
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const instance = values.instance ?? 'aci-emulator';
  const socketPath = values['engine-socket'] ?? defaultEngineSocket();
  const log = (m: string) => process.stderr.write(`emulator: ${m}\n`);

  switch (verb) {
    case 'run': {
      const emulator = await startEmulator({
        host: values.host,
        port,
        dataDir,
        instance,
        engineSocket: socketPath,
        internalUrl: values['internal-url'],
        tlsNames: values['internal-url'] ? [new URL(values['internal-url']).hostname] : [],
        throttle: values['no-throttle'] ? false : undefined,
        log,
      });
      // Groups' public FQDNs, as the emulator publishes them, tunnelled to their engine address.
      const edge = await startEdgeProxy({
        host: values.host,
        port: edgePort,
        log,
        resolve: async (fqdn) => {
          for (const g of emulator.groups.groups.values()) {
            const label = effectiveDnsLabel(g, emulator.tenantId);
            if (!g.stopped && label && fqdnOf(label, g.location) === fqdn) {
              return (await emulator.groups.view(g))?.ipAddress?.ip ?? g.ip;
            }
          }
          return undefined;
        },
      });
      if (!values['internal-url']) {
        await writeFile(
          join(dataDir, 'emulator.env'),
          envFile(emulator.url, emulator, join(dataDir, 'ca.crt'), edge.url),
          { mode: 0o600 },
        );
        log(`client environment in ${join(dataDir, 'emulator.env')}`);
      }
      await new Promise<void>((done) => {
        const quit = () => void Promise.all([emulator.stop(), edge.stop()]).then(() => done());
        process.once('SIGINT', quit);
        process.once('SIGTERM', quit);
      });
      return 0;
    }
    case 'start': {
      const docker = new Docker({ socketPath });
      const hostPort = port ?? INTERNAL_PORT;
      const hostEdgePort = edgePort ?? hostPort + 1;
      const image = values.image ?? AGENT_IMAGE;
      if (
        !(await docker
          .getImage(image)
          .inspect()
          .catch(() => undefined))
      ) {
        throw new Error(`image ${image} is not on the engine; build it with scripts/build-images.sh local`);
      }
      const network = `frankenetes-${instance}`;
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      const existing = await docker
        .getNetwork(network)
        .inspect()
        .catch(() => undefined);
      if (!existing) {
        await docker.createNetwork({
          Name: network,
          Driver: 'bridge',
          Labels: { [TAG.cluster]: instance, 'frankenetes.managed': 'true' },
        });
      }
      await docker
        .getContainer(instance)
        .remove({ force: true })
        .catch(() => undefined);
      const internalUrl = `https://${INTERNAL_HOST}:${INTERNAL_PORT}`;
      const container = await docker.createContainer({
        name: instance,
        Image: image,
        Entrypoint: ['/usr/local/bin/node', '/app/index.js'],
        Cmd: [
          'emulator',
          'run',
          '--host',
          '0.0.0.0',
          '--port',
          String(INTERNAL_PORT),
          '--data-dir',
          DATA_IN_CONTAINER,
          '--instance',
          instance,
          '--internal-url',
          internalUrl,
          '--engine-socket',
          '/var/run/docker.sock',
          '--edge-port',
          String(INTERNAL_EDGE_PORT),
          ...(values['no-throttle'] ? ['--no-throttle'] : []),
        ],
        Labels: { 'frankenetes.managed': 'true', 'frankenetes.emulator': instance },
        ExposedPorts: { [`${INTERNAL_PORT}/tcp`]: {}, [`${INTERNAL_EDGE_PORT}/tcp`]: {} },
        HostConfig: {
          NetworkMode: network,
          Binds: [`${socketPath}:/var/run/docker.sock`, `${dataDir}:${DATA_IN_CONTAINER}`],
          PortBindings: {
            [`${INTERNAL_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }],
            [`${INTERNAL_EDGE_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(hostEdgePort) }],
          },
          RestartPolicy: { Name: 'unless-stopped' },
        },
        NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [INTERNAL_HOST] } } },
      });
      try {
        await container.start();
      } catch (error) {
        await container.remove({ force: true }).catch(() => undefined);
        const message = ((error as { json?: { message?: string } }).json?.message ?? String(error)).replace(
          /\s+/g,
          ' ',
        );
        throw new Error(
          `could not start the emulator container (port 127.0.0.1:${hostPort} in use?): ${message}`,
          { cause: error },
        );
      }
      const url = `https://127.0.0.1:${hostPort}`;
      const caPath = join(dataDir, 'ca.crt');
      const deadline = Date.now() + 30_000;
      while (!existsSync(caPath) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      if (!existsSync(caPath))
        throw new Error(`the emulator container did not write ${caPath}; see \`podman logs ${instance}\``);
      await waitForHealth(url, await readFile(caPath, 'utf8'), 30_000);
      const saved = JSON.parse(await readFile(join(dataDir, 'identity.json'), 'utf8')) as Pick<
        Emulator,
        'tenantId' | 'principal'
      >;
      await writeFile(
        join(dataDir, 'emulator.env'),
        envFile(url, saved, caPath, `http://127.0.0.1:${hostEdgePort}`),
        { mode: 0o600 },
      );
      process.stderr.write(
        `✓ ACI emulator at ${url} (containers: ${internalUrl})\n  source ${join(dataDir, 'emulator.env')}\n`,
      );
      process.stdout.write(`${url}\n`);
      return 0;
    }
    case 'stop': {
      const docker = new Docker({ socketPath });
      await docker
        .getContainer(instance)
        .remove({ force: true })
        .catch(() => undefined);
      if (values.purge) {
        const removed = await new DockerBackend({ socketPath }).purgeCluster(instance);
        await writeFile(join(dataDir, 'state.json'), JSON.stringify({ groups: [], operations: [] }), {
          mode: 0o600,
        }).catch(() => undefined);
        process.stderr.write(`✓ emulator stopped; ${removed} engine objects of its groups removed\n`);
      } else {
        process.stderr.write('✓ emulator stopped (its groups keep running; --purge removes them)\n');
      }
      return 0;
    }
    default:
      throw new EmulatorUsageError(
        `unknown emulator command "${verb}" (try \`frankenetes emulator --help\`)`,
      );
  }
}
