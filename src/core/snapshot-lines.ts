// An etcd snapshot as text lines, for the one channel ACI offers into a running group: exec, whose
// output is a terminal's. Binary bytes do not cross a terminal intact; base64 lines do. The last
// line carries the sender's SHA-256 and size, so a cut or garbled stream is caught at once.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/** 57 bytes → 76 base64 characters: whole groups of 3, well under a terminal's line limits. */
const LINE_BYTES = 57;
const END = /^end ([0-9a-f]{64}) (\d+)$/;
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;

export interface SnapshotTrailer {
  sha256: string;
  size: number;
}

/** Bytes in, base64 lines out, then `end <sha256> <size>`. */
export function snapshotLineEncoder(): Transform {
  const hash = createHash('sha256');
  let size = 0;
  let pending = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      pending = Buffer.concat([pending, chunk]);
      const whole = pending.length - (pending.length % LINE_BYTES);
      const lines: string[] = [];
      for (let at = 0; at < whole; at += LINE_BYTES)
        lines.push(pending.subarray(at, at + LINE_BYTES).toString('base64'));
      pending = pending.subarray(whole);
      done(null, lines.length ? `${lines.join('\n')}\n` : undefined);
    },
    flush(done) {
      const last = pending.length ? `${pending.toString('base64')}\n` : '';
      done(null, `${last}end ${hash.digest('hex')} ${size}\n`);
    },
  });
}

export class SnapshotLinesError extends Error {
  override name = 'SnapshotLinesError';
}

/**
 * Text in (CRs ignored), bytes out. Fails on a line that is neither base64 nor the trailer, on
 * anything after the trailer, and at the end when the trailer is missing or does not match.
 */
export function snapshotLineDecoder(): Transform & { trailer(): SnapshotTrailer | undefined } {
  const hash = createHash('sha256');
  let size = 0;
  let text = '';
  let trailer: SnapshotTrailer | undefined;
  const take = (raw: string): Buffer | undefined => {
    const line = raw.replace(/\r/g, '');
    if (!line) return undefined;
    if (trailer) throw new SnapshotLinesError(`output after the end of the snapshot: "${line.slice(0, 80)}"`);
    const end = END.exec(line);
    if (end) {
      trailer = { sha256: end[1] as string, size: Number(end[2]) };
      return undefined;
    }
    if (!BASE64_LINE.test(line)) throw new SnapshotLinesError(`not a snapshot line: "${line.slice(0, 80)}"`);
    const bytes = Buffer.from(line, 'base64');
    hash.update(bytes);
    size += bytes.length;
    return bytes;
  };
  const stream = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      const lines = text.split('\n');
      text = lines.pop() ?? '';
      try {
        const out = lines.map(take).filter((b): b is Buffer => b !== undefined);
        done(null, out.length ? Buffer.concat(out) : undefined);
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      try {
        const last = take(text);
        if (!trailer) throw new SnapshotLinesError(`the snapshot stream ended early, after ${size} bytes`);
        const sha256 = hash.digest('hex');
        if (trailer.size !== size || trailer.sha256 !== sha256)
          throw new SnapshotLinesError(
            `the snapshot arrived as ${size} bytes (SHA-256 ${sha256.slice(0, 12)}…), but ${trailer.size} bytes (${trailer.sha256.slice(0, 12)}…) were sent`,
          );
        done(null, last);
      } catch (error) {
        done(error as Error);
      }
    },
  });
  return Object.assign(stream, { trailer: () => trailer });
}
