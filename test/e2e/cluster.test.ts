// The foundation, end to end: `frankenetes up` on the local engine gives a real, secure Kubernetes API.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliProcess, docker, engineResources, eventually, kubectl, stateDir } from './harness.js';

const A = 'e2e-a';
const B = 'e2e-b';
const env = { FRANKENETES_STATE_DIR: stateDir() };
let kubeconfigA = '';

function kubeconfigOf(name: string): { server: string; ca: string; tlsServerName: string } {
  const config = parse(readFileSync(join(env.FRANKENETES_STATE_DIR, name, 'kubeconfig'), 'utf8'));
  const cluster = config.clusters[0].cluster;
  return {
    server: cluster.server,
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString(),
    tlsServerName: cluster['tls-server-name'],
  };
}

async function anonymousStatus(server: string, path: string): Promise<number> {
  // Plain fetch cannot skip verification per request; use a TLS socket with the cluster CA instead.
  const url = new URL(server);
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: url.hostname,
        port: Number(url.port),
        ca: kubeconfigOf(A).ca,
        servername: kubeconfigOf(A).tlsServerName,
      },
      () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    );
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1])));
    socket.on('error', reject);
  });
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(1500);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('timeout', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(false));
    s.connect(port, host);
  });
}

/** The control plane's containers (pod groups come and go with workloads). */
async function containerIds(cluster: string): Promise<string[]> {
  return (await engineResources(cluster)).containers
    .filter((c) => c.Labels['frankenetes.role'] === 'control-plane')
    .map((c) => c.Id)
    .sort();
}

