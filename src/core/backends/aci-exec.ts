/**
 * `kubectl exec` on ACI. ACI's exec runs ONE executable named by a string, without arguments
 * (its `command` is not split: azure-cli#10039 shows "sqlcmd -S …" failing as one file name),
 * always on a terminal, and answers a WebSocket URI and a password; the socket carries the
 * terminal's bytes and closes when the command ends, with no exit code. azure-aci's virtual
 * kubelet joins argv with spaces, so `sh -c 'echo a b'` cannot work there.
 *
 * Here the executable is /bin/sh, and its first input line runs the real argv, shell-quoted, so
 * the process gets its exact arguments and inherits the terminal as stdin:
 *
 *     [stty …;] printf '\001<nonce>\002'; 'sh' '-c' 'echo a b' [</dev/null]; printf '\001<nonce>:%d\002' "$?"; exit
 *
 * Everything before the first marker (the shell's prompt and the echo of that line) is dropped,
 * the second marker carries the exit code, and the client's input is held back until the first
 * marker shows the shell has read its line. Images without a shell can still run a command of
 * one word (no arguments): it is sent as is, without an exit code.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { WebSocket } from 'ws';
import type { ExecOptions, ExecSession } from '../backend.js';

/** A word the shell takes literally, and that ACI can run as is. */
const PLAIN = /^[A-Za-z0-9_./:=@%+-]+$/;

export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface WrapperOptions {
  nonce: string;
  tty: boolean;
  stdin: boolean;
  /** The terminal size, when the client sent one before the command started. */
  size?: { cols: number; rows: number };
}

/** The line /bin/sh reads first: terminal set-up, the start marker, argv, the exit-code marker. */
export function wrapperLine(argv: string[], o: WrapperOptions): string {
  const setup: string[] = [];
  // Not a terminal for the client: no echo of its input, no CR before LF, input bytes kept as sent
  // (EOF is still ^D: the terminal stays in canonical mode, lines up to 4095 bytes).
  if (!o.tty) setup.push('stty -echo -onlcr -icrnl -ixon -isig -iexten 2>/dev/null;');
  if (o.size) setup.push(`stty rows ${o.size.rows} cols ${o.size.cols} 2>/dev/null;`);
  const command = argv.map(shellQuote).join(' ') + (o.stdin ? '' : ' </dev/null');
  return `${setup.join(' ')} printf '\\001%s\\002' ${o.nonce}; ${command}; printf '\\001%s:%d\\002' ${o.nonce} "$?"; exit\n`.trimStart();
}

const EMPTY = Buffer.alloc(0);

/**
 * Cuts a wrapped command's output out of the terminal stream: drops what comes before the start
 * marker and stops at the exit-code marker, passing everything between through as it arrives.
 */
export class WrappedOutput {
  started = false;
  exitCode: number | undefined;
  /** What the terminal showed before the command started (a shell's error, if it had none), capped. */
  before = '';
  private pending = EMPTY;
  private readonly start: Buffer;
  private readonly end: Buffer;

  constructor(nonce: string) {
    this.start = Buffer.from(`\x01${nonce}\x02`);
    this.end = Buffer.from(`\x01${nonce}:`);
  }

  get done(): boolean {
    return this.exitCode !== undefined;
  }

  /** The bytes of the command's own output in this chunk. */
  push(chunk: Buffer): Buffer {
    if (this.done) return EMPTY;
    this.pending = Buffer.concat([this.pending, chunk]);
    if (!this.started) {
      const at = this.pending.indexOf(this.start);
      if (at < 0) {
        const keep = Math.max(0, this.pending.length - this.start.length + 1);
        this.before = (this.before + this.pending.subarray(0, keep).toString('utf8')).slice(-4096);
        this.pending = this.pending.subarray(keep);
        return EMPTY;
      }
      this.before = (this.before + this.pending.subarray(0, at).toString('utf8')).slice(-4096);
      this.started = true;
      this.pending = this.pending.subarray(at + this.start.length);
    }
    const out: Buffer[] = [];
    for (;;) {
      const at = this.pending.indexOf(0x01);
      if (at < 0) {
        out.push(this.pending);
        this.pending = EMPTY;
        break;
      }
      out.push(this.pending.subarray(0, at));
      const rest = this.pending.subarray(at);
      const head = rest.subarray(0, this.end.length);
      if (!this.end.subarray(0, head.length).equals(head)) {
        out.push(rest.subarray(0, 1)); // a 0x01 of the command's own
        this.pending = rest.subarray(1);
        continue;
      }
      if (rest.length < this.end.length) {
        this.pending = rest; // maybe the marker: wait for more
        break;
      }
      const close = rest.indexOf(0x02, this.end.length);
      const digits = rest.subarray(this.end.length, close < 0 ? undefined : close).toString('latin1');
      if (!/^\d{0,3}$/.test(digits)) {
        out.push(rest.subarray(0, 1));
        this.pending = rest.subarray(1);
        continue;
      }
      if (close < 0) {
        this.pending = rest;
        break;
      }
      this.exitCode = Number(digits);
      this.pending = EMPTY;
      break;
    }
    return Buffer.concat(out);
  }
}

