// The PR comment grammar, as a pure function: `/frankenetes <verb> [flags]`, alone in its comment.
// Nothing here throws, whatever the input; only an exact command is ever a command (fuzz-tested).

export const VERBS = ['up', 'pause', 'resume', 'status', 'down', 'help', 'approve'] as const;
export type Verb = (typeof VERBS)[number];

export type Command =
  { verb: 'up'; kubernetesVersion?: string; ttl?: string } | { verb: Exclude<Verb, 'up'> };

export type ParsedComment =
  /** Not addressed to Frankenetes: ignored without a word. */
  | { kind: 'none' }
  | { kind: 'command'; command: Command }
  /** Starts with `/frankenetes` but is no command: answered with help and this reason. */
  | { kind: 'invalid'; reason: string };

export const PREFIX = '/frankenetes';
const MAX_LENGTH = 200;
const KUBERNETES_VERSION = /^1\.3[5-7](\.(0|[1-9]\d{0,2}))?$/;
const DURATION = /^([1-9]\d{0,4})(m|h|d)$/;
const UNIT_SECONDS = { m: 60, h: 3600, d: 86400 } as const;
/** The shortest and longest TTL a comment may ask for. */
export const MIN_TTL_SECONDS = 10 * 60;
export const MAX_TTL_SECONDS = 30 * 86400;

/** `90m`, `4h`, `2d` → seconds; undefined for anything else. */
export function durationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

/** User text echoed back in a reply: short, in a code span, so it can neither mention nor format. */
export function quote(text: string): string {
  const clean = text.replace(/[^\x21-\x7e]/g, '?').replace(/`/g, "'");
  return `\`${clean.length > 40 ? `${clean.slice(0, 39)}…` : clean}\``;
}

const invalid = (reason: string): ParsedComment => ({ kind: 'invalid', reason });

export function parseComment(body: unknown): ParsedComment {
  if (typeof body !== 'string') return { kind: 'none' };
  const text = body.trim();
  if (!text.startsWith(PREFIX)) return { kind: 'none' };
  if (text.length > MAX_LENGTH) return invalid(`a command is at most ${MAX_LENGTH} characters`);
  if (/[\r\n\v\f]/.test(text)) return invalid('a command must be alone in its comment, on one line');
  if (/[^\x20-\x7e\t]/.test(text)) return invalid('a command is plain ASCII text');
  const [head, verb, ...args] = text.split(/[ \t]+/) as [string, ...string[]];
  if (head !== PREFIX) return invalid(`unknown command ${quote(head)}; commands start with \`${PREFIX} \``);
  if (verb === undefined) return invalid('no command given');
  if (!(VERBS as readonly string[]).includes(verb)) return invalid(`unknown command ${quote(verb)}`);
  if (verb !== 'up') {
    if (args.length) return invalid(`\`${verb}\` takes no arguments, got ${quote(args.join(' '))}`);
    return { kind: 'command', command: { verb: verb as Exclude<Verb, 'up'> } };
  }
  const command: Command & { verb: 'up' } = { verb: 'up' };
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i] as string;
    const value = args[i + 1];
    if (flag !== '--kubernetes-version' && flag !== '--ttl')
      return invalid(`unknown option ${quote(flag)} for \`up\``);
    if (value === undefined || value.startsWith('--')) return invalid(`\`${flag}\` needs a value`);
    if (flag === '--kubernetes-version') {
      if (command.kubernetesVersion !== undefined) return invalid('`--kubernetes-version` given twice');
      if (!KUBERNETES_VERSION.test(value))
        return invalid(
          `Kubernetes version ${quote(value)} is not 1.35, 1.36 or 1.37 (optionally with a patch)`,
        );
      command.kubernetesVersion = value;
    } else {
      if (command.ttl !== undefined) return invalid('`--ttl` given twice');
      const seconds = durationSeconds(value);
      if (seconds === undefined)
        return invalid(`TTL ${quote(value)} is not a duration such as 90m, 4h or 2d`);
      if (seconds < MIN_TTL_SECONDS || seconds > MAX_TTL_SECONDS)
        return invalid(`TTL ${quote(value)} must be between 10m and 30d`);
      command.ttl = value;
    }
  }
  return { kind: 'command', command };
}

/** The canonical text of a command: what parseComment reads back into the same command. */
export function formatCommand(command: Command): string {
  const parts = [PREFIX, command.verb];
  if (command.verb === 'up') {
    if (command.kubernetesVersion) parts.push('--kubernetes-version', command.kubernetesVersion);
    if (command.ttl) parts.push('--ttl', command.ttl);
  }
  return parts.join(' ');
}

export const HELP = [
  'Frankenetes runs a real Kubernetes cluster for this pull request. Commands (comment one, alone):',
  '',
  '| command | what it does |',
  '| --- | --- |',
  '| `/frankenetes up [--kubernetes-version 1.37] [--ttl 4h]` | create the cluster, or converge it |',
  '| `/frankenetes pause` | snapshot it into the state store and stop everything (no cost while paused) |',
  '| `/frankenetes resume` | bring it back from its snapshot, with every object |',
  '| `/frankenetes status` | refresh the status comment |',
  '| `/frankenetes down` | remove it and its state |',
  '| `/frankenetes approve` | (maintainers) allow commands on this fork PR at its current head commit |',
  '| `/frankenetes help` | this text |',
  '',
  'Commands need write access to the repository. A kubeconfig is never posted: run `frankenetes kubeconfig --name <cluster> --state <store>` with your own Azure identity.',
].join('\n');
