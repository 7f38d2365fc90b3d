import { randomBytes, randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ExecSession } from '../core/backend.js';
import { secretsEqual } from './tokens.js';

/**
 * ACI's exec and attach channels. `exec` answers a WebSocket URI and a password; the client's first
 * message must be the password, then its messages are the terminal's input and the server's text
 * messages its output (a TTY: stdout and stderr are one stream, as on ACI). The socket closes when
 * the command ends. `attach` streams a container's output to a client that sends the password as
 * its `Authorization` header.
 */

export interface PendingSession {
  password: string;
  expires: number;
  /** Starts the command once the password checked out. */
  open: () => Promise<ExecSession>;
}

export interface PendingAttach {
  password: string;
  expires: number;
  open: () => Promise<Readable>;
}

/** A session unused for this long is dropped: the URI is single-use and short-lived. */
const SESSION_TTL_MS = 60_000;

export class Sessions {
  private readonly exec = new Map<string, PendingSession>();
  private readonly attach = new Map<string, PendingAttach>();

  addExec(open: PendingSession['open']): { id: string; password: string } {
    return this.add(this.exec, open);
  }

  addAttach(open: PendingAttach['open']): { id: string; password: string } {
    return this.add(this.attach, open);
  }

  private add<T extends { password: string; expires: number; open: unknown }>(
    map: Map<string, T>,
    open: T['open'],
  ): { id: string; password: string } {
    const now = Date.now();
    for (const [id, s] of map) if (s.expires < now) map.delete(id);
    const id = randomUUID();
    const password = randomBytes(24).toString('base64url');
    map.set(id, { password, expires: now + SESSION_TTL_MS, open } as T);
    return { id, password };
  }

  takeExec(id: string): PendingSession | undefined {
    return take(this.exec, id);
  }

  takeAttach(id: string): PendingAttach | undefined {
    return take(this.attach, id);
  }
}

function take<T extends { expires: number }>(map: Map<string, T>, id: string): T | undefined {
  const s = map.get(id);
  map.delete(id);
  return s && s.expires >= Date.now() ? s : undefined;
}

/** Runs one exec session over an accepted WebSocket. */
export function serveExec(ws: WebSocket, session: PendingSession, log: (m: string) => void): void {
  let exec: ExecSession | undefined;
  let authenticated = false;
  // Input that arrives while the command is still starting is kept for it, in order.
  const early: Buffer[] = [];
  const decoder = new StringDecoder('utf8');
  const timer = setTimeout(() => ws.close(1008, 'no password'), 10_000);
  ws.on('message', (data, isBinary) => {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
    if (!authenticated) {
      clearTimeout(timer);
      if (!secretsEqual(bytes.toString('utf8'), session.password)) {
        ws.close(1008, 'invalid password');
        return;
      }
      authenticated = true;
      session
        .open()
        .then((e) => {
          exec = e;
          for (const chunk of early.splice(0)) e.stdin?.write(chunk);
          e.stdout.on('data', (chunk: Buffer) => {
            const text = decoder.write(chunk);
            if (text && ws.readyState === ws.OPEN) ws.send(text);
          });
          e.stdout.on('end', () => {
            const rest = decoder.end();
            if (rest && ws.readyState === ws.OPEN) ws.send(rest);
            ws.close(1000);
          });
        })
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          log(`exec failed: ${message}`);
          if (ws.readyState === ws.OPEN) ws.send(`${message}\r\n`);
          ws.close(1011, 'exec failed');
        });
      return;
    }
    void isBinary;
    if (exec) exec.stdin?.write(bytes);
    else early.push(bytes);
  });
  ws.on('close', () => {
    clearTimeout(timer);
    exec?.closeStdin();
    exec?.stdout.destroy();
  });
  ws.on('error', () => undefined);
}

/** Streams a container's output over an accepted WebSocket until either side ends. */
export function serveAttach(ws: WebSocket, session: PendingAttach, log: (m: string) => void): void {
  const decoder = new StringDecoder('utf8');
  let stream: Readable | undefined;
  session
    .open()
    .then((s) => {
      stream = s;
      s.on('data', (chunk: Buffer) => {
        const text = decoder.write(chunk);
        if (text && ws.readyState === ws.OPEN) ws.send(text);
      });
      s.on('end', () => ws.close(1000));
    })
    .catch((error: unknown) => {
      log(`attach failed: ${error instanceof Error ? error.message : String(error)}`);
      ws.close(1011, 'attach failed');
    });
  ws.on('close', () => stream?.destroy());
  ws.on('error', () => undefined);
}
