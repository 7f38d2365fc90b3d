import 'reflect-metadata'; // @peculiar/x509 needs the Reflect metadata API
import type { Container, ContainerGroup, ContainerProbe } from '@azure/arm-containerinstance';
import type { V1Pod, V1PodCondition, V1PodStatus } from '@kubernetes/client-node';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProbeManager, applyReadiness, probeTimeoutMs, runProbe } from '../../src/agent/probes.js';
import { podStatusFromGroup } from '../../src/core/pods.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const POD = 'default/web';

interface Spec {
  name: string;
  readinessProbe?: ContainerProbe;
  livenessProbe?: ContainerProbe;
  state?: 'Running' | 'Terminated' | 'Waiting';
  detailStatus?: string;
  startTime?: number;
}

function group(...containers: Spec[]): ContainerGroup {
  return {
    name: 'pr-1-default-web',
    osType: 'Linux',
    containers: containers.map(
      (c) =>
        ({
          name: c.name,
          image: 'nginx',
          resources: { requests: { cpu: 1, memoryInGB: 1 } },
          readinessProbe: c.readinessProbe,
          livenessProbe: c.livenessProbe,
          instanceView: {
            restartCount: 0,
            currentState: {
              state: c.state ?? 'Running',
              detailStatus: c.detailStatus ?? '',
              startTime: new Date(c.startTime ?? T0),
            },
          },
        }) as Container,
    ),
  };
}

const ready = (extra: Partial<ContainerProbe> = {}): ContainerProbe => ({
  exec: { command: ['ready'] },
  ...extra,
});
const alive = (extra: Partial<ContainerProbe> = {}): ContainerProbe => ({
  exec: { command: ['alive'] },
  ...extra,
});

/** A fake prober: each probe command's outcome is set by the test; every call is recorded with its time. */
function prober() {
  const outcome = new Map<string, boolean | Error>([
    ['ready', true],
    ['alive', true],
  ]);
  const calls: { container: string; command: string; at: number }[] = [];
  const run = vi.fn(async (_pod: string, container: string, probe: ContainerProbe) => {
    const command = probe.exec?.command?.[0] ?? '';
    calls.push({ container, command, at: Date.now() - T0 });
    const result = outcome.get(command);
    if (result instanceof Error) throw result;
    return result ?? false;
  });
  const times = (command: string) => calls.filter((c) => c.command === command).map((c) => c.at);
  return { outcome, calls, run, times };
}

function manager(run: ConstructorParameters<typeof ProbeManager>[0]['run']) {
  const onChange = vi.fn();
  const onLivenessFailure = vi.fn();
  const onError = vi.fn();
  const probes = new ProbeManager({ run, onChange, onLivenessFailure, onError });
  return { probes, onChange, onLivenessFailure, onError };
}

/** Advances the fake clock to T0 + ms, running due timers and the promises they start. */
const at = (ms: number) => vi.advanceTimersByTimeAsync(T0 + ms - Date.now());

