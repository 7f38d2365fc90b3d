// Pause on ACI (hidden command `etcd-snapshot <endpoint>`, run by exec in the agent container).
// ACI's exec runs one executable without arguments, so etcdctl cannot be run in the distroless
// etcd container; the agent's image has a shell and Node. It reads a short-lived etcd client
// certificate from stdin (never from disk or the group definition), streams etcd's snapshot from
// the member's gRPC gateway over TLS on localhost, and writes it to stdout as base64 lines.
import { request } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable, type Writable } from 'node:stream';
import { snapshotLineEncoder } from '../core/snapshot-lines.js';

const PEM = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;
const CREDENTIAL_TIMEOUT_MS = 30_000;

export interface EtcdClientCredential {
  ca: string;
  cert: string;
  key: string;
}

/** The CA, certificate and key, in that order, from the first three PEM blocks of the input. */
export async function readCredential(
  input: Readable,
  timeoutMs = CREDENTIAL_TIMEOUT_MS,
): Promise<EtcdClientCredential> {
  let text = '';
  const blocks = () => text.replace(/\r/g, '').match(PEM) ?? [];
  const timer = setTimeout(() => input.destroy(new Error('no etcd client credential on stdin')), timeoutMs);
  try {
    for await (const chunk of input) {
      text += (chunk as Buffer).toString();
      if (blocks().length >= 3) break;
    }
  } finally {
    clearTimeout(timer);
  }
  const [ca, cert, key] = blocks();
  if (!ca || !cert || !key)
    throw new Error('expected the etcd CA, a client certificate and its key on stdin');
  return { ca: `${ca}\n`, cert: `${cert}\n`, key: `${key}\n` };
}

/**
 * etcd's gateway answers POST /v3/maintenance/snapshot with one JSON message per line, each with
 * a base64 chunk of the snapshot (`result.blob`), or `error` when the stream fails: lines in,
 * the snapshot's bytes out.
 */
export function snapshotChunks(): Transform {
  let text = '';
  const bytesOf = (line: string): Buffer | undefined => {
    if (!line.trim()) return undefined;
    const message = JSON.parse(line) as { result?: { blob?: string }; error?: { message?: string } };
    if (message.error) throw new Error(`etcd: ${message.error.message ?? JSON.stringify(message.error)}`);
    return message.result?.blob ? Buffer.from(message.result.blob, 'base64') : undefined;
  };
  const emit = (stream: Transform, lines: string[]) => {
    for (const line of lines) {
      const bytes = bytesOf(line);
      if (bytes) stream.push(bytes);
    }
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      const lines = text.split('\n');
      text = lines.pop() ?? '';
      try {
        emit(this, lines);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      try {
        emit(this, [text]);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
}

/** Streams the member's snapshot to `out` as snapshot lines. */
export async function streamEtcdSnapshot(
  endpoint: string,
  credential: EtcdClientCredential,
  out: NodeJS.WritableStream,
): Promise<void> {
  const response = await new Promise<Readable>((resolve, reject) => {
    const req = request(
      new URL('/v3/maintenance/snapshot', endpoint),
      { method: 'POST', ...credential, headers: { 'content-type': 'application/json' } },
      (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () =>
            reject(new Error(`etcd answered ${res.statusCode}: ${body.trim().slice(0, 200)}`)),
          );
          return;
        }
        resolve(res);
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
  await pipeline(response, snapshotChunks(), snapshotLineEncoder(), out as Writable, { end: false });
}

export async function runEtcdSnapshot(endpoint: string | undefined): Promise<number> {
  if (!endpoint) throw new Error('etcd-snapshot needs the etcd client URL');
  const credential = await readCredential(process.stdin);
  await streamEtcdSnapshot(endpoint, credential, process.stdout);
  return 0;
}
