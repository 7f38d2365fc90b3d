import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { readCredential, snapshotChunks } from '../../src/agent/etcd-snapshot.js';
import { snapshotLineDecoder, snapshotLineEncoder } from '../../src/core/snapshot-lines.js';

async function encode(chunks: Buffer[]): Promise<string> {
  return text(Readable.from(chunks).pipe(snapshotLineEncoder()));
}

async function decode(lines: string | string[]): Promise<Buffer> {
  const out: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (b: Buffer) => out.push(b));
  await pipeline(Readable.from(([] as string[]).concat(lines)), snapshotLineDecoder(), sink);
  return Buffer.concat(out);
}

describe('snapshot lines', () => {
  it('round-trips any bytes, whatever the chunking, as base64 lines of at most 76 characters', async () => {
    for (const size of [0, 1, 56, 57, 58, 1000, 100_003]) {
      const bytes = randomBytes(size);
      const cuts = [0, Math.floor(size / 3), Math.floor(size / 2), size];
      const chunks = cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end));
      const lines = await encode(chunks);
      for (const line of lines.trimEnd().split('\n').slice(0, -1))
        expect(line.length).toBeLessThanOrEqual(76);
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(lines.trimEnd().split('\n').pop()).toBe(`end ${sha} ${size}`);
      // A terminal may turn LF into CRLF, and split its output anywhere.
      const crlf = lines.replace(/\n/g, '\r\n');
      const pieces = [crlf.slice(0, 7), crlf.slice(7, 200), crlf.slice(200)];
      expect((await decode(pieces)).equals(bytes)).toBe(true);
    }
  });

  it('fails on a truncated stream, a changed byte, a stray line, and output after the end', async () => {
    const lines = (await encode([randomBytes(500)])).split('\n');
    const body = lines.slice(0, -2);
    const end = lines.at(-2) as string;
    await expect(decode(body.slice(0, -1).join('\n') + '\n')).rejects.toThrow(/ended early, after 456 bytes/);
    await expect(decode([...body.slice(1), end].join('\n') + '\n')).rejects.toThrow(
      /arrived as 443 bytes .* but 500 bytes/,
    );
    const changed = [...body];
    changed[0] = `${changed[0]?.startsWith('A') ? 'B' : 'A'}${changed[0]?.slice(1)}`;
    await expect(decode([...changed, end].join('\n') + '\n')).rejects.toThrow(/SHA-256/);
    await expect(decode(['frankenetes: error: etcd answered 401\n'])).rejects.toThrow(
      /not a snapshot line: "frankenetes: error: etcd answered 401"/,
    );
    await expect(decode([...body, end, 'more'].join('\n') + '\n')).rejects.toThrow(/output after the end/);
  });
});

describe('the agent side of etcd-snapshot', () => {
  it("decodes the gateway's JSON lines into the snapshot's bytes, and fails on an error message", async () => {
    const bytes = randomBytes(70_000);
    const messages = [bytes.subarray(0, 32_768), bytes.subarray(32_768)].map(
      (b, i) =>
        JSON.stringify({
          result: { header: {}, remaining_bytes: String(i ? 0 : 37_232), blob: b.toString('base64') },
        }) + '\n',
    );
    const joined = messages.join('');
    const pieces = [joined.slice(0, 1000), joined.slice(1000, 50_000), joined.slice(50_000)];
    const out: Buffer[] = [];
    const chunks = snapshotChunks();
    chunks.on('data', (b: Buffer) => out.push(b));
    await pipeline(Readable.from(pieces.map((p) => Buffer.from(p))), chunks);
    expect(Buffer.concat(out).equals(bytes)).toBe(true);
    const failing = snapshotChunks();
    failing.resume();
    await expect(
      pipeline(
        Readable.from([Buffer.from('{"error":{"grpc_code":7,"message":"permission denied"}}\n')]),
        failing,
      ),
    ).rejects.toThrow('etcd: permission denied');
  });

  it('takes the CA, certificate and key from stdin, without waiting for its end', async () => {
    const pem = (label: string, body: string) =>
      `-----BEGIN ${label}-----\r\n${body}\r\n-----END ${label}-----\r\n`;
    const input = new PassThrough();
    input.write(pem('CERTIFICATE', 'Q0E='));
    input.write(pem('CERTIFICATE', 'Q0VSVA==') + pem('PRIVATE KEY', 'S0VZ'));
    const credential = await readCredential(input, 5000);
    expect(credential).toEqual({
      ca: '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n',
      cert: '-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n',
      key: '-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n',
    });
    const short = new PassThrough();
    short.end(pem('CERTIFICATE', 'Q0E='));
    await expect(readCredential(short, 5000)).rejects.toThrow(
      /expected the etcd CA, a client certificate and its key/,
    );
  });
});
