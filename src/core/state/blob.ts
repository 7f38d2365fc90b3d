import type { TokenCredential } from '@azure/identity';
import {
  ContainerClient,
  StorageSharedKeyCredential,
  type BlockBlobClient,
  type StoragePipelineOptions,
  type StorageRetryOptions,
} from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
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

/** Azurite's well-known development account (published in Azurite's README; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export type BlobCredential = TokenCredential | StorageSharedKeyCredential;

export interface BlobContainerLocation {
  /** The container URL as given, without a trailing slash. */
  url: string;
  accountName: string;
  containerName: string;
  /** A loopback host with the account in the path, as Azurite serves it. */
  pathStyle: boolean;
}

const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Parses a blob container URL: https://<account>.blob.core.windows.net/<container> (or another
 * cloud's host), or the path style Azurite serves, http://127.0.0.1:10000/<account>/<container>.
 * Plain http is only accepted on loopback hosts; a query (SAS token) is refused, so the URL can be
 * shown in messages without leaking a secret.
 */
export function parseBlobContainerUrl(location: string): BlobContainerLocation {
  const fail = (why: string) => new StateError(`invalid blob container URL "${redact(location)}": ${why}`);
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw fail('not a URL');
  }
  if (url.search || url.hash || url.username || url.password)
    throw fail(
      'remove the query, fragment or user info (SAS tokens are not supported; use Azure AD or a key)',
    );
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw fail('use https (plain http only for a local emulator such as Azurite on 127.0.0.1)');
  const segments = url.pathname.split('/').filter(Boolean);
  const pathStyle = loopback || isIP(host) !== 0;
  const expected = pathStyle ? 2 : 1;
  if (segments.length !== expected)
    throw fail(
      pathStyle
        ? 'expected http://<host>:<port>/<account>/<container>'
        : 'expected https://<account>.blob.core.windows.net/<container>',
    );
  const accountName = pathStyle ? segments[0]! : host.split('.')[0]!;
  const containerName = segments[expected - 1]!;
  if (!CONTAINER_NAME.test(containerName))
    throw fail(
      `"${containerName}" is not a valid container name (3-63 lowercase letters, digits and single hyphens)`,
    );
  return { url: `${url.origin}/${segments.join('/')}`, accountName, containerName, pathStyle };
}

function redact(location: string): string {
  return location.replace(/\?.*$/s, '?…');
}

export interface BlobStateStoreOptions {
  /** Lease length of a held lock, 15–60 s; the holder renews it every third of that. Default 60. */
  leaseSeconds?: number;
  /** How often a waiter tries again. Default 2 s. */
  lockPollMs?: number;
  /** The SDK's retries; by default a few quick ones, so a wrong URL fails within seconds. */
  retryOptions?: StorageRetryOptions;
}

