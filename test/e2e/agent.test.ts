// The agent (virtual kubelet), end to end: everyday kubectl against pods that are container groups.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL, cli, docker, engineResources, eventually, kubectl, stateDir } from './harness.js';

const CLUSTER = 'e2e-k';
const IMAGE = 'localhost/frankenetes/testweb:1';
const env = { FRANKENETES_STATE_DIR: stateDir() };
let kc = '';

const k = (...args: string[]) => kubectl(kc, args);
const json = async (...args: string[]) => JSON.parse((await k(...args, '-o', 'json')).stdout);
const apply = (manifest: object) => kubectl(kc, ['apply', '-f', '-'], JSON.stringify(manifest));

/** Pods that have a container group: its containers carry the pod's labels (its infra may be a standby sandbox). */
async function podGroups(): Promise<string[]> {
  const members = await docker.listContainers({
    all: true,
    filters: {
      label: [`frankenetes.cluster=${CLUSTER}`, 'frankenetes.role=pod', 'frankenetes.kind=container'],
    },
  });
  const pods = members
    .filter((c) => c.Labels['frankenetes.role'] === 'pod' && c.Labels['frankenetes.kind'] === 'container')
    .map((c) => c.Labels['frankenetes.pod'] ?? '');
  return [...new Set(pods)].sort();
}

async function waitPhase(name: string, phase: string, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const pod = await json('get', 'pod', name);
      expect(pod.status.phase).toBe(phase);
      return pod;
    },
    { timeoutMs },
  );
}

async function waitRunningReady(name: string) {
  return eventually(async () => {
    const pod = await json('get', 'pod', name);
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
    return pod;
  });
}

beforeAll(async () => {
  const up = await cli(['up', '--name', CLUSTER], env);
  expect(up.stderr).toContain('ready');
  expect(up.code).toBe(0);
  kc = up.stdout.trim();
});

afterAll(async () => {
  await cli(['down', '--name', CLUSTER], env);
});

