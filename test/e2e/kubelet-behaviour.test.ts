// Pods behave as the kubelet makes them behave, end to end: each test follows the kubelet's documented
// behaviour (kubernetes.io: environment variables, the downward API, subPath, termination messages,
// container lifecycle hooks, /etc/hosts) with plain manifests and kubectl against a real cluster.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuantity } from '../../src/core/pods.js';
import { KUBECTL, cli, engineResources, eventually, kubectl, stateDir } from './harness.js';

const CLUSTER = 'e2e-kb';
const IMAGE = 'localhost/frankenetes/testweb:1';
const env = { FRANKENETES_STATE_DIR: stateDir() };
let kc = '';

const k = (...args: string[]) => kubectl(kc, args);
const json = async (...args: string[]) => JSON.parse((await k(...args, '-o', 'json')).stdout);
const apply = async (manifest: object) => {
  const r = await kubectl(kc, ['apply', '-f', '-'], JSON.stringify(manifest));
  expect(r.stderr).toBe('');
  return r;
};

interface ContainerStatus {
  name: string;
  ready: boolean;
  state: {
    waiting?: { reason?: string; message?: string };
    running?: object;
    terminated?: { exitCode: number; reason?: string; message?: string };
  };
}
const statusOf = async (pod: string, container?: string): Promise<ContainerStatus> => {
  const statuses: ContainerStatus[] = (await json('get', 'pod', pod)).status.containerStatuses ?? [];
  const found = container ? statuses.find((s) => s.name === container) : statuses[0];
  if (!found) throw new Error(`no status for ${pod}/${container ?? ''} yet`);
  return found;
};

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

const events = async (pod: string) =>
  (await k('get', 'events', '--field-selector', `involvedObject.name=${pod}`)).stdout;

/** A pod of one container running `command`, as a plain manifest. */
function pod(name: string, container: object, spec: object = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { restartPolicy: 'Never', ...spec, containers: [{ name: 'c', image: IMAGE, ...container }] },
  };
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

describe('environment variables', () => {
  it('passes envFrom keys that are not C identifiers, as is and with a prefix (any printable ASCII but "=")', async () => {
    await k('create', 'configmap', 'odd-keys', '--from-literal=data-1=one', '--from-literal=data.2=two');
    await apply(
      pod('env-names', {
        command: ['env'], // not a shell: shells drop such names from what they pass on
        envFrom: [
          { configMapRef: { name: 'odd-keys' } },
          { configMapRef: { name: 'odd-keys' }, prefix: 'p-' },
        ],
      }),
    );
    await waitPhase('env-names', 'Succeeded');
    const lines = (await k('logs', 'env-names')).stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining(['data-1=one', 'data.2=two', 'p-data-1=one', 'p-data.2=two']),
    );
  });

  it('keeps a pod whose env needs a missing ConfigMap or key Pending, then starts it once the key exists', async () => {
    await apply(
      pod('waits-for-key', {
        command: ['sh', '-c', 'echo "greeting=$GREETING"'],
        env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'late', key: 'greeting' } } }],
      }),
    );
    await eventually(async () => {
      expect((await json('get', 'pod', 'waits-for-key')).status.phase).toBe('Pending');
      expect((await statusOf('waits-for-key')).state.waiting).toEqual({
        reason: 'CreateContainerConfigError',
        message: 'configmap "late" not found',
      });
    });
    await eventually(async () =>
      expect(await events('waits-for-key')).toContain('Error: configmap "late" not found'),
    );

    await k('create', 'configmap', 'late', '--from-literal=other=x');
    await eventually(
      async () =>
        expect((await statusOf('waits-for-key')).state.waiting).toEqual({
          reason: 'CreateContainerConfigError',
          message: "couldn't find key greeting in ConfigMap default/late",
        }),
      { timeoutMs: 30_000 },
    );
    expect((await json('get', 'pod', 'waits-for-key')).status.phase).toBe('Pending');

    expect((await k('patch', 'configmap', 'late', '-p', '{"data":{"greeting":"hello"}}')).code).toBe(0);
    // The agent looks again by itself (the kubelet's back-off is 10 s); nobody touches the pod.
    await waitPhase('waits-for-key', 'Succeeded', 40_000);
    expect((await k('logs', 'waits-for-key')).stdout).toContain('greeting=hello');
  });

  it("gives status.podIP the pod's address", async () => {
    await apply(
      pod('pod-ip', {
        command: ['sh', '-c', 'echo "ip=$MY_IP url=$URL"; sleep 3600'],
        env: [
          { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'URL', value: 'http://$(MY_IP):80/' },
        ],
      }),
    );
    const running = await waitPhase('pod-ip', 'Running');
    const ip = running.status.podIP;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    await eventually(async () =>
      expect((await k('logs', 'pod-ip')).stdout).toContain(`ip=${ip} url=http://${ip}:80/`),
    );
    await k('delete', 'pod', 'pod-ip', '--grace-period=1', '--wait=false');
  });
});

