import type { ContainerGroup } from '@azure/arm-containerinstance';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostStartHooks, formatPod, hookUrl, resolveHookPort, runHook } from '../../src/agent/lifecycle.js';

const pod: V1Pod = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1' },
  spec: { containers: [{ name: 'app', image: 'img', ports: [{ name: 'http', containerPort: 8080 }] }] },
};
const app = pod.spec!.containers[0] as V1Container;
const execAnswering = (exitCode: number, stdout = '', stderr = '') => ({
  exec: async () => ({ exitCode, stdout, stderr }),
});

describe('runHook', () => {
  let server: http.Server;
  let port = 0;
  const seen: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.url} ${req.headers['x-hook'] ?? ''}`);
      res.statusCode = req.url === '/broken' ? 500 : 200;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  it('succeeds when an exec hook exits 0', async () => {
    expect(await runHook(pod, app, { exec: { command: ['true'] } }, execAnswering(0))).toBeUndefined();
  });

  it("fails an exec hook that exits otherwise, with the kubelet's message", async () => {
    const message = await runHook(
      pod,
      app,
      { exec: { command: ['sh', '-c', 'exit 3'] } },
      execAnswering(3, 'out\n', 'bad\n'),
    );
    expect(message).toBe(
      `Exec lifecycle hook ([sh -c exit 3]) for Container "app" in Pod "web_shop(u-1)" failed - error: command 'sh -c exit 3' exited with 3: bad\n, message: "out\\nbad\\n"`,
    );
  });

  it('fails an exec hook that cannot run', async () => {
    const message = await runHook(
      pod,
      app,
      { exec: { command: ['nope'] } },
      {
        exec: () => Promise.reject(new Error('container not running')),
      },
    );
    expect(message).toContain('failed - error: container not running');
  });

  it('sends an httpGet hook to the pod, with its headers, whatever the answer (as a kubelet)', async () => {
    const ok = await runHook(
      pod,
      app,
      { httpGet: { path: 'started', port, httpHeaders: [{ name: 'X-Hook', value: 'yes' }] } },
      { ...execAnswering(0), podIP: '127.0.0.1' },
    );
    expect(ok).toBeUndefined();
    expect(
      await runHook(
        pod,
        app,
        { httpGet: { path: '/broken', port } },
        { ...execAnswering(0), podIP: '127.0.0.1' },
      ),
    ).toBeUndefined();
    expect(seen).toEqual(['/started yes', '/broken ']);
  });

  it('fails an httpGet hook that gets no answer', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    closed.close();
    const message = await runHook(
      pod,
      app,
      { httpGet: { path: '/x', port: unused } },
      { ...execAnswering(0), podIP: '127.0.0.1' },
    );
    expect(message).toMatch(
      /^HTTP lifecycle hook \(\/x\) for Container "app" in Pod "web_shop\(u-1\)" failed - error: .*ECONNREFUSED/,
    );
  });

  it('sleeps, and stops when the grace period ends', async () => {
    const started = Date.now();
    expect(await runHook(pod, app, { sleep: { seconds: 0.2 } }, execAnswering(0))).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    const cut = await runHook(
      pod,
      app,
      { sleep: { seconds: 30 } },
      { ...execAnswering(0), signal: AbortSignal.timeout(50) },
    );
    expect(cut).toContain('the grace period ended');
  });

  it('resolves ports by number, numeric string and name; the URL defaults to the pod IP and HTTP', () => {
    expect(resolveHookPort(app, 81)).toBe(81);
    expect(resolveHookPort(app, '82')).toBe(82);
    expect(resolveHookPort(app, 'http')).toBe(8080);
    expect(() => resolveHookPort(app, 'metrics')).toThrow(/couldn't find port: metrics/);
    expect(hookUrl(app, { port: 'http', path: 'ready' }, '10.0.0.5').href).toBe('http://10.0.0.5:8080/ready');
    expect(hookUrl(app, { port: 443, scheme: 'HTTPS' }, '10.0.0.5').href).toBe('https://10.0.0.5/');
    expect(formatPod(pod)).toBe('web_shop(u-1)');
  });
});

describe('PostStartHooks', () => {
  const withHook: V1Pod = {
    ...pod,
    spec: { containers: [{ ...app, lifecycle: { postStart: { exec: { command: ['touch', '/ready'] } } } }] },
  };
  const groupStarted = (startTime: string, state = 'Running'): ContainerGroup => ({
    osType: 'Linux',
    containers: [
      {
        name: 'app',
        image: 'img',
        resources: { requests: { cpu: 1, memoryInGB: 1 } },
        instanceView: { currentState: { state, startTime: new Date(startTime), detailStatus: '' } },
      },
    ],
  });

  function hooks(since = 0) {
    const runs: string[] = [];
    const done: [string, string | undefined][] = [];
    let finish: (failure: string | undefined) => void = () => undefined;
    const manager = new PostStartHooks({
      since,
      run: (key, container) => {
        runs.push(`${key}/${container}`);
        return new Promise((resolve) => (finish = resolve));
      },
      onDone: (key, container, failure) => done.push([`${key}/${container}`, failure]),
    });
    return { manager, runs, done, finish: (failure?: string) => finish(failure) };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('runs the hook once per container start, reporting it as running until it ends', async () => {
    const h = hooks();
    const group = groupStarted('2025-01-01T10:00:00Z');
    expect(h.manager.sync('shop/web', withHook, group)).toEqual(['app']);
    expect(h.manager.sync('shop/web', withHook, group)).toEqual(['app']);
    expect(h.runs).toEqual(['shop/web/app']);
    h.finish();
    await settle();
    expect(h.done).toEqual([['shop/web/app', undefined]]);
    expect(h.manager.sync('shop/web', withHook, group)).toEqual([]);
    // The engine restarted the container: the hook runs again.
    expect(h.manager.sync('shop/web', withHook, groupStarted('2025-01-01T10:05:00Z'))).toEqual(['app']);
    expect(h.runs).toHaveLength(2);
  });

  it('reports a failure to onDone', async () => {
    const h = hooks();
    h.manager.sync('shop/web', withHook, groupStarted('2025-01-01T10:00:00Z'));
    h.finish('Exec lifecycle hook failed');
    await settle();
    expect(h.done).toEqual([['shop/web/app', 'Exec lifecycle hook failed']]);
  });

  it('does not run hooks of containers that are not running, nor of those started before the agent', () => {
    const h = hooks(Date.parse('2025-01-01T11:00:00Z'));
    expect(h.manager.sync('shop/web', withHook, groupStarted('2025-01-01T10:00:00Z'))).toEqual([]);
    expect(h.manager.sync('shop/web', withHook, groupStarted('2025-01-01T12:00:00Z', 'Terminated'))).toEqual(
      [],
    );
    expect(h.runs).toEqual([]);
    expect(h.manager.sync('shop/web', withHook, groupStarted('2025-01-01T12:00:00Z'))).toEqual(['app']);
  });

  it('forgets a pod: a hook ending afterwards reports nothing', async () => {
    const h = hooks();
    h.manager.sync('shop/web', withHook, groupStarted('2025-01-01T10:00:00Z'));
    h.manager.forget('shop/web');
    h.finish();
    await settle();
    expect(h.done).toEqual([]);
  });
});