describe('the node', () => {
  it('is Ready, declares WebSocket streaming and renews its lease', async () => {
    const node = await json('get', 'node', `${CLUSTER}-node`);
    expect(node.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
    expect(node.status.declaredFeatures).toContain('ExtendWebSocketsToKubelet');
    expect(node.status.nodeInfo.kubeletVersion).toBe('v1.37.2');
    expect(node.status.daemonEndpoints.kubeletEndpoint.Port).toBe(10250);
    expect(node.spec.taints ?? []).toEqual([]);
    const first = await eventually(
      async () => (await json('get', 'lease', '-n', 'kube-node-lease', `${CLUSTER}-node`)).spec.renewTime,
    );
    await eventually(
      async () =>
        expect(
          (await json('get', 'lease', '-n', 'kube-node-lease', `${CLUSTER}-node`)).spec.renewTime,
        ).not.toBe(first),
      { timeoutMs: 25_000, intervalMs: 1000 },
    );
  });
});

describe('kubectl run, logs, exec', () => {
  beforeAll(async () => {
    expect((await k('run', 'web', `--image=${IMAGE}`, '--port', '80')).code).toBe(0);
    await waitRunningReady('web');
  });

  it('answers on its port from the host, published on 127.0.0.1 and at the pod IP', async () => {
    const pod = await json('get', 'pod', 'web');
    expect(pod.status.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await (await fetch(`http://${pod.status.podIP}/`)).text()).toContain('frankenetes testweb');
    const status = JSON.parse((await cli(['status', '--name', CLUSTER, '--json'], env)).stdout);
    const group = status.groups.find(
      (g: { tags: Record<string, string> }) => g.tags['frankenetes.pod'] === 'web',
    );
    const hostPort = group.local.hostPorts['80'];
    expect(hostPort).toBeGreaterThan(0);
    expect(await (await fetch(`http://127.0.0.1:${hostPort}/`)).text()).toContain('frankenetes testweb');
  });

  it('shows logs, and streams new lines with -f', async () => {
    expect((await k('logs', 'web')).stdout).toContain('testweb listening on :80');
    const follow = spawn(KUBECTL, ['logs', '-f', 'web'], { env: { ...process.env, KUBECONFIG: kc } });
    let streamed = '';
    follow.stdout.on('data', (d) => (streamed += d));
    try {
      await eventually(() => expect(streamed).toContain('listening'), { timeoutMs: 10_000 });
      // A new line on the container's own stdout, written after the stream started.
      expect((await k('exec', 'web', '--', 'sh', '-c', 'echo streamed-line-check > /proc/1/fd/1')).code).toBe(
        0,
      );
      await eventually(() => expect(streamed).toContain('streamed-line-check'), { timeoutMs: 10_000 });
    } finally {
      follow.kill();
    }
    expect((await k('logs', 'web', '--tail', '1')).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('runs commands with exec: output, stdin, exit codes', async () => {
    const ls = await k('exec', 'web', '--', 'ls', '/');
    expect(ls.code).toBe(0);
    expect(ls.stdout.split('\n')).toEqual(expect.arrayContaining(['bin', 'www']));
    const stdin = await kubectl(
      kc,
      ['exec', '-i', 'web', '--', 'sh', '-c', 'tr a-z A-Z'],
      'hello from stdin\n',
    );
    expect(stdin.stdout).toBe('HELLO FROM STDIN\n');
    const failing = await k('exec', 'web', '--', 'sh', '-c', 'echo to-stderr >&2; exit 3');
    expect(failing.code).toBe(3);
    expect(failing.stderr).toContain('to-stderr');
  });

  it('runs an interactive TTY session with exec -it, with the terminal size', () => {
    // `script` gives kubectl a real terminal; stty sets the size kubectl forwards as a resize. The
    // engine applies a resize once the command runs, hence the short sleep before reading it.
    const session = spawnSync(
      'script',
      [
        '-qec',
        `stty rows 33 cols 111; ${KUBECTL} exec -it web -- sh -c 'tty; sleep 1; stty size; exit 4'`,
        '/dev/null',
      ],
      { encoding: 'utf8', env: { ...process.env, KUBECONFIG: kc }, timeout: 30_000 },
    );
    expect(session.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(session.stdout).toContain('33 111');
    expect(session.status).toBe(4);
  });

  it('answers attach and port-forward with a clear error', async () => {
    const attach = await k('attach', 'web');
    expect(attach.code).not.toBe(0);
    expect(attach.stderr).toMatch(/not supported by Frankenetes nodes/);
  });
});

describe('workloads', () => {
  it('rolls out a Deployment of 20 replicas, scales it to 0 and removes every group', async () => {
    expect((await k('create', 'deployment', 'many', `--image=${IMAGE}`, '--replicas=20')).code).toBe(0);
    await eventually(
      async () => {
        const d = await json('get', 'deployment', 'many');
        expect(d.status.availableReplicas).toBe(20);
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    expect((await podGroups()).filter((p) => p.startsWith('many-'))).toHaveLength(20);
    expect((await k('scale', 'deployment', 'many', '--replicas=0')).code).toBe(0);
    await eventually(
      async () => {
        expect((await json('get', 'pods', '-l', 'app=many')).items).toHaveLength(0);
        expect((await podGroups()).filter((p) => p.startsWith('many-'))).toEqual([]);
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
  });

  it('deletes a pod within its grace period plus 2 s, even when it ignores SIGTERM', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stubborn' },
      spec: {
        terminationGracePeriodSeconds: 3,
        containers: [
          { name: 'c', image: IMAGE, command: ['sh', '-c', "trap '' TERM; while :; do sleep 1; done"] },
        ],
      },
    });
    await waitRunningReady('stubborn');
    const started = Date.now();
    expect((await k('delete', 'pod', 'stubborn')).code).toBe(0);
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThanOrEqual(3 + 2);
    expect(seconds).toBeGreaterThanOrEqual(2.5); // it really waited for the grace period
    expect(await podGroups()).not.toContain('stubborn');
  });

  it('passes ConfigMaps, Secrets and the downward API to env and volumes', async () => {
    await k('create', 'configmap', 'settings', '--from-literal=color=blue', '--from-literal=size=large');
    await k('create', 'secret', 'generic', 'creds', '--from-literal=password=s3cr3t');
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'config', labels: { team: 'blue' } },
      spec: {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'c',
            image: IMAGE,
            command: [
              'sh',
              '-c',
              'echo "COLOR=$COLOR PASS=$PASS POD=$POD_NAME NS=$POD_NS SIZE=$size"; cat /cfg/color /sec/password; echo; cat /info/labels',
            ],
            env: [
              { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'color' } } },
              { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            ],
            envFrom: [{ configMapRef: { name: 'settings' } }],
            volumeMounts: [
              { name: 'cfg', mountPath: '/cfg' },
              { name: 'sec', mountPath: '/sec' },
              { name: 'info', mountPath: '/info' },
            ],
          },
        ],
        volumes: [
          { name: 'cfg', configMap: { name: 'settings' } },
          { name: 'sec', secret: { secretName: 'creds' } },
          {
            name: 'info',
            downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
          },
        ],
      },
    });
    await waitPhase('config', 'Succeeded');
    const logs = (await k('logs', 'config')).stdout;
    expect(logs).toContain('COLOR=blue PASS=s3cr3t POD=config NS=default SIZE=large');
    expect(logs).toContain('blues3cr3t');
    expect(logs).toContain('team="blue"');
  });

  it('gives pods a service-account token that in-cluster clients can use', async () => {
    await k('create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods');
    await k('create', 'rolebinding', 'pod-reader', '--role=pod-reader', '--serviceaccount=default:default');
    expect(
      (
        await k(
          'run',
          'whoami',
          '--image=localhost/frankenetes/kubectl:v1.37.2',
          '--restart=Never',
          '--',
          'kubectl',
          'get',
          'pod',
          'whoami',
          '-o',
          'jsonpath={.metadata.name}/{.spec.nodeName}',
        )
      ).code,
    ).toBe(0);
    await waitPhase('whoami', 'Succeeded');
    expect((await k('logs', 'whoami')).stdout).toBe(`whoami/${CLUSTER}-node`);
  });

  it('runs a Job to completion and shows its logs', async () => {
    expect(
      (
        await k(
          'create',
          'job',
          'hello',
          `--image=${IMAGE}`,
          '--',
          'sh',
          '-c',
          'echo job says hello; sleep 1',
        )
      ).code,
    ).toBe(0);
    // Well inside the agent's 30 s resync: the container's exit reaches it as an engine event.
    await eventually(async () => expect((await json('get', 'job', 'hello')).status.succeeded).toBe(1), {
      timeoutMs: 20_000,
    });
    expect((await k('logs', 'job/hello')).stdout).toContain('job says hello');
  });

  it('fails a pod whose container exits 1 under restartPolicy Never, with the exit code', async () => {
    expect(
      (await k('run', 'fails', `--image=${IMAGE}`, '--restart=Never', '--', 'sh', '-c', 'exit 1')).code,
    ).toBe(0);
    const pod = await waitPhase('fails', 'Failed');
    expect(pod.status.containerStatuses[0].state.terminated.exitCode).toBe(1);
  });

  it('fails a hostPath pod with a clear message and an event', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'hostpath' },
      spec: {
        containers: [{ name: 'c', image: IMAGE, volumeMounts: [{ name: 'h', mountPath: '/h' }] }],
        volumes: [{ name: 'h', hostPath: { path: '/etc' } }],
      },
    });
    const pod = await waitPhase('hostpath', 'Failed');
    expect(pod.status.message).toMatch(/hostPath volume "h" is not supported by Frankenetes nodes/);
    await eventually(async () =>
      expect((await k('get', 'events', '--field-selector', 'involvedObject.name=hostpath')).stdout).toMatch(
        /not supported/,
      ),
    );
    expect(await podGroups()).not.toContain('hostpath');
  });
});