describe('the downward API', () => {
  it("reports the node's allocatable as limits.cpu and limits.memory of a container without limits", async () => {
    const allocatable = (await json('get', 'node', `${CLUSTER}-node`)).status.allocatable;
    await apply(
      pod(
        'default-limits',
        {
          command: [
            'sh',
            '-c',
            'echo "cpu=$CPU_LIMIT mem=$MEM_LIMIT mem_mi=$MEM_MI"; echo "file=$(cat /limits/mem)"',
          ],
          env: [
            { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
            { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
            {
              name: 'MEM_MI',
              valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
            },
          ],
          volumeMounts: [{ name: 'limits', mountPath: '/limits' }],
        },
        {
          volumes: [
            {
              name: 'limits',
              downwardAPI: {
                items: [{ path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory' } }],
              },
            },
          ],
        },
      ),
    );
    await waitPhase('default-limits', 'Succeeded');
    const cpu = Math.ceil(parseQuantity(allocatable.cpu));
    const memory = parseQuantity(allocatable.memory);
    const logs = (await k('logs', 'default-limits')).stdout;
    expect(logs).toContain(`cpu=${cpu} mem=${memory} mem_mi=${Math.ceil(memory / 2 ** 20)}`);
    expect(logs).toContain(`file=${memory}`);
  });
});

describe('volumes', () => {
  it('mounts single keys of a ConfigMap and a Secret with subPath, without hiding the directory', async () => {
    await k('create', 'configmap', 'app-files', '--from-literal=app.conf=listen 8080');
    await k('create', 'secret', 'generic', 'app-secret', '--from-literal=password=s3cr3t');
    await apply(
      pod(
        'subpath-files',
        {
          command: [
            'sh',
            '-c',
            'cat /etc/app.conf; echo; cat /etc/password.txt; echo; test -f /etc/passwd && echo etc-kept',
          ],
          volumeMounts: [
            { name: 'cfg', mountPath: '/etc/app.conf', subPath: 'app.conf' },
            { name: 'sec', mountPath: '/etc/password.txt', subPath: 'password' },
          ],
        },
        {
          volumes: [
            { name: 'cfg', configMap: { name: 'app-files' } },
            { name: 'sec', secret: { secretName: 'app-secret' } },
          ],
        },
      ),
    );
    await waitPhase('subpath-files', 'Succeeded');
    expect((await k('logs', 'subpath-files')).stdout).toBe('listen 8080\ns3cr3t\netc-kept\n');
  });

  it('mounts emptyDir subdirectories by subPath and subPathExpr ($(VAR) from the env), creating them', async () => {
    await apply(
      pod(
        'subpath-dirs',
        {
          command: [
            'sh',
            '-c',
            'echo one > /var/log/app/out.log; echo two > /cache/x; ls /all; cat /all/subpath-dirs/out.log /all/tmp/cache/x',
          ],
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          volumeMounts: [
            { name: 'data', mountPath: '/var/log/app', subPathExpr: '$(POD_NAME)' },
            { name: 'data', mountPath: '/cache', subPath: 'tmp/cache' },
            { name: 'data', mountPath: '/all' },
          ],
        },
        { volumes: [{ name: 'data', emptyDir: {} }] },
      ),
    );
    await waitPhase('subpath-dirs', 'Succeeded');
    expect((await k('logs', 'subpath-dirs')).stdout).toBe('subpath-dirs\ntmp\none\ntwo\n');
  });

  it('gives volume files the modes they ask for: an executable script from a ConfigMap runs', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'scripts' },
      data: { 'run.sh': '#!/bin/sh\necho script ran\n' },
    });
    await apply(
      pod(
        'file-modes',
        {
          command: ['/scripts/run.sh'],
          volumeMounts: [{ name: 'scripts', mountPath: '/scripts' }],
        },
        { volumes: [{ name: 'scripts', configMap: { name: 'scripts', defaultMode: 0o755 } }] },
      ),
    );
    await waitPhase('file-modes', 'Succeeded');
    expect((await k('logs', 'file-modes')).stdout).toBe('script ran\n');
  });
});

