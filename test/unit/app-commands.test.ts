import { describe, expect, test } from 'vitest';
import { VERBS, formatCommand, parseComment, quote, type ParsedComment } from '../../src/app/commands.js';
import { parseRepoConfig } from '../../src/app/config.js';

describe('parseComment', () => {
  test.each([
    ['/frankenetes up', { verb: 'up' }],
    ['  /frankenetes   pause  ', { verb: 'pause' }],
    ['/frankenetes resume', { verb: 'resume' }],
    ['/frankenetes status', { verb: 'status' }],
    ['/frankenetes down', { verb: 'down' }],
    ['/frankenetes help', { verb: 'help' }],
    ['/frankenetes approve', { verb: 'approve' }],
    [
      '/frankenetes up --kubernetes-version 1.36 --ttl 4h',
      { verb: 'up', kubernetesVersion: '1.36', ttl: '4h' },
    ],
    ['/frankenetes up --ttl 90m', { verb: 'up', ttl: '90m' }],
    ['/frankenetes\tup\t--kubernetes-version 1.37.2', { verb: 'up', kubernetesVersion: '1.37.2' }],
  ])('%j is a command', (body, command) => {
    expect(parseComment(body)).toEqual({ kind: 'command', command });
  });

  test.each([
    ['LGTM, but /frankenetes up later'],
    ['/Frankenetes up'],
    [''],
    ['frankenetes up'],
    [undefined],
    [42],
  ])('%j is not addressed to us', (body) => {
    expect(parseComment(body)).toEqual({ kind: 'none' });
  });

  test.each([
    ['/frankenetes', /no command given/],
    ['/frankenetes deploy', /unknown command `deploy`/],
    ['/frankenetes UP', /unknown command `UP`/],
    ['/frankenetesup', /unknown command `\/frankenetesup`/],
    ['/frankenetes up now', /unknown option `now`/],
    ['/frankenetes up --ttl', /`--ttl` needs a value/],
    ['/frankenetes up --ttl=4h', /unknown option `--ttl=4h`/],
    ['/frankenetes up --ttl 4h --ttl 5h', /given twice/],
    ['/frankenetes up --ttl 5m', /between 10m and 30d/],
    ['/frankenetes up --ttl 31d', /between 10m and 30d/],
    ['/frankenetes up --ttl 04h', /not a duration/],
    ['/frankenetes up --kubernetes-version 1.30', /not 1.35, 1.36 or 1.37/],
    ['/frankenetes up --kubernetes-version 1.37; rm -rf /', /not 1.35/],
    ['/frankenetes pause now', /takes no arguments/],
    ['/frankenetes down\n/frankenetes up', /alone in its comment/],
    ['/frankenetes dоwn', /plain ASCII/], // Cyrillic о
    ['/frankenetes down\u200b', /plain ASCII/],
    [`/frankenetes up ${'x'.repeat(300)}`, /at most 200/],
  ])('%j gets help with a reason', (body, reason) => {
    const parsed = parseComment(body);
    expect(parsed.kind).toBe('invalid');
    expect((parsed as { reason: string }).reason).toMatch(reason);
  });

  test('echoed text cannot mention anyone or break out of its code span', () => {
    const parsed = parseComment('/frankenetes @org/team`x`');
    expect(parsed).toEqual({ kind: 'invalid', reason: "unknown command `@org/team'x'`" });
    expect(quote('a'.repeat(100))).toHaveLength(42);
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzzing: a seeded generator (reproducible), an independent oracle for what an exact command is.

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXACT_SIMPLE = /^\/frankenetes (pause|resume|status|down|help|approve)$/;
const EXACT_UP =
  /^\/frankenetes up((?: --kubernetes-version 1\.3[5-7](?:\.(?:0|[1-9]\d{0,2}))?| --ttl [1-9]\d{0,4}[mhd])*)$/;

/** The oracle: an exact command, written differently from the parser (regular expressions and a TTL check). */
function isExactCommand(body: string): boolean {
  const text = body.trim().replace(/[ \t]+/g, ' ');
  if (text.length > 200 || /[^\x20-\x7e]/.test(text)) return false;
  if (EXACT_SIMPLE.test(text)) return true;
  const up = EXACT_UP.exec(text);
  if (!up) return false;
  const flags = [...(up[1] ?? '').matchAll(/--(kubernetes-version|ttl) (\S+)/g)];
  const names = flags.map((f) => f[1]);
  if (new Set(names).size !== names.length) return false;
  const ttl = flags.find((f) => f[1] === 'ttl')?.[2];
  if (ttl) {
    const seconds = Number(ttl.slice(0, -1)) * { m: 60, h: 3600, d: 86400 }[ttl.slice(-1) as 'm' | 'h' | 'd'];
    if (seconds < 600 || seconds > 30 * 86400) return false;
  }
  return true;
}

const SEEDS = [
  '/frankenetes up',
  '/frankenetes pause',
  '/frankenetes resume',
  '/frankenetes status',
  '/frankenetes down',
  '/frankenetes help',
  '/frankenetes approve',
  '/frankenetes up --kubernetes-version 1.36 --ttl 4h',
  '/frankenetes up --ttl 2d',
  '/frankenetes up --kubernetes-version 1.37.2',
];
const NASTY = [
  '\u0000',
  '\u200b',
  '\u202e',
  '\ufeff',
  '\r\n',
  '\n',
  '\t',
  ' ',
  '`',
  '@',
  '<!--',
  '-->',
  '--',
  '=',
  '$(id)',
  ';',
  '|',
  'е',
  'о',
  'ᴜ',
  '／',
  '\ud83d\ude80',
  '\u00a0',
  '\\',
  '"',
  "'",
  '--ttl',
  '--kubernetes-version',
  '1.37',
  '4h',
  '0h',
  '999999d',
  'up',
  'down',
  'UP',
  '/frankenetes',
  '%00',
  '\u2028',
  'ß',
  '\u0301',
];

function mutate(random: () => number, text: string): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  let out = text;
  const edits = 1 + Math.floor(random() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (out.length + 1));
    switch (Math.floor(random() * 7)) {
      case 0:
        out = out.slice(0, at) + pick(NASTY) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 4));
        break;
      case 2:
        out = out.slice(0, at) + String.fromCharCode(32 + Math.floor(random() * 95)) + out.slice(at + 1);
        break;
      case 3:
        out = out.slice(0, at) + String.fromCodePoint(Math.floor(random() * 0x2ffff)) + out.slice(at);
        break;
      case 4:
        out = `${out} ${pick(NASTY)} ${pick(NASTY)}`;
        break;
      case 5:
        out = out.toUpperCase();
        break;
      default:
        out = out.replace(' ', pick([' ', '  ', '\t', '\n', '\u00a0', '']));
    }
  }
  return out;
}