describe('probes', () => {
  it('runs readiness (exec, httpGet) and liveness probes', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'probed' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'web',
            image: IMAGE,
            ports: [{ name: 'http', containerPort: 80 }],
            readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
          },
          {
            name: 'gated',
            image: IMAGE,
            command: ['sh', '-c', 'touch /tmp/alive; while :; do sleep 1; done'],
            readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 },
            livenessProbe: {
              exec: { command: ['test', '-f', '/tmp/alive'] },
              periodSeconds: 1,
              failureThreshold: 2,
            },
          },
        ],
      },
    });
    const ready = async (name: string) =>
      (await json('get', 'pod', 'probed')).status.containerStatuses.find(
        (c: { name: string }) => c.name === name,
      ).ready;
    await eventually(async () => expect(await ready('web')).toBe(true));
    expect(await ready('gated')).toBe(false);
    expect(
      (await json('get', 'pod', 'probed')).status.conditions.find((c: { type: string }) => c.type === 'Ready')
        .status,
    ).toBe('False');
    await k('exec', 'probed', '-c', 'gated', '--', 'touch', '/tmp/ready');
    await eventually(async () => expect(await ready('gated')).toBe(true), { timeoutMs: 15_000 });
    await k('exec', 'probed', '-c', 'gated', '--', 'rm', '/tmp/alive');
    await eventually(
      async () => {
        const status = (await json('get', 'pod', 'probed')).status.containerStatuses.find(
          (c: { name: string }) => c.name === 'gated',
        );
        expect(status.restartCount).toBeGreaterThanOrEqual(1);
        expect(status.state.running).toBeDefined();
      },
      { timeoutMs: 30_000 },
    );
    await k('delete', 'pod', 'probed');
  });
});

