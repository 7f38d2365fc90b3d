// Starts a real Azurite Blob service (the npm devDependency) on 127.0.0.1 with a free port and
// in-memory storage, for tests of the Blob state store. Each call starts its own; stop() ends it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY } from '../../src/core/state/blob.js';

export interface Azurite {
  /** The account URL in Azurite's path style: http://127.0.0.1:<port>/devstoreaccount1 */
  accountUrl: string;
  connectionString: string;
  port: number;
  stop(): Promise<void>;
}

const main = join(
  dirname(createRequire(import.meta.url).resolve('azurite/package.json')),
  'dist/src/blob/main.js',
);

export async function startAzurite(extraArgs: string[] = []): Promise<Azurite> {
  const workspace = mkdtempSync(join(tmpdir(), 'frankenetes-azurite-'));
  const child = spawn(
    process.execPath,
    [
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--extentMemoryLimit',
      '256',
      '--disableTelemetry',
      // The SDK may speak a newer service version than this Azurite knows.
      '--skipApiVersionCheck',
      ...extraArgs,
    ],
    { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Azurite did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /successfully listens on https?:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with ${code}:\n${output}`));
    });
  });
  const scheme = extraArgs.includes('--cert') ? 'https' : 'http';
  const accountUrl = `${scheme}://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    accountUrl,
    port,
    connectionString: `DefaultEndpointsProtocol=${scheme};AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${accountUrl};`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}
