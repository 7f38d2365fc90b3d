export const id = 454;
export const ids = [454];
export const modules = {

/***/ 83454:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AZURITE_ACCOUNT: () => (/* binding */ AZURITE_ACCOUNT),
/* harmony export */   BlobStateStore: () => (/* binding */ BlobStateStore),
/* harmony export */   parseBlobContainerUrl: () => (/* binding */ parseBlobContainerUrl)
/* harmony export */ });
/* unused harmony exports AZURITE_ACCOUNT_KEY, BlobStateError, describeBlobError */
/* harmony import */ var _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(88747);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(77030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _store_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(89916);




/** Azurite's well-known development account (published in Azurite's README; not a secret). */
const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;
/**
 * Parses a blob container URL: https://<account>.blob.core.windows.net/<container> (or another
 * cloud's host), or the path style Azurite serves, http://127.0.0.1:10000/<account>/<container>.
 * Plain http is only accepted on loopback hosts; a query (SAS token) is refused, so the URL can be
 * shown in messages without leaking a secret.
 */
function parseBlobContainerUrl(location) {
    const fail = (why) => new _store_js__WEBPACK_IMPORTED_MODULE_3__/* .StateError */ .qq(`invalid blob container URL "${redact(location)}": ${why}`);
    let url;
    try {
        url = new URL(location);
    }
    catch {
        throw fail('not a URL');
    }
    if (url.search || url.hash || url.username || url.password)
        throw fail('remove the query, fragment or user info (SAS tokens are not supported; use Azure AD or a key)');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
        throw fail('use https (plain http only for a local emulator such as Azurite on 127.0.0.1)');
    const segments = url.pathname.split('/').filter(Boolean);
    const pathStyle = loopback || (0,node_net__WEBPACK_IMPORTED_MODULE_2__.isIP)(host) !== 0;
    const expected = pathStyle ? 2 : 1;
    if (segments.length !== expected)
        throw fail(pathStyle
            ? 'expected http://<host>:<port>/<account>/<container>'
            : 'expected https://<account>.blob.core.windows.net/<container>');
    const accountName = pathStyle ? segments[0] : host.split('.')[0];
    const containerName = segments[expected - 1];
    if (!CONTAINER_NAME.test(containerName))
        throw fail(`"${containerName}" is not a valid container name (3-63 lowercase letters, digits and single hyphens)`);
    return { url: `${url.origin}/${segments.join('/')}`, accountName, containerName, pathStyle };
}
function redact(location) {
    return location.replace(/\?.*$/s, '?…');
}
/** A failed store operation: what was being done and why it failed, in words a user can act on. */
class BlobStateError extends _store_js__WEBPACK_IMPORTED_MODULE_3__/* .StateError */ .qq {
    doing;
    reason;
    name = 'BlobStateError';
    constructor(location, doing, reason, options) {
        super(`Blob state store ${location}: ${doing} failed: ${reason}`, options);
        this.doing = doing;
        this.reason = reason;
    }
}
const DEFAULT_RETRY = { maxTries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 4000 };
const LOCKS = '.locks';
/**
 * The state store in one private Blob container: `<cluster>/<key>` per value, `.locks/<cluster>`
 * for each cluster's lock (a blob lease), created on first use.
 */
class BlobStateStore {
    location;
    container;
    leaseSeconds;
    lockPollMs;
    containerReady;
    constructor(location, container, options = {}) {
        this.location = location;
        this.container = container;
        this.leaseSeconds = options.leaseSeconds ?? 60;
        if (!(this.leaseSeconds >= 15 && this.leaseSeconds <= 60))
            throw new _store_js__WEBPACK_IMPORTED_MODULE_3__/* .StateError */ .qq(`lease length must be 15 to 60 seconds, not ${this.leaseSeconds}`);
        this.lockPollMs = options.lockPollMs ?? 2000;
    }
    /** A container URL with an Azure AD credential, or an account key (Azurite's by default on its URL). */
    static fromUrl(location, credential, options = {}) {
        const parsed = parseBlobContainerUrl(location);
        const auth = credential ??
            (parsed.pathStyle && parsed.accountName === AZURITE_ACCOUNT
                ? new _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__/* .StorageSharedKeyCredential */ .Z3(AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY)
                : undefined);
        if (!auth)
            throw new _store_js__WEBPACK_IMPORTED_MODULE_3__/* .StateError */ .qq(`Blob state store ${parsed.url}: no credential given (sign in to Azure, or give the account key)`);
        const client = new _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__/* .ContainerClient */ .bM(parsed.url, auth, pipelineOptions(options));
        return new BlobStateStore(parsed.url, client, options);
    }
    /** An account connection string (e.g. Azurite's) and a container name. */
    static fromConnectionString(connectionString, containerName, options = {}) {
        let client;
        try {
            client = new _azure_storage_blob__WEBPACK_IMPORTED_MODULE_0__/* .ContainerClient */ .bM(connectionString, containerName, pipelineOptions(options));
        }
        catch (error) {
            // The SDK's message can quote the string, key included: say only what is wrong.
            throw new _store_js__WEBPACK_IMPORTED_MODULE_3__/* .StateError */ .qq(`invalid storage connection string (${error.name})`);
        }
        return new BlobStateStore(client.url, client, options);
    }
    blob(cluster, key) {
        (0,_store_js__WEBPACK_IMPORTED_MODULE_3__/* .checkClusterName */ .YN)(cluster);
        (0,_store_js__WEBPACK_IMPORTED_MODULE_3__/* .checkKey */ .yR)(key);
        return this.container.getBlockBlobClient(`${cluster}/${key}`);
    }
    /** Wraps SDK failures into one clear StateError line naming the store and what failed. */
    async call(doing, fn) {
        try {
            return await fn();
        }
        catch (error) {
            if (error instanceof _store_js__WEBPACK_IMPORTED_MODULE_3__/* .StateError */ .qq)
                throw error;
            throw new BlobStateError(this.location, doing, describeBlobError(error), { cause: error });
        }
    }
    /** Creates the container (private: no public access) if missing, and refuses a public one. */
    ensureContainer() {
        this.containerReady ??= this.call('opening the container', async () => {
            await this.container.createIfNotExists();
            const properties = await this.container.getProperties();
            if (properties.blobPublicAccess)
                throw new BlobStateError(this.location, 'opening the container', `it allows public access (${properties.blobPublicAccess}); it holds cluster secrets, so make it private`);
        }).catch((error) => {
            this.containerReady = undefined;
            throw error;
        });
        return this.containerReady;
    }
    async checkWritable() {
        try {
            await this.ensureContainer();
            const probe = this.container.getBlockBlobClient(`.probe/${(0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.randomUUID)()}`);
            await this.call('writing', () => probe.upload('', 0));
            await this.call('deleting', () => probe.deleteIfExists());
        }
        catch (error) {
            if (!(error instanceof BlobStateError))
                throw error;
            throw new _store_js__WEBPACK_IMPORTED_MODULE_3__/* .StateError */ .qq(`Blob state store ${this.location} is not writable: ${error.doing} failed: ${error.reason}`, { cause: error });
        }
    }
    async clusters() {
        return this.call('listing clusters', async () => {
            const names = [];
            try {
                for await (const item of this.container.listBlobsByHierarchy('/')) {
                    if (item.kind === 'prefix' && !item.name.startsWith('.'))
                        names.push(item.name.replace(/\/$/, ''));
                }
            }
            catch (error) {
                if (statusOf(error) === 404)
                    return [];
                throw error;
            }
            return names.sort();
        });
    }
    async get(cluster, key) {
        const blob = this.blob(cluster, key);
        return this.call(`reading ${cluster}/${key}`, () => blob.downloadToBuffer().catch(undefinedOn404));
    }
    async getStream(cluster, key) {
        const blob = this.blob(cluster, key);
        return this.call(`reading ${cluster}/${key}`, async () => {
            const response = await blob.download().catch(undefinedOn404);
            return response?.readableStreamBody;
        });
    }
    async put(cluster, key, data) {
        const blob = this.blob(cluster, key);
        await this.ensureContainer();
        await this.call(`writing ${cluster}/${key}`, () => blob.uploadData(typeof data === 'string' ? Buffer.from(data, 'utf8') : data));
    }
    /** Block upload, committed in one Put Block List: readers never see a part. */
    async putStream(cluster, key, data) {
        const blob = this.blob(cluster, key);
        await this.ensureContainer();
        await this.call(`writing ${cluster}/${key}`, () => blob.uploadStream(data, 4 * 1024 * 1024, 4));
    }
    async list(cluster, prefix = '') {
        (0,_store_js__WEBPACK_IMPORTED_MODULE_3__/* .checkClusterName */ .YN)(cluster);
        return this.call(`listing ${cluster}`, async () => {
            const keys = [];
            try {
                for await (const item of this.container.listBlobsFlat({ prefix: `${cluster}/${prefix}` }))
                    keys.push(item.name.slice(cluster.length + 1));
            }
            catch (error) {
                if (statusOf(error) === 404)
                    return [];
                throw error;
            }
            return keys.sort();
        });
    }
    async delete(cluster, key) {
        const blob = this.blob(cluster, key);
        await this.call(`deleting ${cluster}/${key}`, () => blob.deleteIfExists({ deleteSnapshots: 'include' }).catch(undefinedOn404));
    }
    async remove(cluster) {
        for (const key of await this.list(cluster))
            await this.delete(cluster, key);
    }
    /**
     * A blob lease on `.locks/<cluster>`, renewed while held: a holder killed outright stops
     * renewing and its lease ends after at most leaseSeconds. The holder's owner, host, pid and
     * start time are the lock blob's metadata, so a waiter can say who it waits for.
     */
    async lock(cluster, options) {
        (0,_store_js__WEBPACK_IMPORTED_MODULE_3__/* .checkClusterName */ .YN)(cluster);
        await this.ensureContainer();
        const blob = this.container.getBlockBlobClient(`${LOCKS}/${cluster}`);
        return (0,_store_js__WEBPACK_IMPORTED_MODULE_3__/* .acquireLock */ .IZ)(cluster, options, () => this.call(`taking the lock of ${cluster}`, () => this.tryLock(blob, options.owner)), this.lockPollMs);
    }
    async tryLock(blob, owner, created = false) {
        const lease = blob.getBlobLeaseClient((0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.randomUUID)());
        try {
            await lease.acquireLease(this.leaseSeconds);
        }
        catch (error) {
            if (statusOf(error) === 404 && !created) {
                // No lock blob yet (or its last holder deleted it): make one; losing that race is fine.
                await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } }).catch((e) => {
                    if (statusOf(e) !== 409 && statusOf(e) !== 412)
                        throw e;
                });
                return this.tryLock(blob, owner, true);
            }
            if (statusOf(error) === 404)
                return { holder: undefined };
            if (statusOf(error) === 409)
                return { holder: await readHolder(blob) };
            throw error;
        }
        try {
            await blob.setMetadata(encodeHolder((0,_store_js__WEBPACK_IMPORTED_MODULE_3__/* .thisHolder */ .Do)(owner)), { conditions: { leaseId: lease.leaseId } });
        }
        catch (error) {
            await lease.releaseLease().catch(() => undefined);
            throw error;
        }
        let lost = false;
        const timer = setInterval(() => {
            lease.renewLease().catch((error) => {
                // 409: the lease is gone (expired and taken); other failures are retried next time.
                if (statusOf(error) === 409)
                    lost = true;
            });
        }, (this.leaseSeconds * 1000) / 3);
        timer.unref();
        return {
            lock: {
                release: async () => {
                    clearInterval(timer);
                    if (lost)
                        return;
                    // Deleting with the lease id ends the lease and leaves nothing behind.
                    await blob.delete({ conditions: { leaseId: lease.leaseId } }).catch(() => undefined);
                },
            },
        };
    }
}
function pipelineOptions(options) {
    return { retryOptions: options.retryOptions ?? DEFAULT_RETRY };
}
async function readHolder(blob) {
    try {
        return decodeHolder((await blob.getProperties()).metadata ?? {});
    }
    catch {
        return undefined;
    }
}
/** Metadata values must be ASCII: encode them. */
function encodeHolder(holder) {
    return {
        owner: encodeURIComponent(holder.owner),
        host: encodeURIComponent(holder.host),
        pid: String(holder.pid),
        since: holder.since,
    };
}
function decodeHolder(metadata) {
    if (!metadata.owner)
        return undefined;
    const decode = (value) => {
        try {
            return value === undefined ? undefined : decodeURIComponent(value);
        }
        catch {
            return value;
        }
    };
    const pid = Number(metadata.pid);
    return {
        owner: decode(metadata.owner),
        host: decode(metadata.host),
        pid: Number.isInteger(pid) ? pid : undefined,
        since: metadata.since,
    };
}
function statusOf(error) {
    return error?.statusCode;
}
function undefinedOn404(error) {
    if (statusOf(error) === 404)
        return undefined;
    throw error;
}
const firstLine = (text = '') => text.split('\n')[0].trim();
/** What went wrong, in words a user can act on; never the credential itself. */
function describeBlobError(error) {
    const e = (error ?? {});
    const code = e.details?.errorCode ?? e.code;
    if (e.name === 'CredentialUnavailableError')
        return `no Azure credential is available (${firstLine(e.message)})`;
    if (e.name === 'AuthenticationError' ||
        e.name === 'AggregateAuthenticationError' ||
        e.name === 'AuthenticationRequiredError')
        return `signing in to Azure failed (${firstLine(e.message)})`;
    let host = '';
    try {
        host = e.request?.url ? new URL(e.request.url).host : '';
    }
    catch {
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
    if (e.statusCode === 403)
        return `access denied (403${code ? ` ${code}` : ''})`;
    const status = [e.statusCode, code].filter(Boolean).join(' ');
    return `${status ? `${status}: ` : ''}${firstLine(e.message) || String(error)}`;
}


/***/ })

};