describe('crash safety', () => {
  it('converges after the agent is stopped and restarted: no orphan, no duplicate', async () => {
    expect((await k('create', 'deployment', 'steady', `--image=${IMAGE}`, '--replicas=3')).code).toBe(0);
    await eventually(
      async () => expect((await json('get', 'deployment', 'steady')).status.availableReplicas).toBe(3),
      {
        timeoutMs: 60_000,
      },
    );
    const agent = docker.getContainer(`${CLUSTER}-control-plane_frankenetes-agent`);
    await agent.stop({ t: 0 });
    // While the agent is down: one pod deleted (its group becomes an orphan), one pod added.
    const victim = (await json('get', 'pods', '-l', 'app=steady')).items[0].metadata.name;
    expect((await k('delete', 'pod', victim, '--wait=false')).code).toBe(0);
    expect((await k('run', 'while-down', `--image=${IMAGE}`)).code).toBe(0);
    await agent.start();
    await waitRunningReady('while-down');
    await eventually(
      async () => {
        const pods = (await json('get', 'pods', '-l', 'app=steady')).items.map(
          (p: { metadata: { name: string } }) => p.metadata.name,
        );
        expect(pods).toHaveLength(3);
        expect(pods).not.toContain(victim);
        const groups = (await podGroups()).filter((p) => p.startsWith('steady-'));
        expect(groups).toEqual([...pods].sort());
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    const containers = (await engineResources(CLUSTER)).containers;
    const members = containers.filter(
      (c) => c.Labels['frankenetes.pod'] === 'while-down' && c.Labels['frankenetes.kind'] === 'container',
    );
    expect(members).toHaveLength(1);
    // Its infra container, fresh or a claimed standby sandbox, is named after the group.
    const group = members[0]?.Labels['frankenetes.group'];
    const infras = containers.filter((c) => c.Names.some((n) => n.replace(/^\//, '') === group));
    expect(infras).toHaveLength(1);
  });
});

describe('standby sandboxes', () => {
  const standby = async () =>
    (await engineResources(CLUSTER)).containers.filter(
      (c) => c.Labels['frankenetes.kind'] === 'standby' && c.Names.some((n) => n.includes('-standby-')),
    );

  it('hands a ready sandbox to a new pod, refills, and leaves nothing when the pod goes', async () => {
    await eventually(async () => expect((await standby()).length).toBeGreaterThan(0), {
      timeoutMs: 90_000,
      intervalMs: 1000,
    });
    expect((await k('run', 'quick', `--image=${IMAGE}`)).code).toBe(0);
    await waitRunningReady('quick');
    const containers = (await engineResources(CLUSTER)).containers;
    const group = containers.find((c) => c.Labels['frankenetes.pod'] === 'quick')?.Labels[
      'frankenetes.group'
    ];
    const infra = containers.find((c) => c.Names.some((n) => n.replace(/^\//, '') === group));
    expect(infra?.Labels['frankenetes.kind']).toBe('standby'); // a claimed sandbox, renamed to the group
    expect(
      (await k('exec', 'quick', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/namespace'))
        .stdout,
    ).toBe('default');

    // The token files live in the agent's pod-files volume until the pod is deleted.
    const volume = await docker.getVolume(`${CLUSTER}-control-plane_pod-files`).inspect();
    const files = `${volume.Mountpoint}/${group}`;
    expect(readdirSync(files).some((name) => name.startsWith('kube-api-access-'))).toBe(true);
    expect((await k('delete', 'pod', 'quick', '--grace-period=1')).code).toBe(0);
    await eventually(async () => {
      const left = (await engineResources(CLUSTER)).containers.filter(
        (c) => c.Labels['frankenetes.group'] === group || c.Names.some((n) => n.replace(/^\//, '') === group),
      );
      expect(left).toEqual([]);
      expect(existsSync(files)).toBe(false);
    });
    await eventually(async () => expect((await standby()).length).toBeGreaterThan(0), {
      timeoutMs: 60_000,
      intervalMs: 1000,
    });
  });
});

describe('down', () => {
  it('removes a cluster with pods still running and being deleted: nothing is left', async () => {
    expect((await k('create', 'deployment', 'last', `--image=${IMAGE}`, '--replicas=5')).code).toBe(0);
    await eventually(
      async () => expect((await json('get', 'deployment', 'last')).status.availableReplicas).toBe(5),
      {
        timeoutMs: 60_000,
      },
    );
    // The agent deletes these pods' groups while `down` purges the same groups.
    await k('delete', 'deployment', 'last', '--wait=false');
    const down = await cli(['down', '--name', CLUSTER], env);
    expect(down.stderr).not.toContain('error');
    expect(down.code).toBe(0);
    const left = await engineResources(CLUSTER);
    expect(left.containers.map((c) => c.Names[0])).toEqual([]);
    expect(left.volumes.map((v) => v.Name)).toEqual([]);
    expect(left.networks.map((n) => n.Name)).toEqual([]);
  });
});