/** The WebSocket URI and password of one ACI exec (Containers_ExecuteCommand). */
export interface AciExecEndpoint {
  webSocketUri: string;
  password: string;
}

export type OpenExec = (
  command: string,
  terminalSize: { rows: number; cols: number },
) => Promise<AciExecEndpoint>;

/** How long a TTY session waits for the client's terminal size before the command starts. */
const SIZE_WAIT_MS = 300;
const DEFAULT_SIZE = { rows: 24, cols: 80 };

/** A command as a process that sees argv and the terminal: see the module comment. */
export function startAciExec(open: OpenExec, options: ExecOptions): ExecSession {
  const stdout = new PassThrough();
  const input = new PassThrough();
  const nonce = randomBytes(9).toString('hex');
  const filter = new WrappedOutput(nonce);
  let size: { cols: number; rows: number } | undefined;
  let sizeKnown: () => void = () => undefined;
  const sized = new Promise<void>((resolve) => (sizeKnown = resolve));
  let socket: WebSocket | undefined;
  let lastByte = 0x0a;
  let eofWanted = false;
  let settle: (code: number) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const exit = new Promise<number>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  exit.catch(() => undefined);
  const decoder = new StringDecoder('utf8');

  const send = (bytes: Buffer) => {
    if (!bytes.length || socket?.readyState !== WebSocket.OPEN) return;
    const text = decoder.write(bytes);
    if (text) socket.send(text);
    lastByte = bytes[bytes.length - 1] ?? lastByte;
  };
  // ^D ends the input of a terminal in canonical mode; a first one flushes a partial line.
  const sendEof = () => send(Buffer.from(lastByte === 0x0a ? '\x04' : '\x04\x04'));

  const connect = async (command: string, wrapped: boolean): Promise<void> => {
    const endpoint = await open(command, size ?? DEFAULT_SIZE);
    const ws = new WebSocket(endpoint.webSocketUri);
    socket = ws;
    ws.on('open', () => {
      ws.send(endpoint.password);
      if (!wrapped) return startInput();
      const begin = () => ws.send(wrapperLine(options.command, { nonce, ...options, size }));
      if (options.tty && !size) void Promise.race([sized, sleep(SIZE_WAIT_MS)]).then(begin);
      else begin();
    });
    ws.on('message', (data: Buffer | Buffer[], isBinary: boolean) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data);
      void isBinary;
      if (!wrapped) return void stdout.write(bytes);
      const wasStarted = filter.started;
      const out = filter.push(bytes);
      if (!wasStarted && filter.started) startInput();
      if (out.length) stdout.write(out);
      if (filter.done) ws.close(1000);
    });
    ws.on('close', () => {
      if (!wrapped) {
        stdout.end();
        return settle(0);
      }
      if (filter.done) {
        stdout.end();
        return settle(filter.exitCode ?? 0);
      }
      if (filter.started) {
        // The shell went away before the command's end was reported (killed, or the group stopped).
        stdout.end();
        return settle(137);
      }
      const [only, ...more] = options.command;
      if (only && !more.length && PLAIN.test(only)) {
        connect(only, false).catch((error: unknown) => abort(error));
        return;
      }
      abort(
        new Error(
          `ACI runs exec commands without arguments; Frankenetes passes them through /bin/sh, which the image lacks (${lastLine(filter.before) || 'the session closed'})`,
        ),
      );
    });
    ws.on('error', () => undefined);
  };

  const abort = (error: unknown) => {
    stdout.end();
    fail(error instanceof Error ? error : new Error(String(error)));
  };

  // The client's input waits until the command runs: the shell must not read it as its own.
  let inputStarted = false;
  const startInput = () => {
    if (inputStarted) return;
    inputStarted = true;
    if (!options.stdin) return;
    input.on('data', (chunk: Buffer) => send(chunk));
    input.on('end', () => sendEof());
    if (eofWanted) input.end();
  };

  connect('/bin/sh', true).catch((error: unknown) => abort(error));

  return {
    stdin: options.stdin ? input : undefined,
    closeStdin: () => {
      eofWanted = true;
      if (options.stdin && inputStarted) input.end();
    },
    stdout,
    resize: async (cols, rows) => {
      // ACI takes the size once, when the command starts; later changes cannot reach it.
      if (!size) {
        size = { cols, rows };
        sizeKnown();
      }
    },
    exitCode: () => exit,
  };
}

function lastLine(text: string): string {
  const lines = text
    // eslint-disable-next-line no-control-regex -- terminal escape sequences
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