function randomComment(random: () => number, i: number): string {
  const kind = i % 6;
  if (kind === 5) {
    // A valid command with arbitrary spaces and tabs around and between its tokens.
    const gap = () => [' ', '\t', '  ', ' \t '][Math.floor(random() * 4)] as string;
    return `${gap()}${(SEEDS[Math.floor(random() * SEEDS.length)] as string).split(' ').join(gap())}${gap()}`;
  }
  if (kind === 0) return mutate(random, SEEDS[i % SEEDS.length] as string);
  if (kind === 1)
    // Random printable ASCII that starts like a command.
    return `/frankenetes ${Array.from({ length: Math.floor(random() * 60) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('')}`;
  if (kind === 2)
    // Random code points, any plane, unpaired surrogates included.
    return Array.from({ length: Math.floor(random() * 80) }, () =>
      String.fromCharCode(Math.floor(random() * 0x10000)),
    ).join('');
  if (kind === 3)
    return `${mutate(random, SEEDS[i % SEEDS.length] as string)}${'x'.repeat(Math.floor(random() * 400))}`;
  // Shuffled valid tokens: flags in any order, repeated, with stray values.
  const tokens = [
    '/frankenetes',
    'up',
    '--ttl',
    '4h',
    '--kubernetes-version',
    '1.36',
    '90m',
    '1.35.1',
    'pause',
    '--ttl',
    '30d',
  ];
  const n = 1 + Math.floor(random() * 7);
  return [
    '/frankenetes',
    ...Array.from({ length: n }, () => tokens[Math.floor(random() * tokens.length)]),
  ].join(' ');
}

