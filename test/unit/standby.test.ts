import type Docker from 'dockerode';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STANDBY_PORTS_LABEL, StandbySandboxes, portsShape } from '../../src/core/backends/docker-standby.js';

const NETWORK = 'frankenetes-c';

interface FakeContainer {
  Id: string;
  Names: string[];
  State: string;
  Labels: Record<string, string>;
  ports: string[];
}

/** The few engine calls the pool makes, over an in-memory list of containers. */
function fakeEngine(initial: FakeContainer[] = []) {
  const containers = new Map(initial.map((c) => [c.Id, c]));
  const calls: string[] = [];
  let next = 0;
  const handle = (id: string) => ({
    id,
    start: async () => {
      calls.push(`start ${id}`);
      (containers.get(id) as FakeContainer).State = 'running';
    },
    inspect: async () => ({ NetworkSettings: { Networks: { [NETWORK]: { IPAddress: `10.0.0.${id}` } } } }),
    rename: async ({ name }: { name: string }) => {
      calls.push(`rename ${id} ${name}`);
      (containers.get(id) as FakeContainer).Names = [`/${name}`];
    },
    unpause: async () => {
      calls.push(`unpause ${id}`);
      (containers.get(id) as FakeContainer).State = 'running';
    },
    remove: async () => {
      calls.push(`remove ${id}`);
      containers.delete(id);
    },
  });
  const docker = {
    listContainers: async () =>
      [...containers.values()].map((c) => ({
        ...c,
        NetworkSettings: { Networks: { [NETWORK]: { IPAddress: `10.0.0.${c.Id}` } } },
      })),
    createContainer: async (options: {
      name: string;
      Labels: Record<string, string>;
      ExposedPorts: Record<string, object>;
    }) => {
      const id = String(++next);
      containers.set(id, {
        Id: id,
        Names: [`/${options.name}`],
        State: 'created',
        Labels: options.Labels,
        ports: Object.keys(options.ExposedPorts),
      });
      return handle(id);
    },
    getContainer: (id: string) => handle(id),
  } as unknown as Docker;
  return { docker, containers, calls };
}

const labels = { managed: 'frankenetes.managed', kind: 'frankenetes.kind', group: 'frankenetes.group' };
const pool = (docker: Docker, size: number) =>
  new StandbySandboxes(docker, { cluster: 'c', size, network: NETWORK, pauseImage: 'pause', labels });
const sandbox = (id: string, state: string, shape: string): FakeContainer => ({
  Id: id,
  Names: [`/c-standby-${id}`],
  State: state,
  Labels: {
    'frankenetes.managed': 'true',
    'frankenetes.cluster': 'c',
    'frankenetes.kind': 'standby',
    [STANDBY_PORTS_LABEL]: shape,
  },
  ports: shape ? shape.split(',') : [],
});

afterEach(() => {
  vi.useRealTimers();
});

describe('portsShape', () => {
  it('is the sorted, de-duplicated published ports, protocols in lower case', () => {
    expect(portsShape([])).toBe('');
    expect(
      portsShape([{ port: 443 }, { port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 80 }]),
    ).toBe('443/tcp,53/udp,80/tcp');
  });
});

describe('StandbySandboxes', () => {
  it('adopts running and frozen sandboxes, thaws a frozen one when claimed, and removes the rest', async () => {
    const engine = fakeEngine([
      sandbox('a', 'paused', '80/tcp'),
      sandbox('b', 'running', ''),
      sandbox('c', 'exited', ''),
      // claimed by a group that never got a container
      { ...sandbox('d', 'running', ''), Names: ['/c-pod-x'] },
    ]);
    const standby = pool(engine.docker, 4);
    await standby.start();
    standby.stop();
    expect([...engine.containers.keys()].sort()).toEqual(['a', 'b']);
    // A claim gets only its own shape.
    expect(await standby.claim('c-web', '443/tcp')).toBeUndefined();
    expect(await standby.claim('c-web', '80/tcp')).toMatchObject({ id: 'a', ip: '10.0.0.a' });
    expect(engine.calls.filter((c) => c.startsWith('unpause') || c.startsWith('rename'))).toEqual([
      'unpause a',
      'rename a c-web',
    ]);
    expect(await standby.claim('c-job', '')).toMatchObject({ id: 'b' });
    expect(engine.calls).not.toContain('unpause b');
  });

  it('fills with unpublished sandboxes, then splits the pool as claims asked, within its size', async () => {
    vi.useFakeTimers();
    const engine = fakeEngine();
    const standby = pool(engine.docker, 4);
    await standby.start();
    await vi.advanceTimersByTimeAsync(30_000);
    const shapes = () =>
      [...engine.containers.values()]
        .filter((c) => c.Names[0]?.startsWith('/c-standby-'))
        .map((c) => c.Labels[STANDBY_PORTS_LABEL])
        .sort();
    expect(shapes()).toEqual(['', '', '', '']);
    // Three pods publishing port 80 ask, one claim for the unpublished shape.
    for (const group of ['w1', 'w2', 'w3']) expect(await standby.claim(group, '80/tcp')).toBeUndefined();
    expect(await standby.claim('j1', '')).toBeDefined();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(shapes()).toEqual(['', '80/tcp', '80/tcp', '80/tcp']);
    expect(await standby.claim('w4', '80/tcp')).toBeDefined();
    standby.stop();
  });
});