describe('ProbeManager', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('makes a container ready after successThreshold successes and unready after failureThreshold failures', async () => {
    const p = prober();
    const { probes, onChange } = manager(p.run);
    probes.sync(
      POD,
      group({
        name: 'web',
        readinessProbe: ready({ periodSeconds: 5, successThreshold: 2, failureThreshold: 3 }),
      }),
    );
    expect(probes.readiness(POD, 'web')).toBe(false); // not ready until the probe succeeded

    await at(0);
    expect(p.times('ready')).toEqual([0]);
    expect(probes.readiness(POD, 'web')).toBe(false); // 1 success of 2
    expect(onChange).not.toHaveBeenCalled();

    await at(5_000);
    expect(probes.readiness(POD, 'web')).toBe(true);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenLastCalledWith(POD);

    p.outcome.set('ready', false);
    await at(15_000); // failures at 10 s and 15 s
    expect(probes.readiness(POD, 'web')).toBe(true);
    expect(onChange).toHaveBeenCalledTimes(1);
    await at(20_000); // third failure
    expect(probes.readiness(POD, 'web')).toBe(false);
    expect(onChange).toHaveBeenCalledTimes(2);

    await at(30_000); // still failing: no new flip
    expect(onChange).toHaveBeenCalledTimes(2);
    expect(p.times('ready')).toEqual([0, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000]);
    probes.stop();
  });

  it('uses the Kubernetes defaults: every 10 s, ready after 1 success, unready after 3 failures', async () => {
    const p = prober();
    const { probes, onChange } = manager(p.run);
    probes.sync(POD, group({ name: 'web', readinessProbe: ready() }));
    await at(0);
    expect(probes.readiness(POD, 'web')).toBe(true);
    p.outcome.set('ready', false);
    await at(29_999);
    expect(p.times('ready')).toEqual([0, 10_000, 20_000]);
    expect(probes.readiness(POD, 'web')).toBe(true); // 2 failures
    await at(30_000);
    expect(probes.readiness(POD, 'web')).toBe(false);
    expect(onChange).toHaveBeenCalledTimes(2);
    probes.stop();
  });

  it('a failure between successes restarts the count (consecutive results only)', async () => {
    const p = prober();
    const { probes } = manager(p.run);
    probes.sync(
      POD,
      group({ name: 'web', readinessProbe: ready({ periodSeconds: 1, successThreshold: 2 }) }),
    );
    await at(0); // success
    p.outcome.set('ready', false);
    await at(1_000); // failure
    p.outcome.set('ready', true);
    await at(2_000); // success, 1 in a row
    expect(probes.readiness(POD, 'web')).toBe(false);
    await at(3_000); // 2 in a row
    expect(probes.readiness(POD, 'web')).toBe(true);
    probes.stop();
  });

  it('waits initialDelaySeconds after the container started before the first probe', async () => {
    const p = prober();
    const { probes } = manager(p.run);
    await at(5_000); // the container started at T0; the agent sees it 5 s later
    probes.sync(POD, group({ name: 'web', readinessProbe: ready({ initialDelaySeconds: 15 }) }));
    await at(14_999);
    expect(p.calls).toHaveLength(0);
    expect(probes.readiness(POD, 'web')).toBe(false);
    await at(15_000);
    expect(p.times('ready')).toEqual([15_000]);
    expect(probes.readiness(POD, 'web')).toBe(true);

    // A container that started long ago (agent restart) is probed at once.
    probes.sync(
      'default/old',
      group({ name: 'web', startTime: T0 - 3600_000, readinessProbe: ready({ initialDelaySeconds: 15 }) }),
    );
    await at(15_000);
    expect(p.calls.map((c) => c.at)).toEqual([15_000, 15_000]);
    probes.stop();
  });

  it('starts over when the container restarted: unready until its probe succeeds again, delay honoured', async () => {
    const p = prober();
    const { probes, onChange } = manager(p.run);
    const probe = ready({ initialDelaySeconds: 3, periodSeconds: 10 });
    probes.sync(POD, group({ name: 'web', readinessProbe: probe }));
    await at(3_000);
    expect(probes.readiness(POD, 'web')).toBe(true);
    expect(onChange).toHaveBeenCalledTimes(1);

    // Same start time: nothing changes, no extra probe.
    probes.sync(POD, group({ name: 'web', readinessProbe: probe }));
    expect(probes.readiness(POD, 'web')).toBe(true);

    // The container restarted at 20 s.
    await at(20_000);
    probes.sync(POD, group({ name: 'web', readinessProbe: probe, startTime: T0 + 20_000 }));
    expect(probes.readiness(POD, 'web')).toBe(false);
    expect(onChange).toHaveBeenCalledTimes(1); // the caller is reconciling already: sync does not call back
    await at(22_999);
    expect(p.times('ready')).toEqual([3_000, 13_000]); // the old loop's 23 s probe never runs
    await at(23_000);
    expect(p.times('ready')).toEqual([3_000, 13_000, 23_000]);
    expect(probes.readiness(POD, 'web')).toBe(true);
    expect(onChange).toHaveBeenCalledTimes(2);
    probes.stop();
  });

  it('stops the loops of containers that no longer run; a probed one is then unready, an unprobed one undefined', async () => {
    const p = prober();
    const { probes } = manager(p.run);
    probes.sync(POD, group({ name: 'web', readinessProbe: ready() }, { name: 'sidecar' }));
    await at(0);
    expect(probes.readiness(POD, 'web')).toBe(true);
    expect(probes.readiness(POD, 'sidecar')).toBeUndefined();
    expect(probes.readiness('default/other', 'web')).toBeUndefined();

    probes.sync(
      POD,
      group({ name: 'web', readinessProbe: ready(), state: 'Terminated' }, { name: 'sidecar' }),
    );
    expect(probes.readiness(POD, 'web')).toBe(false);
    expect(probes.activeLoops).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    await at(60_000);
    expect(p.calls).toHaveLength(1);

    // The engine restarting it (Running/"Restarting") does not count as running either.
    probes.sync(
      POD,
      group({ name: 'web', readinessProbe: ready(), detailStatus: 'Restarting', startTime: T0 + 60_000 }),
    );
    await at(120_000);
    expect(p.calls).toHaveLength(1);
    expect(probes.readiness(POD, 'web')).toBe(false);
  });

  it('reports a liveness failure once after failureThreshold consecutive failures, then stops that loop', async () => {
    const p = prober();
    const { probes, onLivenessFailure, onChange } = manager(p.run);
    const liveness = alive({ periodSeconds: 2, failureThreshold: 3 });
    const spec: Spec = { name: 'web', livenessProbe: liveness };
    probes.sync(POD, group(spec));
    await at(0); // success
    p.outcome.set('alive', false);
    await at(4_000); // 2 failures
    p.outcome.set('alive', true);
    await at(6_000); // a success resets the count
    p.outcome.set('alive', false);
    await at(10_000); // failures at 8 and 10 s: 2 in a row
    expect(onLivenessFailure).not.toHaveBeenCalled();
    await at(12_000); // third in a row
    expect(onLivenessFailure).toHaveBeenCalledTimes(1);
    expect(onLivenessFailure).toHaveBeenCalledWith(POD, 'web');
    expect(probes.readiness(POD, 'web')).toBeUndefined(); // liveness says nothing about readiness
    expect(onChange).not.toHaveBeenCalled();

    // Resyncs before the restart (same start time) neither probe nor report again.
    probes.sync(POD, group(spec));
    await at(40_000);
    probes.sync(POD, group(spec));
    await at(60_000);
    expect(onLivenessFailure).toHaveBeenCalledTimes(1);
    expect(p.times('alive')).toEqual([0, 2_000, 4_000, 6_000, 8_000, 10_000, 12_000]);

    // Restarted (new start time): probed again, and reported again after 3 more failures.
    probes.sync(POD, group({ ...spec, startTime: T0 + 60_000 }));
    await at(64_000);
    expect(p.times('alive').slice(7)).toEqual([60_000, 62_000, 64_000]);
    expect(onLivenessFailure).toHaveBeenCalledTimes(2);
    probes.stop();
  });

  it('runs readiness and liveness of a container as separate loops', async () => {
    const p = prober();
    const { probes, onLivenessFailure } = manager(p.run);
    p.outcome.set('alive', false);
    probes.sync(
      POD,
      group({
        name: 'web',
        readinessProbe: ready({ periodSeconds: 5 }),
        livenessProbe: alive({ periodSeconds: 1, failureThreshold: 1 }),
      }),
    );
    await at(10_000);
    expect(onLivenessFailure).toHaveBeenCalledTimes(1);
    expect(p.times('alive')).toEqual([0]);
    expect(p.times('ready')).toEqual([0, 5_000, 10_000]);
    expect(probes.readiness(POD, 'web')).toBe(true);
    probes.stop();
  });

  it('never runs two probes of a loop at once; the next one follows a slow probe', async () => {
    let inFlight = 0;
    let most = 0;
    const pending: ((ok: boolean) => void)[] = [];
    const run = vi.fn(
      () =>
        new Promise<boolean>((resolve) => {
          inFlight++;
          most = Math.max(most, inFlight);
          pending.push((ok) => {
            inFlight--;
            resolve(ok);
          });
        }),
    );
    const { probes } = manager(run);
    probes.sync(POD, group({ name: 'web', readinessProbe: ready({ periodSeconds: 1 }) }));
    await at(10_000); // ten periods, the first probe still running
    expect(run).toHaveBeenCalledTimes(1);
    pending.shift()?.(true);
    await at(10_000); // already overdue: runs at once
    expect(run).toHaveBeenCalledTimes(2);
    expect(probes.readiness(POD, 'web')).toBe(true);
    pending.shift()?.(true);
    await at(10_500);
    expect(run).toHaveBeenCalledTimes(2); // a period counts from the probe's start
    await at(11_000);
    expect(run).toHaveBeenCalledTimes(3);
    expect(most).toBe(1);
    probes.stop();
  });

  it('discards a probe that could not run (run rejected) and reports it', async () => {
    const p = prober();
    const { probes, onChange, onError } = manager(p.run);
    const cause = new Error('exec: no such container');
    p.outcome.set('ready', cause);
    probes.sync(
      POD,
      group({ name: 'web', readinessProbe: ready({ periodSeconds: 1, failureThreshold: 1 }) }),
    );
    await at(0);
    p.outcome.set('ready', true);
    await at(1_000);
    expect(probes.readiness(POD, 'web')).toBe(true);
    p.outcome.set('ready', cause);
    await at(5_000); // errors are no failures: still ready
    expect(probes.readiness(POD, 'web')).toBe(true);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(POD, 'web', cause);
    expect(p.calls).toHaveLength(6); // the loop went on
    probes.stop();
  });

  it('forget() stops a pod’s loops and clears their timers; a probe in flight is ignored', async () => {
    let finish: (ok: boolean) => void = () => undefined;
    const run = vi.fn(
      (pod: string) => new Promise<boolean>((resolve) => (pod === POD ? (finish = resolve) : resolve(true))),
    );
    const { probes, onChange } = manager(run);
    probes.sync(
      POD,
      group({ name: 'web', readinessProbe: ready(), livenessProbe: alive({ initialDelaySeconds: 30 }) }),
    );
    probes.sync('default/other', group({ name: 'db', readinessProbe: ready() }));
    await at(0);
    expect(run).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(2); // POD's liveness (at 30 s), other's readiness (at 10 s)

    probes.forget(POD);
    expect(vi.getTimerCount()).toBe(1);
    finish(true);
    await at(60_000);
    expect(onChange).toHaveBeenCalledTimes(1); // only default/other's
    expect(onChange).toHaveBeenCalledWith('default/other');
    expect(probes.readiness(POD, 'web')).toBeUndefined();
    expect(run.mock.calls.filter(([pod]) => pod === POD)).toHaveLength(1);

    probes.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(probes.activeLoops).toBe(0);
    probes.sync(POD, group({ name: 'web', readinessProbe: ready() })); // stopped: ignored
    expect(vi.getTimerCount()).toBe(0);
    await at(120_000);
    expect(run).toHaveBeenCalledTimes(8); // POD once, default/other at 0, 10, …, 60 s
  });

  it('uses the injected timer functions', async () => {
    const timers = new Map<number, { callback: () => void; ms: number }>();
    let next = 1;
    const setTimer = vi.fn((callback: () => void, ms: number) => {
      timers.set(next, { callback, ms });
      return next++;
    });
    const clearTimer = vi.fn((handle: unknown) => timers.delete(handle as number));
    let clock = T0 + 2_000;
    const probes = new ProbeManager({
      run: async () => true,
      onChange: vi.fn(),
      onLivenessFailure: vi.fn(),
      now: () => clock,
      setTimer,
      clearTimer,
    });
    probes.sync(
      POD,
      group({ name: 'web', readinessProbe: ready({ initialDelaySeconds: 5, periodSeconds: 7 }) }),
    );
    expect(setTimer).toHaveBeenCalledTimes(1);
    expect(setTimer.mock.calls[0]?.[1]).toBe(3_000); // started 2 s ago, 5 s delay
    clock = T0 + 5_000;
    timers.get(1)?.callback();
    timers.delete(1);
    await vi.waitFor(() => expect(setTimer).toHaveBeenCalledTimes(2));
    expect(setTimer.mock.calls[1]?.[1]).toBe(7_000);
    expect(probes.readiness(POD, 'web')).toBe(true);
    probes.forget(POD);
    expect(clearTimer).toHaveBeenCalledWith(2);
    expect(timers.size).toBe(0);
  });
});

