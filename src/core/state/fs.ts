import { randomUUID } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import {
  access,
  link,
  mkdir,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  StateError,
  acquireLock,
  checkClusterName,
  checkKey,
  thisHolder,
  type ClusterLock,
  type LockAttempt,
  type LockHolder,
  type LockOptions,
  type StateStore,
} from './store.js';

/** The default location: $FRANKENETES_STATE_DIR, else $XDG_STATE_HOME/frankenetes, else ~/.local/state/frankenetes. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FRANKENETES_STATE_DIR) return env.FRANKENETES_STATE_DIR;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'frankenetes');
}

export interface LocalStateStoreOptions {
  /** How long a lock lives without renewal; the holder renews it every third of that. Default 60 s. */
  lockTtlMs?: number;
  /** How often a waiter tries again. Default 250 ms. */
  lockPollMs?: number;
}

/** What a lock file holds: its holder plus the token that tells one holder's lock from the next. */
interface LockRecord extends Required<LockHolder> {
  token: string;
  expiresAt: string;
}

/** A breaker that died mid-break leaves its marker; after this long it is ignored. */
const BREAK_MARKER_TTL_MS = 10_000;

/**
 * A directory per cluster; folders 0700 and files 0600, written atomically (temp file + rename).
 * Locks live in `.locks/<cluster>.lock` beside the clusters, so removing a cluster keeps its lock.
 */
export class LocalStateStore implements StateStore {
  private readonly lockTtlMs: number;
  private readonly lockPollMs: number;

  constructor(
    readonly location: string = defaultStateDir(),
    options: LocalStateStoreOptions = {},
  ) {
    this.lockTtlMs = options.lockTtlMs ?? 60_000;
    this.lockPollMs = options.lockPollMs ?? 250;
  }

  private path(cluster: string, key?: string): string {
    checkClusterName(cluster);
    if (key === undefined) return join(this.location, cluster);
    checkKey(key);
    return join(this.location, cluster, key);
  }

  async checkWritable(): Promise<void> {
    try {
      await mkdir(this.location, { recursive: true, mode: 0o700 });
      await access(this.location, constants.W_OK | constants.X_OK);
    } catch (error) {
      throw new StateError(
        `state directory ${this.location} is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)}); set FRANKENETES_STATE_DIR or --state-dir`,
      );
    }
  }

