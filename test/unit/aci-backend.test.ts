// The pure parts of the ACI backend: limits, the wire body, update rules, error mapping, exec
// wrapping and log following.
import type { ContainerGroup } from '@azure/arm-containerinstance';
import { RestError } from '@azure/core-rest-pipeline';
import { AuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { WrappedOutput, shellQuote, wrapperLine } from '../../src/core/backends/aci-exec.js';
import { LogCursor, parseLogLine, selectLines, splitLog } from '../../src/core/backends/aci-logs.js';
import {
  DEFINITION_HASH_TAG,
  aciLimitProblems,
  describeAzureError,
  recreateReason,
  toAciGroup,
} from '../../src/core/backends/aci-model.js';
import type { PlannedGroup } from '../../src/core/plan.js';

const group = (overrides: Partial<PlannedGroup> = {}): PlannedGroup => ({
  name: 'demo-default-web',
  location: 'westeurope',
  osType: 'Linux',
  restartPolicy: 'Always',
  tags: { 'frankenetes.cluster': 'demo' },
  containers: [
    {
      name: 'web',
      image: 'localhost/frankenetes/testweb:1',
      ports: [{ port: 80, protocol: 'TCP' }],
      resources: { requests: { cpu: 0.5, memoryInGB: 0.5 } },
    },
  ],
  ipAddress: { type: 'Public', ports: [{ port: 80, protocol: 'TCP' }], dnsNameLabel: 'demo-default-web' },
  ...overrides,
});

const container = (name: string, cpu = 0.1, memoryInGB = 0.1) => ({
  name,
  image: 'x',
  resources: { requests: { cpu, memoryInGB } },
});

describe('ACI limits, checked before any request', () => {
  it('accepts a group within every limit', () => {
    expect(aciLimitProblems(group())).toEqual([]);
  });

  it('names each limit a group breaks', () => {
    const problems = aciLimitProblems(
      group({
        name: 'Bad_Name',
        containers: [container('a', 3, 10), container('b', 1.5, 7)],
        volumes: Array.from({ length: 21 }, (_, i) => ({ name: `v${i}`, emptyDir: {} })),
        ipAddress: { type: 'Public', ports: [1, 2, 3, 4, 5, 6].map((port) => ({ port })) },
      }),
    );
    expect(problems).toEqual([
      'container group name "Bad_Name" must be 1-63 lowercase letters, digits and "-", starting and ending with a letter or digit',
      'its containers request 4.5 vCPU; ACI allows at most 4 per group',
      'its containers request 17 GB; ACI allows at most 16 GB per group',
      'it has 21 volumes; ACI allows at most 20 per group',
      'it exposes 6 ports; ACI allows at most 5 per IP address',
    ]);
  });

  it('counts init containers against the 60 containers, and checks every name', () => {
    const many = group({
      containers: Array.from({ length: 50 }, (_, i) => container(`c${i}`, 0.01, 0.01)),
      initContainers: Array.from({ length: 11 }, (_, i) => ({ name: `i${i}`, image: 'x' })),
    });
    expect(aciLimitProblems(many)).toEqual(['it has 61 containers; ACI allows at most 60 per group']);
    expect(aciLimitProblems(group({ name: `a${'b'.repeat(63)}` }))[0]).toMatch(/must be 1-63/);
    expect(aciLimitProblems(group({ containers: [container('-web')] }))[0]).toMatch(/container name "-web"/);
  });

  it('accepts exactly 4 vCPU and 16 GB', () => {
    const full = group({ containers: [container('a', 2.5, 8), container('b', 1.5, 8)] });
    expect(aciLimitProblems(full)).toEqual([]);
  });
});

describe('the body sent to ACI', () => {
  it('leaves out the local part and the name, and carries the definition hash as a tag', () => {
    const planned = group({ local: { hostPorts: { 80: 8080 } } });
    const body = toAciGroup(planned);
    expect(body).not.toHaveProperty('local');
    expect(body).not.toHaveProperty('name');
    expect(body.tags?.['frankenetes.cluster']).toBe('demo');
    expect(body.tags?.[DEFINITION_HASH_TAG]).toMatch(/^[0-9a-f]{64}$/);
    expect(toAciGroup(group()).tags?.[DEFINITION_HASH_TAG]).toBe(body.tags?.[DEFINITION_HASH_TAG]);
  });

  it('changes the hash with any change, secrets included (ACI never returns them)', () => {
    const hash = (g: PlannedGroup) => toAciGroup(g).tags?.[DEFINITION_HASH_TAG];
    const base = group({ volumes: [{ name: 's', secret: { key: 'YQ==' } }] });
    expect(hash(group({ volumes: [{ name: 's', secret: { key: 'Yg==' } }] }))).not.toBe(hash(base));
  });

  it('runs args as the command where a container keeps its entrypoint (ACI has command only)', () => {
    const body = toAciGroup(group({ local: { args: { web: ['sh', '-c', 'echo hi'] } } }));
    expect(body.containers[0]?.command).toEqual(['sh', '-c', 'echo hi']);
    const kept = toAciGroup(
      group({
        containers: [{ ...container('web'), command: ['httpd'] }],
        local: { args: { web: ['-f'] } },
      }),
    );
    expect(kept.containers[0]?.command).toEqual(['httpd']);
  });
});

describe('delete and recreate, as ACI requires', () => {
  const existing = (overrides: Partial<ContainerGroup> = {}): ContainerGroup => ({
    ...toAciGroup(group()),
    location: 'West Europe',
    ...overrides,
  });

  it('updates in place what ACI updates in place (environment, image, tags)', () => {
    const next = toAciGroup(
      group({
        containers: [
          { ...group().containers[0]!, image: 'other:2', environmentVariables: [{ name: 'A', value: '1' }] },
        ],
      }),
    );
    expect(recreateReason(existing(), next)).toBeUndefined();
  });

  it.each([
    ['CPU', { containers: [container('web', 1, 0.5)] }, 'the resources of container web change'],
    ['memory', { containers: [container('web', 0.5, 1)] }, 'the resources of container web change'],
    ['OS', { osType: 'Windows' as const }, 'its OS type changes from Linux to Windows'],
    [
      'restart policy',
      { restartPolicy: 'Never' as const },
      'its restart policy changes from Always to Never',
    ],
    ['ports', { ipAddress: { type: 'Public' as const, ports: [{ port: 81 }] } }, 'its exposed ports change'],
    ['region', { location: 'eastus' }, 'its location changes from West Europe to eastus'],
  ])('recreates on a change of %s', (_what, change, reason) => {
    const g = group(change as Partial<PlannedGroup>);
    const desired = toAciGroup({
      ...g,
      containers: g.containers.map((c) => ({ ...c, ports: c.ports ?? [{ port: 80, protocol: 'TCP' }] })),
    });
    if ('containers' in change) desired.containers[0]!.ports = [{ port: 80, protocol: 'TCP' }];
    expect(recreateReason(existing(), desired)).toBe(reason);
  });
});

describe('Azure errors in one line', () => {
  const rest = (statusCode: number, code: string, message: string) =>
    new RestError(message, { statusCode, code, request: undefined });

  it('says what ARM said, with its code', () => {
    expect(describeAzureError(rest(400, 'InvalidContainerGroupUpdate', 'The updates are invalid.'))).toEqual({
      kind: 'invalid',
      message: 'InvalidContainerGroupUpdate: The updates are invalid.',
    });
    expect(describeAzureError(rest(409, 'ContainerGroupTransitioning', 'still transitioning'))).toEqual({
      kind: 'conflict',
      message: 'ContainerGroupTransitioning: still transitioning',
    });
    expect(describeAzureError(rest(404, 'ResourceNotFound', 'not found')).kind).toBe('not-found');
    expect(describeAzureError(rest(429, 'SubscriptionRequestsThrottled', 'slow down'))).toEqual({
      kind: 'throttled',
      message: 'Azure throttled the requests (SubscriptionRequestsThrottled: slow down)',
    });
  });

  it('tells sign-in and permission problems apart', () => {
    expect(describeAzureError(rest(401, 'InvalidAuthenticationToken', 'bad token'))).toEqual({
      kind: 'sign-in',
      message: 'Azure refused the credential (InvalidAuthenticationToken: bad token)',
    });
    expect(describeAzureError(rest(403, 'AuthorizationFailed', 'no write')).message).toBe(
      'the identity lacks permission (AuthorizationFailed: no write)',
    );
    expect(
      describeAzureError(new CredentialUnavailableError('EnvironmentCredential is unavailable')),
    ).toEqual({
      kind: 'sign-in',
      message: 'no Azure credential is available (EnvironmentCredential is unavailable)',
    });
    const failed = new AuthenticationError(400, {
      error: 'invalid_client',
      error_description: 'AADSTS7000215: bad secret\nTrace',
    });
    expect(describeAzureError(failed).kind).toBe('sign-in');
    expect(describeAzureError(failed).message).toMatch(/^signing in to Azure failed \(invalid_client/);
    expect(describeAzureError(failed).message).not.toContain('\n');
  });

  it('names the endpoint that cannot be reached', () => {
    const e = new RestError('connect ECONNREFUSED 127.0.0.1:1', {
      code: 'REQUEST_SEND_ERROR',
      request: { url: 'https://127.0.0.1:1/subscriptions/x?api-version=1' } as never,
    });
    expect(describeAzureError(e)).toEqual({
      kind: 'unreachable',
      message: 'https://127.0.0.1:1 is not reachable (connect ECONNREFUSED 127.0.0.1:1)',
    });
  });

  it('unwraps a failed long-running operation', () => {
    const e = new Error('The long-running operation has failed. InternalServerError. injected');
    expect(describeAzureError(e)).toEqual({ kind: 'failed', message: 'InternalServerError. injected' });
  });
});

/**
 * Runs a wrapper line in a real shell, as ACI's /bin/sh would read it; stdin is the command's
 * (on ACI the terminal hands the shell one line, and the input waits for the start marker).
 */
function runInShell(line: string, input = ''): Buffer {
  return spawnSync('/bin/sh', ['-c', line], { input }).stdout;
}

describe('exec through /bin/sh: the real argv, an exit code', () => {
  it('quotes every argument so that the shell passes it on unchanged', () => {
    for (const arg of ["it's", 'a b', '$HOME', '`id`', '"q"', '\\', '*', '', 'line\nbreak'])
      expect(runInShell(`printf '%s' ${shellQuote(arg)}\n`).toString()).toBe(arg);
  });

  it('runs argv and reports its exit code between markers', () => {
    const line = wrapperLine(['sh', '-c', 'echo "a  b" $0; exit 3', 'zero'], {
      nonce: 'n0',
      tty: false,
      stdin: false,
    });
    const out = new WrappedOutput('n0');
    const passed = out.push(Buffer.concat([Buffer.from('/ # echo of the line\r\n'), runInShell(line)]));
    expect(passed.toString()).toBe('a  b zero\n');
    expect(out.exitCode).toBe(3);
    expect(out.before).toBe('/ # echo of the line\r\n');
  });

  it('gives stdin to the command when asked, and /dev/null otherwise', () => {
    const withInput = wrapperLine(['tr', 'a-z', 'A-Z'], { nonce: 'n1', tty: false, stdin: true });
    const out = new WrappedOutput('n1');
    expect(out.push(runInShell(withInput, 'hello\n')).toString()).toBe('HELLO\n');
    expect(out.exitCode).toBe(0);
    expect(wrapperLine(['cat'], { nonce: 'n2', tty: false, stdin: false })).toContain("'cat' </dev/null;");
  });

  it('sets the terminal size and leaves a TTY as it is', () => {
    const line = wrapperLine(['sh'], { nonce: 'n3', tty: true, stdin: true, size: { cols: 111, rows: 33 } });
    expect(line).toMatch(/^stty rows 33 cols 111 2>\/dev\/null; printf/);
    expect(line).not.toContain('-echo');
    expect(wrapperLine(['sh'], { nonce: 'n3', tty: false, stdin: true })).toMatch(/^stty -echo -onlcr/);
  });

  it('finds markers split across chunks and passes other 0x01 bytes through', () => {
    const out = new WrappedOutput('abc');
    const stream = Buffer.from('prompt\x01abc\x02x\x01y\x01ab\x01abc:4\x02after');
    const passed: Buffer[] = [];
    for (const byte of stream) passed.push(out.push(Buffer.from([byte])));
    expect(Buffer.concat(passed).toString('latin1')).toBe('x\x01y\x01ab');
    expect(out.exitCode).toBe(4);
    expect(out.push(Buffer.from('more'))).toHaveLength(0);
  });

  it('never mistakes the echo of its own line for the markers', () => {
    const line = wrapperLine(['true'], { nonce: 'n4', tty: true, stdin: true });
    const out = new WrappedOutput('n4');
    expect(out.push(Buffer.from(line.replace('\n', '\r\n'))).length).toBe(0);
    expect(out.started).toBe(false);
  });
});

describe('following logs by polling', () => {
  it('normalises timestamps so that they compare in time order', () => {
    const a = parseLogLine('2026-01-01T00:00:00.1234Z one');
    const b = parseLogLine('2026-01-01T00:00:00.12345Z two');
    expect(a).toEqual({
      at: '2026-01-01T00:00:00.123400000Z',
      raw: '2026-01-01T00:00:00.1234Z one',
      text: 'one',
    });
    expect((a.at as string) < (b.at as string)).toBe(true);
    expect(parseLogLine('no stamp')).toEqual({ raw: 'no stamp', text: 'no stamp' });
  });

  it('passes on only new lines, also when lines share a timestamp or the log was cut', () => {
    const cursor = new LogCursor();
    const t = (s: number, text: string) => `2026-01-01T00:00:0${s}Z ${text}`;
    const lines = (...raw: string[]) => splitLog(`${raw.join('\n')}\n`, false).lines;
    expect(cursor.fresh(lines(t(1, 'a'), t(2, 'b'), t(2, 'c'))).map((l) => l.text)).toEqual(['a', 'b', 'c']);
    expect(
      cursor.fresh(lines(t(1, 'a'), t(2, 'b'), t(2, 'c'), t(2, 'd'), t(3, 'e'))).map((l) => l.text),
    ).toEqual(['d', 'e']);
    // The oldest lines fell out of ACI's 4 MB window.
    expect(cursor.fresh(lines(t(3, 'e'), t(4, 'f'))).map((l) => l.text)).toEqual(['f']);
    expect(cursor.fresh(lines(t(3, 'e'), t(4, 'f')))).toEqual([]);
  });

  it('keeps a line without its newline until it is complete, or the container ended', () => {
    expect(splitLog('a\nb', false)).toMatchObject({ lines: [{ text: 'a' }], partial: 'b' });
    expect(splitLog('a\nb', true).lines.map((l) => l.text)).toEqual(['a', 'b']);
    expect(splitLog('a\n', true).lines.map((l) => l.text)).toEqual(['a']);
  });

  it('selects the last N lines and those since a time', () => {
    const all = splitLog(
      '2026-01-01T00:00:01Z a\n2026-01-01T00:00:02Z b\n2026-01-01T00:00:03Z c\n',
      true,
    ).lines;
    expect(selectLines(all, { tailLines: 2 }).map((l) => l.text)).toEqual(['b', 'c']);
    expect(selectLines(all, { tailLines: 0 })).toEqual([]);
    expect(selectLines(all, { sinceMs: Date.parse('2026-01-01T00:00:02Z') }).map((l) => l.text)).toEqual([
      'b',
      'c',
    ]);
  });
});