describe('runProbe: exec', () => {
  const target = (exec: (command: string[]) => Promise<number>) => ({ exec, timeoutMs: 100 });

  it('succeeds on exit code 0 only, running the probe’s command', async () => {
    const exec = vi.fn(async (command: string[]) => (command[1] === 'ok' ? 0 : 1));
    expect(await runProbe({ exec: { command: ['check', 'ok'] } }, target(exec))).toBe(true);
    expect(await runProbe({ exec: { command: ['check', 'bad'] } }, target(exec))).toBe(false);
    expect(exec).toHaveBeenCalledWith(['check', 'ok']);
  });

  it('fails when the command outlasts the timeout; timeoutSeconds overrides the default', async () => {
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(0), 300));
    expect(await runProbe({ exec: { command: ['sleep'] } }, target(slow))).toBe(false);
    expect(await runProbe({ exec: { command: ['sleep'] }, timeoutSeconds: 1 }, target(slow))).toBe(true);
    expect(probeTimeoutMs({ timeoutSeconds: 4 })).toBe(4_000);
    expect(probeTimeoutMs({})).toBe(1_000);
  });

  it('rejects when the command cannot be run at all', async () => {
    const broken = async () => {
      throw new Error('container not running');
    };
    await expect(runProbe({ exec: { command: ['x'] } }, target(broken))).rejects.toThrow(
      'container not running',
    );
    await expect(
      runProbe(
        {},
        target(async () => 0),
      ),
    ).rejects.toThrow('neither exec nor httpGet');
  });
});