  async clusters(): Promise<string[]> {
    try {
      const entries = await readdir(this.location, { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => e.name)
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async get(cluster: string, key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(cluster, key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async getStream(cluster: string, key: string): Promise<Readable | undefined> {
    const file = this.path(cluster, key);
    const stream = createReadStream(file);
    // Wait for the open, so a missing key is undefined rather than a stream that fails later.
    return await new Promise<Readable | undefined>((resolve, reject) => {
      stream.once('ready', () => resolve(stream));
      stream.once('error', (error: NodeJS.ErrnoException) =>
        error.code === 'ENOENT' ? resolve(undefined) : reject(error),
      );
    });
  }

  async put(cluster: string, key: string, data: string | Buffer): Promise<void> {
    await this.writeAtomically(this.path(cluster, key), (tmp) => writeFile(tmp, data, { mode: 0o600 }));
  }

  async putStream(cluster: string, key: string, data: Readable): Promise<void> {
    await this.writeAtomically(this.path(cluster, key), (tmp) =>
      pipeline(data, createWriteStream(tmp, { mode: 0o600 })),
    );
  }

  /** Temp files are hidden (dot-prefixed), so list() never shows a write in flight. */
  private async writeAtomically(file: string, write: (tmp: string) => Promise<void>): Promise<void> {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = join(dirname(file), `.${basename(file)}.${randomUUID()}.tmp`);
    try {
      await write(tmp);
      await rename(tmp, file);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async list(cluster: string, prefix = ''): Promise<string[]> {
    const keys = await listFiles(this.path(cluster));
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }

  async delete(cluster: string, key: string): Promise<void> {
    await rm(this.path(cluster, key), { force: true });
  }

  async remove(cluster: string): Promise<void> {
    await rm(this.path(cluster), { recursive: true, force: true });
  }

  /**
   * An O_EXCL-style lock file (written complete, then hard-linked into place, which fails if it
   * exists) with owner, pid, host and expiry; renewed while held. A lock whose expiry passed, or
   * whose holder on this host is no longer running, is stale and taken over.
   */
  async lock(cluster: string, options: LockOptions): Promise<ClusterLock> {
    checkClusterName(cluster);
    await this.checkWritable();
    const dir = join(this.location, '.locks');
    const file = join(dir, `${cluster}.lock`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new StateError(
        `cannot create the lock directory ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
    return acquireLock(cluster, options, () => this.tryLock(file, options.owner), this.lockPollMs);
  }

  private record(owner: string, token: string): LockRecord {
    const now = new Date();
    return {
      ...thisHolder(owner, now),
      token,
      expiresAt: new Date(now.getTime() + this.lockTtlMs).toISOString(),
    };
  }

  private async tryLock(file: string, owner: string, afterBreak = false): Promise<LockAttempt> {
    const token = randomUUID();
    const record = this.record(owner, token);
    const tmp = `${file}.${token}.tmp`;
    await writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
    try {
      await link(tmp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = await readLockRecord(file);
      if (current === 'missing') return { holder: undefined };
      if (current !== 'unreadable' && !isStale(current)) return { holder: holderOf(current) };
      if (current === 'unreadable' && !(await olderThan(file, this.lockTtlMs))) return { holder: undefined };
      if (afterBreak) return { holder: current === 'unreadable' ? undefined : holderOf(current) };
      await breakStaleLock(file, current === 'unreadable' ? undefined : current.token, this.lockTtlMs);
      return await this.tryLock(file, owner, true);
    } finally {
      await rm(tmp, { force: true });
    }
    return { lock: this.heldLock(file, owner, token, record.since) };
  }

  private heldLock(file: string, owner: string, token: string, since: string): ClusterLock {
    let lost = false;
    const renew = async () => {
      const current = await readLockRecord(file);
      if (typeof current === 'string' || current.token !== token) {
        lost = true;
        return;
      }
      const tmp = `${file}.${token}.renew.tmp`;
      await writeFile(tmp, JSON.stringify({ ...this.record(owner, token), since }), { mode: 0o600 });
      await rename(tmp, file);
    };
    const timer = setInterval(() => {
      if (!lost) renew().catch(() => undefined);
    }, this.lockTtlMs / 3);
    // A process that exits while holding the lock must not be kept alive by its renewal.
    timer.unref();
    return {
      release: async () => {
        clearInterval(timer);
        const current = await readLockRecord(file);
        if (typeof current !== 'string' && current.token === token) await unlink(file).catch(() => undefined);
      },
    };
  }
}

/** Relative paths of the files below dir, skipping hidden names (temp files); none if dir is missing. */
async function listFiles(dir: string, base = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const nested = await Promise.all(
    entries
      .filter((e) => !e.name.startsWith('.'))
      .map((e) =>
        e.isDirectory()
          ? listFiles(join(dir, e.name), `${base}${e.name}/`)
          : Promise.resolve(e.isFile() ? [`${base}${e.name}`] : []),
      ),
  );
  return nested.flat();
}

async function readLockRecord(file: string): Promise<LockRecord | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const record = JSON.parse(text) as LockRecord;
    return typeof record.token === 'string' && typeof record.expiresAt === 'string' ? record : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function holderOf({ owner, host, pid, since }: LockRecord): LockHolder {
  return { owner, host, pid, since };
}

function isStale(record: LockRecord, now = Date.now()): boolean {
  if (Date.parse(record.expiresAt) < now) return true;
  return record.host === hostname() && !processRuns(record.pid);
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs > ms;
  } catch {
    return false;
  }
}

/**
 * Removes a stale lock file, but only the one judged stale: two waiters that both saw it stale
 * must not remove each other's fresh lock. The removal happens under a break marker (itself
 * O_EXCL) after re-reading the file and checking it still carries the stale token.
 */
async function breakStaleLock(file: string, staleToken: string | undefined, ttlMs: number): Promise<void> {
  const marker = `${file}.break`;
  try {
    await writeFile(marker, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (await olderThan(marker, BREAK_MARKER_TTL_MS)) await rm(marker, { force: true });
    return;
  }
  try {
    const current = await readLockRecord(file);
    const stillStale =
      current === 'unreadable'
        ? staleToken === undefined && (await olderThan(file, ttlMs))
        : current !== 'missing' && current.token === staleToken && isStale(current);
    if (stillStale) await rm(file, { force: true });
  } finally {
    await rm(marker, { force: true });
  }
}