describe('security context', () => {
  it('runs as runAsUser with the fsGroup, whose members may read 0400 secret files', async () => {
    await k('create', 'secret', 'generic', 'private-key', '--from-literal=key=k3y');
    await apply(
      pod(
        'run-as',
        {
          command: ['sh', '-c', 'id -u; id -G; cat /keys/key; echo; touch /data/ok && ls -n /data'],
          securityContext: { allowPrivilegeEscalation: false },
          volumeMounts: [
            { name: 'keys', mountPath: '/keys' },
            { name: 'data', mountPath: '/data' },
          ],
        },
        {
          securityContext: { runAsUser: 1000, fsGroup: 2000 },
          volumes: [
            { name: 'keys', secret: { secretName: 'private-key', defaultMode: 0o400 } },
            { name: 'data', emptyDir: {} },
          ],
        },
      ),
    );
    await waitPhase('run-as', 'Succeeded');
    const lines = (await k('logs', 'run-as')).stdout.split('\n');
    expect(lines[0]).toBe('1000');
    expect(lines[1]?.split(' ')).toContain('2000');
    expect(lines).toContain('k3y');
    // Files made in the emptyDir belong to the fsGroup (setgid directory), as on a kubelet.
    expect(lines.some((l) => / 1000 +2000 .* ok$/.test(l))).toBe(true);
  });
});