describe('runProbe: httpGet', () => {
  let server: http.Server;
  let port: number;
  let tlsServer: https.Server;
  let tlsPort: number;
  const seen: http.IncomingHttpHeaders[] = [];
  const sockets = new Set<Duplex>();

  const handler: http.RequestListener = (req, res) => {
    seen.push(req.headers);
    const redirect = (location: string, status = 302) => res.writeHead(status, { location }).end();
    switch (req.url) {
      case '/ok':
        return res.writeHead(200).end('ok');
      case '/healthz?full=1':
        return res.writeHead(204).end();
      case '/bad':
        return res.writeHead(500).end('bad');
      case '/missing':
        return res.writeHead(404).end();
      case '/not-modified':
        return res.writeHead(304).end();
      case '/to-ok':
        return redirect('/ok');
      case '/to-bad':
        return redirect('/bad', 307);
      case '/elsewhere':
        return redirect('http://probe-target.invalid/ok', 301);
      case '/loop':
        return redirect('/loop');
      case '/headers':
        return res.writeHead(req.headers['x-token'] === 'secret' ? 200 : 403).end();
      case '/slow':
        return void setTimeout(() => res.writeHead(200).end(), 1_000);
      case '/stalled-body':
        res.writeHead(200);
        return void res.write('partial'); // never ends
      default:
        return res.writeHead(404).end();
    }
  };

  beforeAll(async () => {
    server = http.createServer(handler);
    server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;

    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=probe-test',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 3600_000),
      signingAlgorithm: alg,
      keys,
    });
    const key = x509.PemConverter.encode(
      await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
      'PRIVATE KEY',
    );
    tlsServer = https.createServer({ cert: cert.toString('pem'), key }, handler);
    tlsServer.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    tlsPort = (tlsServer.address() as AddressInfo).port;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => tlsServer.close(resolve));
  });

  const probe = (
    path: string,
    extra: Partial<NonNullable<ContainerProbe['httpGet']>> = {},
  ): ContainerProbe => ({
    httpGet: { path, port, ...extra },
  });
  const target = { exec: async () => 0, podIP: '127.0.0.1', timeoutMs: 300 };

  it('succeeds on 2xx, fails on 4xx and 5xx', async () => {
    expect(await runProbe(probe('/ok'), target)).toBe(true);
    expect(await runProbe(probe('/healthz?full=1'), target)).toBe(true);
    expect(await runProbe(probe('/bad'), target)).toBe(false);
    expect(await runProbe(probe('/missing'), target)).toBe(false);
  });

  it('sends the kubelet’s headers and the probe’s own', async () => {
    seen.length = 0;
    const withToken = probe('/headers', { httpHeaders: [{ name: 'X-Token', value: 'secret' }] });
    expect(await runProbe(withToken, { ...target, userAgent: 'kube-probe/1.33' })).toBe(true);
    expect(seen[0]?.['user-agent']).toBe('kube-probe/1.33');
    expect(seen[0]?.accept).toBe('*/*');
    expect(seen[0]?.host).toBe(`127.0.0.1:${port}`);
    expect(await runProbe(probe('/headers'), target)).toBe(false);
    const override = probe('/ok', { httpHeaders: [{ name: 'User-Agent', value: 'custom' }] });
    expect(await runProbe(override, target)).toBe(true);
    expect(seen.at(-1)?.['user-agent']).toBe('custom');
  });

  it('follows same-host redirects and judges the final response; other 3xx count as success', async () => {
    expect(await runProbe(probe('/to-ok'), target)).toBe(true);
    expect(await runProbe(probe('/to-bad'), target)).toBe(false);
    expect(await runProbe(probe('/not-modified'), target)).toBe(true);
    // Another host is not followed (the .invalid host could not even be resolved): its 301 counts.
    expect(await runProbe(probe('/elsewhere'), target)).toBe(true);
    seen.length = 0;
    expect(await runProbe(probe('/loop'), target)).toBe(false); // stops after 10 redirects
    expect(seen).toHaveLength(10);
  });

  it('fails on a timeout, a stalled body, a refused connection or without a pod IP', async () => {
    expect(await runProbe(probe('/slow'), target)).toBe(false);
    expect(await runProbe(probe('/stalled-body'), target)).toBe(false);
    expect(await runProbe({ ...probe('/slow'), timeoutSeconds: 2 }, target), 'timeoutSeconds wins').toBe(
      true,
    );

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await runProbe(probe('/ok', { port: closedPort }), target)).toBe(false);
    expect(await runProbe(probe('/ok'), { ...target, podIP: undefined })).toBe(false);
  });

  it('speaks HTTPS without verifying the certificate, as the kubelet', async () => {
    expect(await runProbe(probe('/ok', { port: tlsPort, scheme: 'https' }), target)).toBe(true);
    expect(await runProbe(probe('/ok', { port: tlsPort, scheme: 'HTTPS' }), target)).toBe(true);
    expect(await runProbe(probe('/bad', { port: tlsPort, scheme: 'https' }), target)).toBe(false);
    // Plain HTTP against the TLS port gets no HTTP answer.
    expect(await runProbe(probe('/ok', { port: tlsPort }), target)).toBe(false);
  });
});