function expectOneErrorLine(run: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
  expect(run.code).not.toBe(0);
  expect(run.stdout).toBe('');
  const errors = run.stderr.split('\n').filter((l) => l.startsWith('frankenetes: error:'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
}

async function expectNothingOf(cluster: string) {
  const left = await engineResources(cluster);
  expect(left.containers.map((c) => c.Names[0])).toEqual([]);
  expect(left.volumes.map((v) => v.Name)).toEqual([]);
  expect(left.networks.map((n) => n.Name)).toEqual([]);
}

beforeAll(async () => {
  const up = await cli(['up', '--name', A], env);
  expect(up.stderr).toContain('ready');
  expect(up.code).toBe(0);
  kubeconfigA = up.stdout.trim();
});

afterAll(async () => {
  for (const name of [A, B, 'e2e-c']) await cli(['down', '--name', name], env);
});

describe('frankenetes up', () => {
  // First test of the file: it runs right after `up` returned, before anything else warms up.
  it('takes work as soon as it returns: a pod is admitted at once and the node is schedulable', async () => {
    const run = await kubectl(kubeconfigA, ['run', 'first', '--image=localhost/frankenetes/testweb:1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const namespace of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      expect(
        (await kubectl(kubeconfigA, ['get', 'serviceaccount', 'default', '-n', namespace])).code,
        namespace,
      ).toBe(0);
    }
    const node = JSON.parse((await kubectl(kubeconfigA, ['get', 'node', `${A}-node`, '-o', 'json'])).stdout);
    expect(node.spec.taints ?? []).toEqual([]);
    expect(node.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
    const components = JSON.parse(
      (await kubectl(kubeconfigA, ['get', 'componentstatuses', '-o', 'json'])).stdout,
    );
    for (const c of components.items) expect(c.conditions[0].status, c.metadata.name).toBe('True');
    await kubectl(kubeconfigA, ['delete', 'pod', 'first', '--wait=false']);
  });

  it('serves a ready API of the requested version to the admin', async () => {
    expect((await kubectl(kubeconfigA, ['get', '--raw', '/readyz'])).stdout).toBe('ok');
    const version = JSON.parse((await kubectl(kubeconfigA, ['version', '-o', 'json'])).stdout);
    expect(version.serverVersion.gitVersion).toBe('v1.37.2');
    const whoami = JSON.parse((await kubectl(kubeconfigA, ['auth', 'whoami', '-o', 'json'])).stdout);
    expect(whoami.status.userInfo.username).toBe('frankenetes-admin');
  });

  it('runs controllers and the scheduler: a deployment gets a ReplicaSet and pods bound to the node', async () => {
    expect(
      (
        await kubectl(kubeconfigA, [
          'create',
          'deployment',
          'web',
          '--image=localhost/frankenetes/testweb:1',
          '--replicas=2',
        ])
      ).code,
    ).toBe(0);
    await eventually(async () => {
      const rs = JSON.parse(
        (await kubectl(kubeconfigA, ['get', 'rs', '-l', 'app=web', '-o', 'json'])).stdout,
      );
      expect(rs.items).toHaveLength(1);
      const pods = JSON.parse(
        (await kubectl(kubeconfigA, ['get', 'pods', '-l', 'app=web', '-o', 'json'])).stdout,
      );
      expect(pods.items).toHaveLength(2);
      // The ReplicaSet controller made them, the scheduler bound them to the cluster's only node.
      for (const p of pods.items) expect(p.spec.nodeName).toBe(`${A}-node`);
    });
    await kubectl(kubeconfigA, ['delete', 'deployment', 'web']);
  });

  it('allows anonymous access to health endpoints only', async () => {
    const { server } = kubeconfigOf(A);
    expect([401, 403]).toContain(await anonymousStatus(server, '/api'));
    expect([401, 403]).toContain(await anonymousStatus(server, '/version'));
    expect(await anonymousStatus(server, '/livez')).toBe(200);
    expect(await anonymousStatus(server, '/readyz')).toBe(200);
  });

  it('keeps etcd off the host and off the engine network', async () => {
    const group = (
      await docker.listContainers({
        filters: { label: [`frankenetes.cluster=${A}`, 'frankenetes.kind=infra'] },
      })
    ).find(
      (c) => c.Labels['frankenetes.role'] === 'control-plane' && c.Labels['frankenetes.kind'] === 'infra',
    );
    const ip = Object.values(group?.NetworkSettings.Networks ?? {})[0]?.IPAddress;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const { server } = kubeconfigOf(A);
    // The API server itself is reachable on the group's address: the check below is meaningful.
    expect(await reachable(ip as string, 6443)).toBe(true);
    expect(await reachable(new URL(server).hostname, Number(new URL(server).port))).toBe(true);
    for (const port of [2379, 2380, 2381]) {
      expect(await reachable(ip as string, port)).toBe(false);
      expect(await reachable('127.0.0.1', port)).toBe(false);
    }
  });

  it('serves a certificate that verifies against the cluster CA for the cluster DNS name', async () => {
    const { server, ca, tlsServerName } = kubeconfigOf(A);
    expect(tlsServerName).toBe(`${A}.frankenetes.internal`);
    const url = new URL(server);
    const handshake = (servername: string) =>
      new Promise<{ authorized: boolean; error?: string; cert?: X509Certificate }>((resolve) => {
        const socket = connect({ host: url.hostname, port: Number(url.port), ca, servername }, () => {
          const raw = socket.getPeerX509Certificate();
          resolve({ authorized: socket.authorized, cert: raw });
          socket.destroy();
        });
        socket.on('error', (e) => resolve({ authorized: false, error: e.message }));
      });
    const good = await handshake(tlsServerName);
    expect(good.authorized).toBe(true);
    expect(good.cert?.checkHost(tlsServerName)).toBe(tlsServerName);
    expect(good.cert?.verify(new X509Certificate(ca).publicKey)).toBe(true);
    const wrong = await handshake('not-this-cluster.example');
    expect(wrong.authorized).toBe(false);
    expect(wrong.error).toMatch(/altnames|Hostname/i);
  });

  it('converges when run twice: same containers, still ready', async () => {
    const before = await containerIds(A);
    const again = await cli(['up', '--name', A], env);
    expect(again.code).toBe(0);
    expect(await containerIds(A)).toEqual(before);
    expect((await kubectl(kubeconfigA, ['get', '--raw', '/readyz'])).stdout).toBe('ok');
  });

  it('runs two clusters side by side; down removes one and leaves the other untouched', async () => {
    const up = await cli(['up', '--name', B], env);
    expect(up.code).toBe(0);
    const kubeconfigB = up.stdout.trim();
    expect((await kubectl(kubeconfigB, ['get', '--raw', '/readyz'])).stdout).toBe('ok');
    expect(kubeconfigOf(B).server).not.toBe(kubeconfigOf(A).server);
    expect((await cli(['list'], env)).stdout).toMatch(new RegExp(`${A}[\\s\\S]*${B}`));
    const aBefore = await containerIds(A);

    const down = await cli(['down', '--name', B], env);
    expect(down.code).toBe(0);
    await expectNothingOf(B);
    expect((await cli(['list'], env)).stdout).not.toContain(B);
    expect(await containerIds(A)).toEqual(aBefore);
    expect((await kubectl(kubeconfigA, ['get', '--raw', '/readyz'])).stdout).toBe('ok');
  });

  it('finishes an up that was killed part-way', async () => {
    const name = 'e2e-c';
    const child = cliProcess(['up', '--name', name], env);
    // Kill once containers start to appear: the group is half made.
    await eventually(async () => expect((await engineResources(name)).containers.length).toBeGreaterThan(1), {
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const again = await cli(['up', '--name', name], env);
    expect(again.code).toBe(0);
    expect((await kubectl(again.stdout.trim(), ['get', '--raw', '/readyz'])).stdout).toBe('ok');
    const running = (await engineResources(name)).containers.filter(
      (c) => c.State === 'running' && c.Labels['frankenetes.role'] === 'control-plane',
    );
    expect(running).toHaveLength(6); // infra + etcd + apiserver + controller-manager + scheduler + agent
    expect((await cli(['down', '--name', name], env)).code).toBe(0);
    await expectNothingOf(name);
  });

  it('reports status per container group and container', async () => {
    const status = JSON.parse((await cli(['status', '--name', A, '--json'], env)).stdout);
    const group = status.groups.find(
      (g: { tags: Record<string, string> }) => g.tags['frankenetes.role'] === 'control-plane',
    );
    expect(group.instanceView.state).toBe('Running');
    expect(group.containers.map((c: { name: string }) => c.name)).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'frankenetes-agent',
    ]);
    // Secrets never leave the state store through status output.
    expect(JSON.stringify(status)).not.toContain('PRIVATE KEY');
    const secret = group.volumes.find((v: { name: string }) => v.name === 'apiserver-pki').secret;
    expect(secret['apiserver.key']).toMatch(/^sha256:/);
  });
});

describe('bad input', () => {
  it('rejects an invalid name', async () => {
    expectOneErrorLine(await cli(['up', '--name', 'Bad_Name'], env), /name "Bad_Name": must be/);
    await expectNothingOf('Bad_Name');
  });

  it('rejects an unsupported Kubernetes version', async () => {
    expectOneErrorLine(
      await cli(['up', '--name', 'e2e-v', '--kubernetes-version', '1.30'], env),
      /kubernetesVersion "1.30": must be one of 1.35, 1.36, 1.37/,
    );
    expect((await cli(['list'], env)).stdout).not.toContain('e2e-v');
  });

  it('says where it looked when the engine is unreachable', async () => {
    const run = await cli(['up', '--name', 'e2e-x'], {
      ...env,
      FRANKENETES_ENGINE_SOCKET: '/tmp/frankenetes-no-engine.sock',
    });
    expectOneErrorLine(run, /container engine not reachable at unix:\/\/\/tmp\/frankenetes-no-engine.sock/);
    expect((await cli(['list'], env)).stdout).not.toContain('e2e-x');
  });

  it('fails cleanly when the API port is taken', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await cli(['up', '--name', 'e2e-p', '--port', String(port)], env);
      expectOneErrorLine(run, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
      await expectNothingOf('e2e-p');
      expect((await cli(['list'], env)).stdout).not.toContain('e2e-p');
    } finally {
      blocker.close();
    }
  });

  it('fails cleanly when the state directory cannot be written', async () => {
    const file = join(stateDir(), 'a-file');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'x'));
    const run = await cli(['up', '--name', 'e2e-s'], { FRANKENETES_STATE_DIR: join(file, 'state') });
    expectOneErrorLine(run, /state directory .* is not writable/);
    await expectNothingOf('e2e-s');
  });

  it('refuses to take down a cluster that does not exist', async () => {
    expectOneErrorLine(await cli(['down', '--name', 'nope'], env), /no cluster named "nope"/);
  });
});
