// Where end-to-end clusters run: the local engine (docker backend) or the offline ACI emulator
// (aci backend), picked by $FRANKENETES_E2E_BACKEND. For aci, each test file starts its own
// emulator as a container on the engine (`frankenetes emulator start`), so the agent in the
// control-plane group reaches it by its network alias with the group's managed identity, and
// the CLI reaches it and the clusters' API servers (through its edge proxy) on 127.0.0.1.
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { cli, docker, stateDir, type Run } from './harness.js';

export type BackendKind = 'docker' | 'aci';
export const BACKEND: BackendKind = process.env.FRANKENETES_E2E_BACKEND === 'aci' ? 'aci' : 'docker';
export const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
export const LOCATION = 'westeurope';

export interface EmulatorGroup {
  id: string;
  engineName: string;
  provisioningState: string;
  stopped: boolean;
}

export interface Violations {
  responses: unknown[];
  requests: unknown[];
}

export interface Target {
  backend: BackendKind;
  /** Environment for the CLI. */
  env: Record<string, string>;
  /** Arguments `up` needs on this backend. */
  upArgs: string[];
  /** Runs the CLI with this target's environment. */
  cli(args: string[], extraEnv?: Record<string, string>): Promise<Run>;
  /** The emulator's (aci only). */
  emulator?: Emulator;
  stop(): Promise<void>;
}

export interface Emulator {
  url: string;
  instance: string;
  resourceGroup: string;
  dataDir: string;
  caCert: string;
  edgeUrl: string;
  admin<T>(method: string, path: string, body?: unknown): Promise<T>;
  groups(): Promise<EmulatorGroup[]>;
  violations(): Promise<Violations>;
  /** The names of this resource group's groups, as ARM reports them. */
  groupNames(): Promise<string[]>;
  addFaults(faults: object[]): Promise<void>;
  clearFaults(): Promise<void>;
  /** Engine containers the emulator made for groups (labelled with its instance). */
  engineContainers(): Promise<Awaited<ReturnType<typeof docker.listContainers>>>;
  engineVolumes(): Promise<{ Name: string; Labels: Record<string, string> }[]>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1]) env[m[1]] = m[2] ?? '';
  }
  return env;
}

/** Starts the target for one test file; `name` keeps its emulator apart from other files'. */
export async function startTarget(name: string, backend: BackendKind = BACKEND): Promise<Target> {
  const state = stateDir();
  if (backend === 'docker') {
    const env = { FRANKENETES_STATE_DIR: state };
    return {
      backend,
      env,
      upArgs: [],
      cli: (args, extra = {}) => cli(args, { ...env, ...extra }),
      stop: async () => undefined,
    };
  }
  const instance = `aci-${name}`;
  const dataDir = join(state, 'emulator');
  const [port, edgePort] = [await freePort(), await freePort()];
  const started = await cli(
    [
      'emulator',
      'start',
      '--instance',
      instance,
      '--port',
      String(port),
      '--edge-port',
      String(edgePort),
      '--data-dir',
      dataDir,
    ],
    {},
  );
  if (started.code !== 0) throw new Error(`the emulator did not start: ${started.stderr}`);
  const clientEnv = parseEnvFile(readFileSync(join(dataDir, 'emulator.env'), 'utf8'));
  const identity = JSON.parse(readFileSync(join(dataDir, 'identity.json'), 'utf8')) as { adminKey: string };
  const caCert = readFileSync(join(dataDir, 'ca.crt'), 'utf8');
  const resourceGroup = `rg-${name}`;
  const url = clientEnv.FRANKENETES_ARM_ENDPOINT as string;
  const admin = <T>(method: string, path: string, body?: unknown) =>
    new Promise<T>((resolve, reject) => {
      const req = request(
        `${url}${path}`,
        {
          method,
          ca: caCert,
          // A fresh connection each time: a kept-alive one may be closed by the server meanwhile.
          agent: false,
          headers: { 'x-emulator-admin-key': identity.adminKey, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => {
            if ((res.statusCode ?? 500) >= 300)
              return reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
            resolve((text ? JSON.parse(text) : undefined) as T);
          });
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const emulator: Emulator = {
    url,
    instance,
    resourceGroup,
    dataDir,
    caCert,
    edgeUrl: clientEnv.FRANKENETES_API_PROXY as string,
    admin,
    groups: async () => (await admin<{ groups: EmulatorGroup[] }>('GET', '/emulator/groups')).groups,
    violations: () => admin<Violations>('GET', '/emulator/violations'),
    groupNames: async () =>
      (await emulator.groups())
        .filter((g) => g.id.toLowerCase().includes(`/resourcegroups/${resourceGroup.toLowerCase()}/`))
        .map((g) => g.id.split('/').pop() as string)
        .sort(),
    addFaults: (faults) => admin('POST', '/emulator/faults', faults),
    clearFaults: () => admin('DELETE', '/emulator/faults'),
    engineContainers: () =>
      docker.listContainers({ all: true, filters: { label: [`frankenetes.cluster=${instance}`] } }),
    engineVolumes: async () =>
      (
        (await docker.listVolumes({ filters: { label: [`frankenetes.cluster=${instance}`] } })).Volumes ?? []
      ).map((v) => ({ Name: v.Name, Labels: v.Labels ?? {} })),
  };
  const env = { ...clientEnv, FRANKENETES_STATE_DIR: state };
  return {
    backend,
    env,
    upArgs: [
      '--backend',
      'aci',
      '--subscription',
      SUBSCRIPTION,
      '--resource-group',
      resourceGroup,
      '--location',
      LOCATION,
    ],
    cli: (args, extra = {}) => cli(args, { ...env, ...extra }),
    emulator,
    stop: async () => {
      const stopped = await cli(
        ['emulator', 'stop', '--instance', instance, '--data-dir', dataDir, '--purge'],
        {},
      );
      if (stopped.code !== 0) throw new Error(`the emulator did not stop: ${stopped.stderr}`);
    },
  };
}

/** The engine containers the emulator made for one group (by its ARM name). */
export function ofGroup<T extends { Labels: Record<string, string> }>(items: T[], group: string): T[] {
  return items.filter((c) => c.Labels['frankenetes.emulator.id']?.endsWith(`/containergroups/${group}`));
}