describe('applyReadiness', () => {
  const NOW = new Date('2025-01-01T01:00:00Z');
  const EARLIER = new Date('2025-01-01T00:10:00Z');
  const STARTED = new Date('2025-01-01T00:05:00Z');

  const cond = (type: string, status: string, extra: Partial<V1PodCondition> = {}): V1PodCondition => ({
    type,
    status,
    observedGeneration: 1,
    lastTransitionTime: STARTED,
    ...extra,
  });
  const running = (name: string, isReady = true) => ({
    name,
    ready: isReady,
    restartCount: 0,
    image: 'nginx',
    imageID: '',
    started: true,
    state: { running: { startedAt: STARTED } },
  });
  const allReady = (): V1PodStatus => ({
    phase: 'Running',
    conditions: [
      cond('PodReadyToStartContainers', 'True'),
      cond('Initialized', 'True'),
      cond('Ready', 'True'),
      cond('ContainersReady', 'True'),
      { type: 'PodScheduled', status: 'True', lastTransitionTime: STARTED },
    ],
    containerStatuses: [running('a'), running('b'), running('c')],
  });
  const find = (s: V1PodStatus, type: string) => s.conditions?.find((c) => c.type === type);

  it('keeps an all-ready status as it is, and never mutates its input', () => {
    const status = allReady();
    const copy = structuredClone(status);
    const result = applyReadiness(status, (name) => (name === 'a' ? true : undefined), NOW);
    expect(result).toEqual(copy);
    expect(result).not.toBe(status);

    applyReadiness(status, () => false, NOW);
    expect(status).toEqual(copy);
  });

  it('marks probe-unready containers and sets ContainersReady and Ready False the kubelet’s way', () => {
    const result = applyReadiness(allReady(), (name) => name === 'b', NOW);
    expect(result.containerStatuses?.map((s) => [s.name, s.ready])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
    ]);
    const expected = {
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [a c]',
      observedGeneration: 1,
      lastTransitionTime: NOW,
    };
    expect(find(result, 'ContainersReady')).toEqual({ type: 'ContainersReady', ...expected });
    expect(find(result, 'Ready')).toEqual({ type: 'Ready', ...expected });
    expect(find(result, 'Initialized')).toEqual(cond('Initialized', 'True'));
    expect(result.conditions?.map((c) => c.type)).toEqual(allReady().conditions?.map((c) => c.type));
    expect(result.phase).toBe('Running');
  });

  it('keeps the previous transition time while the pod stays unready (no new patch every resync)', () => {
    const previous = applyReadiness(allReady(), (name) => name !== 'a', EARLIER);
    const again = applyReadiness(allReady(), (name) => name !== 'a', NOW, previous);
    expect(find(again, 'Ready')?.lastTransitionTime).toEqual(EARLIER);
    expect(find(again, 'ContainersReady')?.lastTransitionTime).toEqual(EARLIER);
    expect(JSON.stringify(again)).toBe(JSON.stringify(previous));
  });

  it('dates Ready from now when a probe succeeds after the container started', () => {
    const previous = applyReadiness(allReady(), (name) => name !== 'a', EARLIER);
    const nowReady = applyReadiness(allReady(), () => true, NOW, previous);
    expect(find(nowReady, 'Ready')).toEqual(cond('Ready', 'True', { lastTransitionTime: NOW }));
    expect(find(nowReady, 'ContainersReady')?.lastTransitionTime).toEqual(NOW);
    // A transition given a time after the previous one (a restart) keeps it.
    const restarted = allReady();
    const later = new Date('2025-01-01T00:20:00Z');
    for (const c of restarted.conditions ?? []) c.lastTransitionTime = later;
    expect(
      find(
        applyReadiness(restarted, () => true, NOW, previous),
        'Ready',
      )?.lastTransitionTime,
    ).toEqual(later);
  });

  it('adds to a message that is already False and keeps its time; unknown containers stay listed first', () => {
    const status = allReady();
    status.containerStatuses = [running('a'), running('b', false), running('x', false)];
    const notReady = {
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unknown status: [x], containers with unready status: [b]',
      lastTransitionTime: EARLIER,
    };
    status.conditions = [cond('Ready', 'False', notReady), cond('ContainersReady', 'False', notReady)];
    const result = applyReadiness(status, (name) => name !== 'a', NOW);
    const message = 'containers with unknown status: [x], containers with unready status: [a b]';
    expect(find(result, 'ContainersReady')).toEqual(
      cond('ContainersReady', 'False', { ...notReady, message }),
    );
    expect(find(result, 'Ready')).toEqual(cond('Ready', 'False', { ...notReady, message }));
  });

  it('replaces a readiness-gate Ready=False by ContainersNotReady, keeping its time', () => {
    const status = allReady();
    const gate = {
      reason: 'ReadinessGatesNotReady',
      message: 'corresponding condition …',
      lastTransitionTime: EARLIER,
    };
    status.conditions = [cond('Ready', 'False', gate), cond('ContainersReady', 'True')];
    const result = applyReadiness(status, (name) => name !== 'c', NOW);
    expect(find(result, 'Ready')).toEqual(
      cond('Ready', 'False', {
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [c]',
        lastTransitionTime: EARLIER,
      }),
    );
    expect(find(result, 'ContainersReady')?.lastTransitionTime).toEqual(NOW);
  });

  it('leaves the conditions of a completed pod alone', () => {
    const status = allReady();
    status.phase = 'Succeeded';
    status.conditions = [
      cond('Ready', 'False', { reason: 'PodCompleted' }),
      cond('ContainersReady', 'False', { reason: 'PodCompleted' }),
    ];
    const result = applyReadiness(status, () => false, NOW);
    expect(result.conditions).toEqual(status.conditions);
  });

  it('works on what podStatusFromGroup reports', () => {
    const pod: V1Pod = {
      metadata: { name: 'web', namespace: 'default', uid: 'u1', creationTimestamp: EARLIER },
      spec: {
        containers: [{ name: 'web', image: 'nginx', readinessProbe: { exec: { command: ['ready'] } } }],
      },
    };
    const status = podStatusFromGroup(pod, group({ name: 'web', startTime: STARTED.getTime() }), NOW);
    expect(find(status, 'Ready')?.status).toBe('True'); // running counts as ready…
    const result = applyReadiness(status, () => false, NOW, pod.status);
    expect(result.containerStatuses?.[0]?.ready).toBe(false); // …until the probe says otherwise
    expect(find(result, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
      lastTransitionTime: NOW,
    });
    expect(find(result, 'PodScheduled')).toEqual(find(status, 'PodScheduled'));
  });
});