describe('security context, root filesystem', () => {
  it('makes the root filesystem read-only with readOnlyRootFilesystem (volumes stay writable)', async () => {
    await apply(
      pod(
        'read-only-root',
        {
          command: [
            'sh',
            '-c',
            'touch /root-file || echo read-only-root; touch /data/ok && echo data-writable',
          ],
          securityContext: { readOnlyRootFilesystem: true },
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
        { volumes: [{ name: 'data', emptyDir: {} }] },
      ),
    );
    await waitPhase('read-only-root', 'Succeeded');
    expect((await k('logs', 'read-only-root')).stdout).toContain('read-only-root\ndata-writable\n');
  });
});

describe('hostname and /etc/hosts', () => {
  const standby = async () =>
    (await engineResources(CLUSTER)).containers.filter(
      (c) => c.Labels['frankenetes.kind'] === 'standby' && c.Names.some((n) => n.includes('-standby-')),
    );

  it("prints the pod's name as its hostname, in a claimed standby sandbox and in a fresh one", async () => {
    await eventually(async () => expect((await standby()).length).toBeGreaterThan(0), {
      timeoutMs: 90_000,
      intervalMs: 1000,
    });
    await apply(pod('named-host', { command: ['sh', '-c', 'echo "host=$(hostname)"; sleep 3600'] }));
    // Published ports need a fresh sandbox (the engine fixes them at creation).
    await apply(
      pod('named-host-ports', {
        command: ['sh', '-c', 'echo "host=$(hostname)"; sleep 3600'],
        ports: [{ containerPort: 80 }],
      }),
    );
    await waitPhase('named-host', 'Running');
    await waitPhase('named-host-ports', 'Running');
    const containers = (await engineResources(CLUSTER)).containers;
    const group = containers.find((c) => c.Labels['frankenetes.pod'] === 'named-host')?.Labels[
      'frankenetes.group'
    ];
    const infra = containers.find((c) => c.Names.some((n) => n.replace(/^\//, '') === group));
    expect(infra?.Labels['frankenetes.kind']).toBe('standby');
    await eventually(async () => expect((await k('logs', 'named-host')).stdout).toBe('host=named-host\n'));
    await eventually(async () =>
      expect((await k('logs', 'named-host-ports')).stdout).toBe('host=named-host-ports\n'),
    );
    expect((await k('exec', 'named-host', '--', 'hostname')).stdout).toBe('named-host\n');
    await k('delete', 'pod', 'named-host', 'named-host-ports', '--grace-period=1', '--wait=false');
  });

  it('uses spec.hostname, writes the subdomain FQDN and hostAliases to /etc/hosts like the kubelet', async () => {
    await apply(
      pod(
        'db-pod',
        { command: ['sh', '-c', 'sleep 3600'] },
        {
          hostname: 'db-0',
          subdomain: 'db',
          hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] }],
        },
      ),
    );
    const running = await waitPhase('db-pod', 'Running');
    expect((await k('exec', 'db-pod', '--', 'hostname')).stdout).toBe('db-0\n');
    const hosts = (await k('exec', 'db-pod', '--', 'cat', '/etc/hosts')).stdout;
    expect(hosts).toContain('# Kubernetes-managed hosts file.');
    expect(hosts).toContain(`${running.status.podIP}\tdb-0.db.default.svc.cluster.local\tdb-0\n`);
    expect(hosts).toContain('# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n');
    await k('delete', 'pod', 'db-pod', '--grace-period=1', '--wait=false');
  });
});

describe('termination messages', () => {
  it('reads /dev/termination-log back into state.terminated.message (the documented example)', async () => {
    await apply(
      pod('termination-demo', {
        command: ['/bin/sh'],
        args: ['-c', 'sleep 1 && echo Sleep expired > /dev/termination-log'],
      }),
    );
    await waitPhase('termination-demo', 'Succeeded');
    await eventually(async () =>
      expect((await statusOf('termination-demo')).state.terminated?.message).toBe('Sleep expired\n'),
    );
  });

  it('reads a terminationMessagePath of its own', async () => {
    await apply(
      pod('msg-path-demo', {
        command: ['sh', '-c', 'echo custom path > /tmp/my-log; exit 2'],
        terminationMessagePath: '/tmp/my-log',
      }),
    );
    await waitPhase('msg-path-demo', 'Failed');
    await eventually(async () =>
      expect((await statusOf('msg-path-demo')).state.terminated).toMatchObject({
        exitCode: 2,
        message: 'custom path\n',
      }),
    );
  });

  it('falls back to the end of the log for a failed container with FallbackToLogsOnError', async () => {
    await apply(
      pod('fallback-logs', {
        command: [
          'sh',
          '-c',
          'for i in $(seq 1 100); do echo "log line $i"; done; echo last words >&2; exit 3',
        ],
        terminationMessagePolicy: 'FallbackToLogsOnError',
      }),
    );
    await waitPhase('fallback-logs', 'Failed');
    const message = await eventually(async () => {
      const m = (await statusOf('fallback-logs')).state.terminated?.message;
      expect(m).toContain('last words');
      return m ?? '';
    });
    // The last 80 lines: log lines 22-100, then the stderr line.
    expect(message.startsWith('log line 22\n')).toBe(true);
    expect(message.trim().split('\n')).toHaveLength(80);
  });
});

describe('container lifecycle hooks', () => {
  it('runs postStart before the container counts as Running', async () => {
    await apply(
      pod(
        'post-start',
        {
          command: ['sh', '-c', 'sleep 3600'],
          lifecycle: {
            postStart: { exec: { command: ['sh', '-c', 'sleep 3; echo from-post-start > /tmp/hook'] } },
          },
        },
        { restartPolicy: 'Always', terminationGracePeriodSeconds: 1 },
      ),
    );
    await eventually(
      async () => expect((await statusOf('post-start')).state.waiting?.reason).toBe('ContainerCreating'),
      {
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );
    await waitPhase('post-start', 'Running');
    // Running only once the hook ended: its file is there at once.
    expect((await k('exec', 'post-start', '--', 'cat', '/tmp/hook')).stdout).toBe('from-post-start\n');
    await k('delete', 'pod', 'post-start', '--wait=false');
  });

  it('kills the container when postStart fails, with a FailedPostStartHook event', async () => {
    await apply(
      pod(
        'post-start-fails',
        {
          command: ['sh', '-c', "trap 'exit 143' TERM; while :; do sleep 0.2; done"],
          lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo hook failing; exit 7'] } } },
        },
        { terminationGracePeriodSeconds: 2 },
      ),
    );
    const failed = await waitPhase('post-start-fails', 'Failed', 60_000);
    expect(failed.status.containerStatuses[0].state.terminated.exitCode).not.toBe(0);
    await eventually(async () => {
      const text = await events('post-start-fails');
      expect(text).toContain('FailedPostStartHook');
      expect(text).toMatch(/Exec lifecycle hook \(\[sh -c echo hook failing; exit 7\]\) for Container "c"/);
    });
  });

  it('runs preStop before SIGTERM when the pod is deleted', async () => {
    await apply(
      pod(
        'pre-stop',
        {
          // It lingers a second after SIGTERM, so the log stream delivers its last line before the end.
          command: [
            'sh',
            '-c',
            "echo started; trap 'echo got-TERM; sleep 1; exit 0' TERM; while :; do sleep 0.2; done",
          ],
          lifecycle: {
            preStop: { exec: { command: ['sh', '-c', 'echo pre-stop-ran > /proc/1/fd/1; sleep 1'] } },
          },
        },
        { restartPolicy: 'Always', terminationGracePeriodSeconds: 10 },
      ),
    );
    await waitPhase('pre-stop', 'Running');
    const follow = spawn(KUBECTL, ['logs', '-f', 'pre-stop'], { env: { ...process.env, KUBECONFIG: kc } });
    let streamed = '';
    follow.stdout.on('data', (d) => (streamed += d));
    try {
      await eventually(() => expect(streamed).toContain('started'), { timeoutMs: 10_000 });
      expect((await k('delete', 'pod', 'pre-stop')).code).toBe(0);
      await eventually(() => expect(streamed).toContain('got-TERM'), { timeoutMs: 10_000 });
    } finally {
      follow.kill();
    }
    const lines = streamed.split('\n');
    expect(lines.indexOf('pre-stop-ran')).toBeGreaterThan(lines.indexOf('started'));
    expect(lines.indexOf('got-TERM')).toBeGreaterThan(lines.indexOf('pre-stop-ran'));
  });

  it("keeps a slow preStop within the grace period (plus the kubelet's 2 s)", async () => {
    await apply(
      pod(
        'slow-pre-stop',
        {
          command: ['sh', '-c', 'sleep 3600'],
          lifecycle: { preStop: { exec: { command: ['sleep', '600'] } } },
        },
        { restartPolicy: 'Always', terminationGracePeriodSeconds: 3 },
      ),
    );
    await waitPhase('slow-pre-stop', 'Running');
    const started = Date.now();
    expect((await k('delete', 'pod', 'slow-pre-stop')).code).toBe(0);
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThanOrEqual(3 + 2 + 5); // engine and API round trips on a busy machine
  });
});

describe('container status reasons', () => {
  it('shows ErrImagePull, then ImagePullBackOff, for an image that cannot be pulled', async () => {
    await apply(pod('no-image', { image: 'localhost/frankenetes/does-not-exist:1' }));
    await eventually(
      async () => expect((await statusOf('no-image')).state.waiting?.reason).toBe('ErrImagePull'),
      {
        timeoutMs: 30_000,
      },
    );
    await eventually(
      async () =>
        expect((await statusOf('no-image')).state.waiting).toEqual({
          reason: 'ImagePullBackOff',
          message: 'Back-off pulling image "localhost/frankenetes/does-not-exist:1"',
        }),
      { timeoutMs: 40_000 },
    );
    expect((await json('get', 'pod', 'no-image')).status.phase).toBe('Pending');
    await k('delete', 'pod', 'no-image', '--wait=false');
  });

  it('reports a command that does not exist as StartError, exit code 128, and fails the pod (restartPolicy Never)', async () => {
    await apply(pod('no-command', { command: ['/no/such/binary'] }));
    const failed = await waitPhase('no-command', 'Failed');
    expect(failed.status.containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 128,
      reason: 'StartError',
      message: expect.stringContaining('/no/such/binary'),
    });
  });

  it('runs in workingDir', async () => {
    await apply(pod('working-dir', { command: ['pwd'], workingDir: '/www' }));
    await waitPhase('working-dir', 'Succeeded');
    expect((await k('logs', 'working-dir')).stdout).toBe('/www\n');
  });
});
