// The aci backend end to end, offline: the real CLI bundle, @azure/arm-containerinstance and
// @azure/identity against the ACI emulator (running as a container on the engine, its CA trusted
// through NODE_EXTRA_CA_CERTS), real Kubernetes, real kubectl, a real Azurite for the Blob store.
// Every request and response of these runs is checked against the swagger by the emulator.
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { KUBECTL, cliProcess, eventually, kubectl } from './harness.js';
import { ofGroup, startTarget, type Emulator, type Target } from './target.js';

let t: Target;
let e: Emulator;

const TESTWEB = 'localhost/frankenetes/testweb:1';

beforeAll(async () => {
  t = await startTarget('show', 'aci');
  e = t.emulator as Emulator;
});

afterAll(async () => {
  try {
    expect(await e.violations()).toEqual({ responses: [], requests: [] });
  } finally {
    await t.stop();
  }
});

async function up(name: string, extra: string[] = []) {
  return await t.cli(['up', '--name', name, ...t.upArgs, ...extra]);
}

function expectOneErrorLine(run: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
  expect(run.code).not.toBe(0);
  expect(run.stdout).toBe('');
  const errors = run.stderr.split('\n').filter((l) => l.startsWith('frankenetes: error:'));
  expect(errors, run.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
}

/** Nothing of the cluster is left: no group in the emulator, no engine object it made for one. */
async function expectNothingOf(cluster: string) {
  const mine = (names: string[]) => names.filter((n) => n.startsWith(`${cluster}-`));
  expect(mine(await e.groupNames())).toEqual([]);
  const engineGroups = (await e.engineContainers()).map((c) => c.Labels['frankenetes.emulator.id'] ?? '');
  expect(engineGroups.filter((id) => id.split('/').pop()?.startsWith(`${cluster}-`))).toEqual([]);
  const volumes = (await e.engineVolumes()).map((v) => v.Labels['frankenetes.emulator.id'] ?? '');
  expect(volumes.filter((id) => id.split('/').pop()?.startsWith(`${cluster}-`))).toEqual([]);
}

/** GET http://<fqdn>:<port>/ through the emulator's edge proxy, as the internet would reach it. */
function viaEdge(fqdn: string, port: number): Promise<string> {
  const edge = new URL(e.edgeUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: edge.hostname, port: edge.port, method: 'CONNECT', path: `${fqdn}:${port}` });
    req.on('connect', (res, socket) => {
      if (res.statusCode !== 200) return reject(new Error(`CONNECT ${res.statusCode}`));
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('end', () => resolve(text));
      socket.write(`GET / HTTP/1.1\r\nHost: ${fqdn}\r\nConnection: close\r\n\r\n`);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a cluster on ACI (the emulator)', () => {
  const C = 'show';
  let kc = '';
  const k = (...args: string[]) => kubectl(kc, args);

  beforeAll(async () => {
    const run = await up(C);
    expect(run.stderr).toContain(`cluster "${C}" (Kubernetes v1.37.2, aci) ready`);
    expect(run.code).toBe(0);
    kc = run.stdout.trim();
  });

  it('serves a ready API at its ACI FQDN, with a certificate for that name', async () => {
    expect((await k('get', '--raw', '/readyz')).stdout).toBe('ok');
    const config = (await k('config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.server}'))
      .stdout;
    expect(config).toBe(`https://${C}.westeurope.azurecontainer.io:6443`);
  });

  it("runs the agent with the group's managed identity, pulling the published agent image", async () => {
    const engine = await e.engineContainers();
    const agent = ofGroup(engine, `${C}-control-plane`).find(
      (c) => c.Labels['frankenetes.container'] === 'frankenetes-agent',
    );
    expect(agent).toBeDefined();
    const env = (await (await import('./harness.js')).docker.getContainer(agent?.Id ?? '').inspect()).Config
      .Env;
    expect(env).toEqual(
      expect.arrayContaining(['FRANKENETES_BACKEND=aci', 'FRANKENETES_MANAGED_IDENTITY=system']),
    );
    expect(env.some((v) => v.startsWith('IDENTITY_ENDPOINT='))).toBe(true);
    // No secret of any service principal: the managed identity is its only way in.
    expect(env.some((v) => v.startsWith('AZURE_CLIENT_SECRET='))).toBe(false);
    // ghcr.io/frankenetes/agent:<version>, resolved by the emulator to the local build.
    expect(agent?.Image).toBe('localhost/frankenetes/agent:0.1.0');
  });

  it('runs `kubectl run web --port 80` as a container group the agent makes through ARM', async () => {
    expect((await k('run', 'web', `--image=${TESTWEB}`, '--port', '80')).code).toBe(0);
    await eventually(
      async () =>
        expect(JSON.parse((await k('get', 'pod', 'web', '-o', 'json')).stdout).status.phase).toBe('Running'),
      { timeoutMs: 90_000 },
    );
    expect(await e.groupNames()).toEqual([`${C}-control-plane`, `${C}-default-web`]);
    // Public IP and DNS label: reachable by its FQDN through the emulator's edge.
    expect(await viaEdge(`${C}-default-web.westeurope.azurecontainer.io`, 80)).toContain(
      'frankenetes testweb',
    );
  });

  it('streams logs with -f', async () => {
    expect((await k('logs', 'web')).stdout).toContain('testweb listening on :80');
    const follow = spawn(KUBECTL, ['logs', '-f', 'web'], { env: { ...process.env, KUBECONFIG: kc } });
    let streamed = '';
    follow.stdout.on('data', (d) => (streamed += d));
    try {
      await eventually(() => expect(streamed).toContain('listening'), { timeoutMs: 15_000 });
      expect((await k('exec', 'web', '--', 'sh', '-c', 'echo streamed-line-check > /proc/1/fd/1')).code).toBe(
        0,
      );
      await eventually(() => expect(streamed).toContain('streamed-line-check'), { timeoutMs: 15_000 });
      expect(streamed.match(/testweb listening/g)).toHaveLength(1); // each line once
    } finally {
      follow.kill();
    }
  });

  it('passes exec arguments unjoined, with stdin and the exit code', async () => {
    const args = await k('exec', 'web', '--', 'sh', '-c', 'printf "[%s]" "$@"', 'zero', 'a  b', "it's");
    expect(args.stdout).toBe("[a  b][it's]");
    const stdin = await kubectl(
      kc,
      ['exec', '-i', 'web', '--', 'sh', '-c', 'tr a-z A-Z'],
      'hello from stdin\n',
    );
    expect(stdin.stdout).toBe('HELLO FROM STDIN\n');
    expect((await k('exec', 'web', '--', 'sh', '-c', 'exit 3')).code).toBe(3);
  });

  it('runs an interactive TTY session with exec -it, with the terminal size', () => {
    const session = spawnSync(
      'script',
      [
        '-qec',
        `stty rows 33 cols 111; ${KUBECTL} exec -it web -- sh -c 'tty; stty size; exit 4'`,
        '/dev/null',
      ],
      { encoding: 'utf8', env: { ...process.env, KUBECONFIG: kc }, timeout: 30_000 },
    );
    expect(session.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(session.stdout).toContain('33 111');
    expect(session.status).toBe(4);
  });

  it('shows each group with its cost so far, and the total', async () => {
    const text = (await t.cli(['status', '--name', C])).stdout;
    expect(text).toMatch(
      new RegExp(
        `${C}-control-plane  Running  ${C}\\.westeurope\\.azurecontainer\\.io  \\$[\\d.]+ \\(2 vCPU, 1\\.7 GB, \\d+ s\\)`,
      ),
    );
    expect(text).toMatch(/cost so far: \$[\d.]+ \(ACI pay-as-you-go rates/);
    const json = JSON.parse((await t.cli(['status', '--name', C, '--json'])).stdout);
    expect(json.cost.groups.map((g: { name: string }) => g.name).sort()).toEqual([
      `${C}-control-plane`,
      `${C}-default-web`,
    ]);
    expect(json.cost.total).toBeGreaterThan(0);
  });

  it('pause on aci with a local state store is refused: one line, and the cluster keeps running untouched', async () => {
    const before = (await e.groupNames()).sort();
    const pause = await t.cli(['pause', '--name', C]);
    expect(pause.code).not.toBe(0);
    expect(pause.stderr.trim().split('\n')).toHaveLength(1);
    expect(pause.stderr).toContain(
      'reads its snapshot from a Blob state store (--state https://…) with its managed identity; nothing was removed',
    );
    expect((await e.groupNames()).sort()).toEqual(before);
    expect((await k('get', '--raw', '/readyz')).stdout).toBe('ok');
    expect(JSON.parse((await t.cli(['status', '--name', C, '--json'])).stdout).phase).toBe('Running');
  });

  it('down leaves no group in the emulator and no object on the engine', async () => {
    const down = await t.cli(['down', '--name', C]);
    expect(down.stderr).toContain(`cluster "${C}" removed`);
    expect(down.code).toBe(0);
    await expectNothingOf(C);
    expect((await t.cli(['list'])).stdout).not.toContain(C);
  });
});

describe('faults injected into ARM', () => {
  it('up gets through a 409, a 429 with Retry-After and three 500s', async () => {
    const C = 'flaky';
    const path = `/containerGroups/${C}-control-plane$`;
    await e.addFaults([
      { kind: 'error', count: 1, status: 409, code: 'ContainerGroupTransitioning', method: 'PUT', path },
      { kind: 'throttle', count: 1, retryAfterSeconds: 2, method: 'GET', path },
      { kind: 'error', count: 3, status: 500, method: 'PUT', path },
    ]);
    const run = await up(C);
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect((await e.admin<{ faults: unknown[] }>('GET', '/emulator/faults')).faults).toEqual([]);
    expect((await kubectl(run.stdout.trim(), ['get', '--raw', '/readyz'])).stdout).toBe('ok');
    // down gets through three 500s and a failed deletion.
    await e.addFaults([
      { kind: 'error', count: 3, status: 500, method: 'DELETE', path },
      { kind: 'failOperation', group: `${C}-control-plane`, operation: 'delete' },
    ]);
    const down = await t.cli(['down', '--name', C]);
    expect(down.stderr).not.toContain('error');
    expect(down.code).toBe(0);
    expect((await e.admin<{ faults: unknown[] }>('GET', '/emulator/faults')).faults).toEqual([]);
    await expectNothingOf(C);
  });

  it('a failed long-running create fails up with one line and leaves nothing', async () => {
    const C = 'doomed';
    await e.addFaults([
      {
        kind: 'failOperation',
        group: `${C}-control-plane`,
        operation: 'create',
        message: 'No capacity today.',
      },
    ]);
    expectOneErrorLine(
      await up(C),
      /creating container group doomed-control-plane in rg-show: .*No capacity today\./,
    );
    await expectNothingOf(C);
    expect((await t.cli(['list'])).stdout).not.toContain(C);
  });

  it('a control plane that dies during up fails it at once, with one line, and leaves nothing', async () => {
    const C = 'mortal';
    await e.addFaults([{ kind: 'dieAfterStart', group: `${C}-control-plane`, afterMs: 1500 }]);
    const started = Date.now();
    expectOneErrorLine(await up(C), /the control-plane group mortal-control-plane is Stopped/);
    expect(Date.now() - started).toBeLessThan(120_000);
    await expectNothingOf(C);
  });
});

describe('the Blob state store (Azurite)', () => {
  let azurite: Azurite;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite.stop();
  });

  it('two concurrent ups of one cluster: one waits on the lease, both converge to one cluster', async () => {
    const C = 'twice';
    const state = `${azurite.accountUrl}/frankenetes-e2e`;
    const runs = [0, 1].map(() => {
      const child = cliProcess(['up', '--name', C, '--state', state, ...t.upArgs], t.env);
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.on('data', (d) => (stdout += d));
      return new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) =>
        child.once('exit', (code) => resolve({ code, stderr, stdout })),
      );
    });
    const [a, b] = await Promise.all(runs);
    expect(a?.code, a?.stderr).toBe(0);
    expect(b?.code, b?.stderr).toBe(0);
    const waited = [a, b].filter((r) =>
      r?.stderr.includes("waiting for the cluster's lock, held by frankenetes up"),
    );
    expect(waited).toHaveLength(1);
    expect((await e.groupNames()).filter((n) => n.startsWith(`${C}-`))).toEqual([`${C}-control-plane`]);
    expect(a?.stdout).toBe(b?.stdout);
    expect((await kubectl(a?.stdout.trim() ?? '', ['get', '--raw', '/readyz'])).stdout).toBe('ok');
    const down = await t.cli(['down', '--name', C, '--state', state]);
    expect(down.code, down.stderr).toBe(0);
    await expectNothingOf(C);
    expect((await t.cli(['list', '--state', state])).stdout).not.toContain(C);
  });
});

it('validated every request and response of these runs against the swagger', async () => {
  expect(await e.violations()).toEqual({ responses: [], requests: [] });
});