/** A failed store operation: what was being done and why it failed, in words a user can act on. */
export class BlobStateError extends StateError {
  override name = 'BlobStateError';
  constructor(
    location: string,
    readonly doing: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Blob state store ${location}: ${doing} failed: ${reason}`, options);
  }
}

const DEFAULT_RETRY: StorageRetryOptions = { maxTries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 4000 };
const LOCKS = '.locks';

/**
 * The state store in one private Blob container: `<cluster>/<key>` per value, `.locks/<cluster>`
 * for each cluster's lock (a blob lease), created on first use.
 */
export class BlobStateStore implements StateStore {
  private readonly leaseSeconds: number;
  private readonly lockPollMs: number;
  private containerReady: Promise<void> | undefined;

  constructor(
    readonly location: string,
    private readonly container: ContainerClient,
    options: BlobStateStoreOptions = {},
  ) {
    this.leaseSeconds = options.leaseSeconds ?? 60;
    if (!(this.leaseSeconds >= 15 && this.leaseSeconds <= 60))
      throw new StateError(`lease length must be 15 to 60 seconds, not ${this.leaseSeconds}`);
    this.lockPollMs = options.lockPollMs ?? 2000;
  }

  /** A container URL with an Azure AD credential, or an account key (Azurite's by default on its URL). */
  static fromUrl(
    location: string,
    credential?: BlobCredential,
    options: BlobStateStoreOptions = {},
  ): BlobStateStore {
    const parsed = parseBlobContainerUrl(location);
    const auth =
      credential ??
      (parsed.pathStyle && parsed.accountName === AZURITE_ACCOUNT
        ? new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY)
        : undefined);
    if (!auth)
      throw new StateError(
        `Blob state store ${parsed.url}: no credential given (sign in to Azure, or give the account key)`,
      );
    const client = new ContainerClient(parsed.url, auth, pipelineOptions(options));
    return new BlobStateStore(parsed.url, client, options);
  }

  /** An account connection string (e.g. Azurite's) and a container name. */
  static fromConnectionString(
    connectionString: string,
    containerName: string,
    options: BlobStateStoreOptions = {},
  ): BlobStateStore {
    let client: ContainerClient;
    try {
      client = new ContainerClient(connectionString, containerName, pipelineOptions(options));
    } catch (error) {
      // The SDK's message can quote the string, key included: say only what is wrong.
      throw new StateError(`invalid storage connection string (${(error as Error).name})`);
    }
    return new BlobStateStore(client.url, client, options);
  }

  private blob(cluster: string, key: string): BlockBlobClient {
    checkClusterName(cluster);
    checkKey(key);
    return this.container.getBlockBlobClient(`${cluster}/${key}`);
  }

  /** Wraps SDK failures into one clear StateError line naming the store and what failed. */
  private async call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof StateError) throw error;
      throw new BlobStateError(this.location, doing, describeBlobError(error), { cause: error });
    }
  }

  /** Creates the container (private: no public access) if missing, and refuses a public one. */
  private ensureContainer(): Promise<void> {
    this.containerReady ??= this.call('opening the container', async () => {
      await this.container.createIfNotExists();
      const properties = await this.container.getProperties();
      if (properties.blobPublicAccess)
        throw new BlobStateError(
          this.location,
          'opening the container',
          `it allows public access (${properties.blobPublicAccess}); it holds cluster secrets, so make it private`,
        );
    }).catch((error: unknown) => {
      this.containerReady = undefined;
      throw error;
    });
    return this.containerReady;
  }

  async checkWritable(): Promise<void> {
    try {
      await this.ensureContainer();
      const probe = this.container.getBlockBlobClient(`.probe/${randomUUID()}`);
      await this.call('writing', () => probe.upload('', 0));
      await this.call('deleting', () => probe.deleteIfExists());
    } catch (error) {
      if (!(error instanceof BlobStateError)) throw error;
      throw new StateError(
        `Blob state store ${this.location} is not writable: ${error.doing} failed: ${error.reason}`,
        { cause: error },
      );
    }
  }

  async clusters(): Promise<string[]> {
    return this.call('listing clusters', async () => {
      const names: string[] = [];
      try {
        for await (const item of this.container.listBlobsByHierarchy('/')) {
          if (item.kind === 'prefix' && !item.name.startsWith('.')) names.push(item.name.replace(/\/$/, ''));
        }
      } catch (error) {
        if (statusOf(error) === 404) return [];
        throw error;
      }
      return names.sort();
    });
  }

  async get(cluster: string, key: string): Promise<Buffer | undefined> {
    const blob = this.blob(cluster, key);
    return this.call(`reading ${cluster}/${key}`, () => blob.downloadToBuffer().catch(undefinedOn404));
  }

  async getStream(cluster: string, key: string): Promise<Readable | undefined> {
    const blob = this.blob(cluster, key);
    return this.call(`reading ${cluster}/${key}`, async () => {
      const response = await blob.download().catch(undefinedOn404);
      return response?.readableStreamBody as Readable | undefined;
    });
  }

  async put(cluster: string, key: string, data: string | Buffer): Promise<void> {
    const blob = this.blob(cluster, key);
    await this.ensureContainer();
    await this.call(`writing ${cluster}/${key}`, () =>
      blob.uploadData(typeof data === 'string' ? Buffer.from(data, 'utf8') : data),
    );
  }

  /** Block upload, committed in one Put Block List: readers never see a part. */
  async putStream(cluster: string, key: string, data: Readable): Promise<void> {
    const blob = this.blob(cluster, key);
    await this.ensureContainer();
    await this.call(`writing ${cluster}/${key}`, () => blob.uploadStream(data, 4 * 1024 * 1024, 4));
  }

  async list(cluster: string, prefix = ''): Promise<string[]> {
    checkClusterName(cluster);
    return this.call(`listing ${cluster}`, async () => {
      const keys: string[] = [];
      try {
        for await (const item of this.container.listBlobsFlat({ prefix: `${cluster}/${prefix}` }))
          keys.push(item.name.slice(cluster.length + 1));
      } catch (error) {
        if (statusOf(error) === 404) return [];
        throw error;
      }
      return keys.sort();
    });
  }

  async delete(cluster: string, key: string): Promise<void> {
    const blob = this.blob(cluster, key);
    await this.call(`deleting ${cluster}/${key}`, () =>
      blob.deleteIfExists({ deleteSnapshots: 'include' }).catch(undefinedOn404),
    );
  }

  async remove(cluster: string): Promise<void> {
    for (const key of await this.list(cluster)) await this.delete(cluster, key);
  }

  /**
   * A blob lease on `.locks/<cluster>`, renewed while held: a holder killed outright stops
   * renewing and its lease ends after at most leaseSeconds. The holder's owner, host, pid and
   * start time are the lock blob's metadata, so a waiter can say who it waits for.
   */
  async lock(cluster: string, options: LockOptions): Promise<ClusterLock> {
    checkClusterName(cluster);
    await this.ensureContainer();
    const blob = this.container.getBlockBlobClient(`${LOCKS}/${cluster}`);
    return acquireLock(
      cluster,
      options,
      () => this.call(`taking the lock of ${cluster}`, () => this.tryLock(blob, options.owner)),
      this.lockPollMs,
    );
  }

  private async tryLock(blob: BlockBlobClient, owner: string, created = false): Promise<LockAttempt> {
    const lease = blob.getBlobLeaseClient(randomUUID());
    try {
      await lease.acquireLease(this.leaseSeconds);
    } catch (error) {
      if (statusOf(error) === 404 && !created) {
        // No lock blob yet (or its last holder deleted it): make one; losing that race is fine.
        await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } }).catch((e: unknown) => {
          if (statusOf(e) !== 409 && statusOf(e) !== 412) throw e;
        });
        return this.tryLock(blob, owner, true);
      }
      if (statusOf(error) === 404) return { holder: undefined };
      if (statusOf(error) === 409) return { holder: await readHolder(blob) };
      throw error;
    }
    try {
      await blob.setMetadata(encodeHolder(thisHolder(owner)), { conditions: { leaseId: lease.leaseId } });
    } catch (error) {
      await lease.releaseLease().catch(() => undefined);
      throw error;
    }
    let lost = false;
    const timer = setInterval(
      () => {
        lease.renewLease().catch((error: unknown) => {
          // 409: the lease is gone (expired and taken); other failures are retried next time.
          if (statusOf(error) === 409) lost = true;
        });
      },
      (this.leaseSeconds * 1000) / 3,
    );
    timer.unref();
    return {
      lock: {
        release: async () => {
          clearInterval(timer);
          if (lost) return;
          // Deleting with the lease id ends the lease and leaves nothing behind.
          await blob.delete({ conditions: { leaseId: lease.leaseId } }).catch(() => undefined);
        },
      },
    };
  }
}

function pipelineOptions(options: BlobStateStoreOptions): StoragePipelineOptions {
  return { retryOptions: options.retryOptions ?? DEFAULT_RETRY };
}

async function readHolder(blob: BlockBlobClient): Promise<LockHolder | undefined> {
  try {
    return decodeHolder((await blob.getProperties()).metadata ?? {});
  } catch {
    return undefined;
  }
}

/** Metadata values must be ASCII: encode them. */
function encodeHolder(holder: Required<LockHolder>): Record<string, string> {
  return {
    owner: encodeURIComponent(holder.owner),
    host: encodeURIComponent(holder.host),
    pid: String(holder.pid),
    since: holder.since,
  };
}

function decodeHolder(metadata: Record<string, string>): LockHolder | undefined {
  if (!metadata.owner) return undefined;
  const decode = (value: string | undefined) => {
    try {
      return value === undefined ? undefined : decodeURIComponent(value);
    } catch {
      return value;
    }
  };
  const pid = Number(metadata.pid);
  return {
    owner: decode(metadata.owner)!,
    host: decode(metadata.host),
    pid: Number.isInteger(pid) ? pid : undefined,
    since: metadata.since,
  };
}

interface SdkError {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  details?: { errorCode?: string };
  request?: { url?: string };
}

function statusOf(error: unknown): number | undefined {
  return (error as SdkError | undefined)?.statusCode;
}

function undefinedOn404(error: unknown): undefined {
  if (statusOf(error) === 404) return undefined;
  throw error;
}

const firstLine = (text = '') => text.split('\n')[0]!.trim();

/** What went wrong, in words a user can act on; never the credential itself. */
export function describeBlobError(error: unknown): string {
  const e = (error ?? {}) as SdkError;
  const code = e.details?.errorCode ?? e.code;
  if (e.name === 'CredentialUnavailableError')
    return `no Azure credential is available (${firstLine(e.message)})`;
  if (
    e.name === 'AuthenticationError' ||
    e.name === 'AggregateAuthenticationError' ||
    e.name === 'AuthenticationRequiredError'
  )
    return `signing in to Azure failed (${firstLine(e.message)})`;
  let host = '';
  try {
    host = e.request?.url ? new URL(e.request.url).host : '';
  } catch {
    // keep it empty
  }
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${host || 'the host'} does not resolve (is the storage account name right?)`;
    case 'ECONNREFUSED':
      return `nothing listens at ${host || 'the address'} (for a local store, is Azurite running?)`;
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      return `the connection to ${host || 'the store'} failed (${code})`;
    case 'AuthenticationFailed':
      return 'authentication failed (403 AuthenticationFailed): a wrong account key, or a token for another tenant';
    case 'AuthorizationFailure':
      return "not authorized (403 AuthorizationFailure): a wrong account key, the account's network rules, or key access disabled on it";
    case 'AuthorizationPermissionMismatch':
      return 'access denied (403 AuthorizationPermissionMismatch): the identity needs the "Storage Blob Data Contributor" role on the account or container';
    case 'ResourceNotFound':
      return `no such storage account at ${host || 'that address'} (404 ResourceNotFound)`;
    case 'InvalidHeaderValue':
      return `the service refused the request (${firstLine(e.message)}); for Azurite, start it with --skipApiVersionCheck`;
  }
  if (e.statusCode === 403) return `access denied (403${code ? ` ${code}` : ''})`;
  const status = [e.statusCode, code].filter(Boolean).join(' ');
  return `${status ? `${status}: ` : ''}${firstLine(e.message) || String(error)}`;
}