test('fuzz: 10,000 random and adversarial comments, 0 crashes, only exact commands are commands', () => {
  const random = rng(0x5eed11);
  const counts = { none: 0, command: 0, invalid: 0 };
  const wrong: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const body = randomComment(random, i);
    let parsed: ParsedComment;
    try {
      parsed = parseComment(body);
    } catch (error) {
      wrong.push(`crash on ${JSON.stringify(body)}: ${(error as Error).message}`);
      continue;
    }
    counts[parsed.kind]++;
    const exact = isExactCommand(body);
    if ((parsed.kind === 'command') !== exact)
      wrong.push(
        `${JSON.stringify(body)} parsed as ${parsed.kind}, oracle says ${exact ? 'exact' : 'not exact'}`,
      );
    if (parsed.kind === 'command') {
      expect(VERBS).toContain(parsed.command.verb);
      // The canonical text reads back as the same command, and has the same tokens as the comment.
      expect(parseComment(formatCommand(parsed.command))).toEqual(parsed);
      const tokens = (s: string) => s.trim().split(/[ \t]+/);
      const pairs = (t: string[]) => [
        t.slice(0, 2).join(' '),
        ...t
          .slice(2)
          .map((x, j, a) => (j % 2 ? '' : `${x} ${a[j + 1]}`))
          .filter(Boolean)
          .sort(),
      ];
      expect(pairs(tokens(formatCommand(parsed.command)))).toEqual(pairs(tokens(body)));
    }
    if (parsed.kind === 'invalid') expect(parsed.reason).not.toMatch(/[\r\n]/);
  }
  expect(wrong.slice(0, 5)).toEqual([]);
  // The generator reaches all three outcomes in numbers (a fuzzer that never finds a command proves little).
  expect(counts.command).toBeGreaterThan(300);
  expect(counts.invalid).toBeGreaterThan(3000);
  expect(counts.none).toBeGreaterThan(1000);
});

describe('repository configuration', () => {
  test('defaults', () => {
    expect(parseRepoConfig(undefined)).toEqual({
      commands: [...VERBS],
      kubernetesVersion: '1.37',
      ttl: '24h',
      idleTimeout: '2h',
    });
  });
  test('every key', () => {
    const config = parseRepoConfig({
      commands: ['up', 'status'],
      kubernetesVersion: '1.36',
      ttl: '4h',
      idleTimeout: 'off',
      costCap: 5,
      backend: 'aci',
      azure: {
        subscriptionId: '00000000-0000-0000-0000-000000000000',
        resourceGroup: 'previews',
        location: 'westeurope',
      },
    });
    expect(config.costCap).toBe(5);
    expect(config.azure?.location).toBe('westeurope');
  });
  test.each([
    [{ ttl: '4 hours' }, /ttl/],
    [{ commands: ['up', 'rm'] }, /commands\.1/],
    [{ costCap: -1 }, /costCap/],
    [{ secret: 'x' }, /secret|Unrecognized/],
    [{ azure: { subscriptionId: 'x', resourceGroup: 'y', location: 'West Europe' } }, /location/],
  ])('%j is refused with a reason', (input, reason) => {
    expect(() => parseRepoConfig(input)).toThrow(reason);
  });
});
