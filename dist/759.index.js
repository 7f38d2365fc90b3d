export const id = 759;
export const ids = [759];
export const modules = {

/***/ 90759:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  EmulatorUsageError: () => (/* binding */ EmulatorUsageError),
  runEmulatorCli: () => (/* binding */ runEmulatorCli)
});

// UNUSED EXPORTS: USAGE

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
// EXTERNAL MODULE: ./node_modules/dockerode/lib/docker.js
var lib_docker = __webpack_require__(39040);
var docker_default = /*#__PURE__*/__webpack_require__.n(lib_docker);
// EXTERNAL MODULE: ./src/core/backends/docker.ts + 1 modules
var backends_docker = __webpack_require__(23880);
// EXTERNAL MODULE: ./src/core/names.ts
var names = __webpack_require__(22483);
// EXTERNAL MODULE: external "node:dns/promises"
var external_node_dns_promises_ = __webpack_require__(71553);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
;// CONCATENATED MODULE: ./src/emulator/edge.ts



/**
 * The emulator's edge: how this machine reaches emulated groups' public addresses. Their FQDNs
 * (`<label>.<region>.azurecontainer.io`) resolve only on the engine network, so the edge is an
 * HTTP CONNECT proxy on 127.0.0.1 that tunnels to a group by its FQDN, as the internet would.
 * kubectl and the Kubernetes client use it through the kubeconfig's `proxy-url`; the tunnelled
 * TLS is end to end, so the client still verifies the API server's certificate for its FQDN.
 * Only names under the emulated zones are tunnelled: it is no open proxy. Blob endpoints are one of
 * them, so a Blob stand-in on the engine network (Azurite with a production-style name) has one
 * URL for this machine and for the groups alike.
 */
const PUBLIC_ZONES = ['.azurecontainer.io', '.blob.core.windows.net'];
async function startEdgeProxy(options) {
    const server = (0,external_node_http_.createServer)((_req, res) => {
        res.writeHead(405, { 'Content-Type': 'text/plain' }).end('only CONNECT is served\n');
    });
    server.on('connect', (req, client, head) => {
        const refuse = (status) => client.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
        const match = /^([a-z0-9.-]+):(\d{1,5})$/i.exec(req.url ?? '');
        const host = match?.[1]?.toLowerCase() ?? '';
        const port = Number(match?.[2]);
        if (!match || !PUBLIC_ZONES.some((zone) => host.endsWith(zone)) || !(port > 0 && port < 65536))
            return refuse('403 Forbidden');
        void (async () => {
            const address = (await options.resolve(host).catch(() => undefined)) ??
                (await (0,external_node_dns_promises_.lookup)(host)
                    .then((a) => a.address)
                    .catch(() => undefined));
            if (!address)
                return refuse('502 Bad Gateway');
            const upstream = (0,external_node_net_.connect)(port, address, () => {
                client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
                if (head.length)
                    upstream.write(head);
                upstream.pipe(client);
                client.pipe(upstream);
            });
            upstream.on('error', () => (client.writable ? refuse('502 Bad Gateway') : client.destroy()));
            client.on('error', () => upstream.destroy());
            client.on('close', () => upstream.destroy());
        })();
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const port = server.address().port;
    options.log?.(`edge proxy http://127.0.0.1:${port} (CONNECT to ${PUBLIC_ZONES.map((z) => `*${z}`).join(', ')})`);
    return {
        url: `http://127.0.0.1:${port}`,
        port,
        stop: () => new Promise((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
        }),
    };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/emulator/arm.ts
/** ARM's error shape and the errors the emulator answers with, worded as ARM and ACI word them. */
const PROVIDER = 'Microsoft.ContainerInstance';
const GROUP_TYPE = `${PROVIDER}/containerGroups`;
const API_VERSION = '2023-05-01';
/** An answer in ARM's error shape, `{"error":{"code","message"}}`, with its HTTP status. */
class ArmError extends Error {
    status;
    code;
    extra;
    name = 'ArmError';
    constructor(status, code, message, extra = {}) {
        super(message);
        this.status = status;
        this.code = code;
        this.extra = extra;
    }
    body() {
        const error = { code: this.code, message: this.message };
        if (this.extra.target)
            error.target = this.extra.target;
        if (this.extra.details?.length)
            error.details = this.extra.details;
        return { error };
    }
}
function groupNotFound(resourceGroup, name) {
    return new ArmError(404, 'ResourceNotFound', `The Resource '${GROUP_TYPE}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
}
function transitioning(name) {
    return new ArmError(409, 'ContainerGroupTransitioning', `The container group '${name}' is still transitioning, please retry later.`);
}
function missingApiVersion() {
    return new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
}
function unsupportedApiVersion(version, location) {
    return new ArmError(400, 'NoRegisteredProviderFound', `No registered resource provider found for location '${location ?? 'global'}' and API version '${version}' for type 'containerGroups'. The supported api-versions are '${API_VERSION}'.`);
}
/** ARM's subscription token bucket ran dry. */
function throttled(kind, subscription, retryAfterSeconds) {
    return new ArmError(429, 'SubscriptionRequestsThrottled', `Number of '${kind}' requests for subscription '${subscription}' exceeded. Please try again after '${retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`, { headers: { 'Retry-After': String(retryAfterSeconds) } });
}
function internalError(detail = 'Encountered an internal server error.') {
    return new ArmError(500, 'InternalServerError', detail);
}
/** 401 answers, with the `WWW-Authenticate` header ARM sends. */
function unauthorized(code, message, authority) {
    return new ArmError(401, code, message, {
        headers: {
            'WWW-Authenticate': `Bearer authorization_uri="${authority}", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
        },
    });
}

;// CONCATENATED MODULE: ./src/emulator/model.ts



/** ARM reports locations in their short form: "West Europe" → "westeurope". */
function normalizeLocation(location) {
    return location.replace(/\s+/g, '').toLowerCase();
}
function groupId(subscriptionId, resourceGroup, name) {
    return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${GROUP_TYPE}/${name}`;
}
/**
 * The DNS label as published: the label itself (`Unsecure`), or with a hash of the reuse scope, so
 * a label is only reused inside its tenant, subscription or resource group.
 */
function effectiveDnsLabel(group, tenantId) {
    const ip = group.properties.ipAddress;
    if (!ip?.dnsNameLabel)
        return undefined;
    const scope = (ip.autoGeneratedDomainNameLabelScope ?? 'Unsecure').toLowerCase();
    const seed = {
        unsecure: undefined,
        tenantreuse: tenantId,
        subscriptionreuse: group.subscriptionId,
        resourcegroupreuse: `${group.subscriptionId}/${group.resourceGroup.toLowerCase()}`,
        noreuse: `${group.subscriptionId}/${group.resourceGroup.toLowerCase()}/${group.name}`,
    }[scope];
    if (seed === undefined)
        return ip.dnsNameLabel;
    const hash = (0,external_node_crypto_.createHash)('sha256').update(`${seed}/${ip.dnsNameLabel}`).digest('hex').slice(0, 12);
    return `${ip.dnsNameLabel}-${hash}`;
}
function fqdnOf(label, location) {
    return `${label}.${location}.azurecontainer.io`;
}
function model_event(name, message, at = new Date(), type = 'Normal') {
    const t = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { count: 1, firstTimestamp: t, lastTimestamp: t, name, message, type };
}
function iso(value) {
    if (!value)
        return undefined;
    return (typeof value === 'string' ? value : value.toISOString()).replace(/\.\d{3}Z$/, 'Z');
}
const definedOnly = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
function omit(o, ...keys) {
    return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}
/** The secrets ACI never returns: secure values, registry passwords, secret volume contents, keys. */
function redactProperties(p) {
    const env = (list) => list?.map((e) => (e.secureValue === undefined ? e : { name: e.name }));
    const out = {
        ...p,
        containers: p.containers.map((c) => ({
            ...c,
            properties: definedOnly({
                ...c.properties,
                environmentVariables: env(c.properties.environmentVariables),
            }),
        })),
    };
    if (p.initContainers) {
        out.initContainers = p.initContainers.map((c) => ({
            ...c,
            properties: definedOnly({
                ...c.properties,
                environmentVariables: env(c.properties.environmentVariables),
            }),
        }));
    }
    if (p.volumes) {
        out.volumes = p.volumes.map((v) => {
            const copy = { ...v };
            if (v.secret)
                copy.secret = {};
            if (v.azureFile) {
                copy.azureFile = omit(v.azureFile, 'storageAccountKey');
            }
            return copy;
        });
    }
    if (Array.isArray(p.imageRegistryCredentials)) {
        out.imageRegistryCredentials = p.imageRegistryCredentials.map((c) => omit(c, 'password'));
    }
    const diagnostics = p.diagnostics;
    if (diagnostics?.logAnalytics) {
        out.diagnostics = {
            ...diagnostics,
            logAnalytics: omit(diagnostics.logAnalytics, 'workspaceKey', 'workspaceResourceId'),
        };
    }
    return out;
}
/** The container group as ARM returns it: the stored definition, secrets removed, plus state. */
function renderGroup(g, o) {
    const props = redactProperties(g.properties);
    const viewOf = new Map();
    for (const c of [...(o.view?.containers ?? []), ...(o.view?.initContainers ?? [])])
        viewOf.set(c.name, c);
    const containerView = (name) => {
        const c = viewOf.get(name)?.instanceView;
        const events = g.containerEvents[name] ?? [];
        if (g.stopped) {
            return { restartCount: 0, currentState: { state: 'Terminated', detailStatus: 'Stopped' }, events };
        }
        if (!c)
            return { restartCount: 0, currentState: { state: 'Waiting', detailStatus: '' }, events };
        const s = c.currentState;
        return definedOnly({
            restartCount: c.restartCount ?? 0,
            currentState: s
                ? definedOnly({
                    state: s.state,
                    startTime: iso(s.startTime),
                    exitCode: s.exitCode,
                    finishTime: iso(s.finishTime),
                    detailStatus: s.detailStatus ?? '',
                })
                : undefined,
            events,
        });
    };
    // ACI fills in the lists a request left out.
    const withDefaults = (c, lists) => ({
        ...c,
        properties: { ...Object.fromEntries(lists.map((l) => [l, []])), ...c.properties },
    });
    props.containers = props.containers.map((c) => withDefaults(c, ['command', 'ports', 'environmentVariables']));
    props.initContainers = (props.initContainers ?? []).map((c) => withDefaults(c, ['command', 'environmentVariables']));
    // ACI keeps an extension's protected settings to itself, and names the default SKU.
    if (Array.isArray(props.extensions)) {
        props.extensions = props.extensions.map((x) => x.properties ? { ...x, properties: omit(x.properties, 'protectedSettings') } : x);
    }
    props.sku ??= 'Standard';
    const properties = { ...props, provisioningState: g.provisioningState };
    if (o.mode === 'put') {
        properties.instanceView = { events: g.events, state: 'Pending' };
    }
    else if (o.mode !== 'list') {
        properties.containers = props.containers.map((c) => ({
            ...c,
            properties: { ...c.properties, instanceView: containerView(c.name) },
        }));
        if (props.initContainers) {
            properties.initContainers = props.initContainers.map((c) => ({
                ...c,
                properties: { ...c.properties, instanceView: containerView(c.name) },
            }));
        }
        const state = g.stopped ? 'Stopped' : (o.view?.instanceView?.state ?? 'Pending');
        properties.instanceView = { events: g.events, state };
    }
    if (props.ipAddress) {
        const label = effectiveDnsLabel(g, o.tenantId);
        const ip = g.stopped ? undefined : (o.view?.ipAddress?.ip ?? g.ip);
        properties.ipAddress = definedOnly({
            ...props.ipAddress,
            ip,
            fqdn: label ? fqdnOf(label, g.location) : undefined,
        });
    }
    return definedOnly({
        id: g.id,
        name: g.name,
        type: GROUP_TYPE,
        location: g.location,
        tags: g.tags,
        zones: g.zones,
        identity: g.identity,
        properties,
    });
}
const CA_VOLUME = 'frankenetes-emulator-ca';
/** The docker backend's definition of a stored group. */
function toPlannedGroup(g, s) {
    const p = g.properties;
    const injected = (list) => {
        const env = [...(list ?? [])];
        for (const [name, value] of Object.entries(s.inject?.env ?? {})) {
            if (!env.some((e) => e.name === name))
                env.push({ name, secureValue: value });
        }
        return env;
    };
    const caMount = s.inject ? [{ name: CA_VOLUME, mountPath: s.inject.caDir, readOnly: true }] : [];
    const containers = p.containers.map((c) => ({
        name: c.name,
        image: s.images[c.name] ?? c.properties.image,
        command: c.properties.command?.length ? c.properties.command : undefined,
        ports: c.properties.ports,
        environmentVariables: injected(c.properties.environmentVariables),
        resources: c.properties.resources,
        volumeMounts: [...(c.properties.volumeMounts ?? []), ...caMount],
    }));
    const initContainers = p.initContainers?.map((c) => ({
        name: c.name,
        image: c.properties.image ? (s.images[c.name] ?? c.properties.image) : undefined,
        command: c.properties.command?.length ? c.properties.command : undefined,
        environmentVariables: injected(c.properties.environmentVariables),
        volumeMounts: [...(c.properties.volumeMounts ?? []), ...caMount],
    }));
    // Azure Files and git repo volumes cannot be reached offline: they start empty, like an emptyDir.
    const volumes = (p.volumes ?? []).map((v) => v.secret ? { name: v.name, secret: v.secret } : { name: v.name, emptyDir: {} });
    if (s.inject)
        volumes.push({ name: CA_VOLUME, secret: { 'ca.crt': Buffer.from(s.inject.caPem).toString('base64') } });
    const label = effectiveDnsLabel(g, s.tenantId);
    return {
        name: g.engineName,
        location: g.location,
        osType: 'Linux',
        restartPolicy: p.restartPolicy ?? 'Always',
        containers,
        initContainers: initContainers?.length ? initContainers : undefined,
        volumes: volumes.length ? volumes : undefined,
        ipAddress: p.ipAddress
            ? {
                type: p.ipAddress.type,
                ports: p.ipAddress.ports.map((port) => ({
                    port: port.port,
                    protocol: port.protocol?.toUpperCase(),
                })),
                dnsNameLabel: label,
            }
            : undefined,
        tags: { [names/* TAG */.Dk.cluster]: s.cluster, 'frankenetes.emulator.id': g.id.toLowerCase() },
        local: { hostPorts: Object.fromEntries((p.ipAddress?.ports ?? []).map((port) => [port.port, 0])) },
    };
}

// EXTERNAL MODULE: ./node_modules/ws/wrapper.mjs
var wrapper = __webpack_require__(52977);
// EXTERNAL MODULE: ./src/core/pki.ts
var pki = __webpack_require__(71591);
// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(46193);
;// CONCATENATED MODULE: ./src/emulator/tokens.ts

/**
 * Access tokens the emulator issues and checks: ES256 JWTs signed with its own key, shaped like
 * Entra ID's (aud, iss, tid, oid, appid, exp). Clients treat them as opaque strings, as they must.
 */
/** The audiences ARM accepts; a token for anything else is refused as ARM refuses it. */
const ARM_AUDIENCES = [
    'https://management.core.windows.net/',
    'https://management.core.windows.net',
    'https://management.azure.com/',
    'https://management.azure.com',
];
const b64url = (data) => Buffer.from(data).toString('base64url');
class TokenSigner {
    keyId;
    privateKey;
    publicKey;
    constructor(privateKeyPem) {
        if (privateKeyPem) {
            this.privateKey = (0,external_node_crypto_.createPrivateKey)(privateKeyPem);
            this.publicKey = (0,external_node_crypto_.createPublicKey)(this.privateKey);
        }
        else {
            const pair = (0,external_node_crypto_.generateKeyPairSync)('ec', { namedCurve: 'P-256' });
            this.privateKey = pair.privateKey;
            this.publicKey = pair.publicKey;
        }
        const der = this.publicKey.export({ type: 'spki', format: 'der' });
        this.keyId = (0,external_node_crypto_.createHash)('sha256').update(der).digest('base64url').slice(0, 27);
    }
    privateKeyPem() {
        return this.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    }
    /** The public key as a JWKS document (what `jwks_uri` serves). */
    jwks() {
        return {
            keys: [{ ...this.publicKey.export({ format: 'jwk' }), kid: this.keyId, use: 'sig', alg: 'ES256' }],
        };
    }
    issue(claims, lifetimeSeconds, now = Date.now()) {
        const iat = Math.floor(now / 1000);
        const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', kid: this.keyId }));
        const body = b64url(JSON.stringify({ ...claims, iat, nbf: iat - 300, exp: iat + lifetimeSeconds }));
        const signature = (0,external_node_crypto_.sign)('sha256', Buffer.from(`${header}.${body}`), {
            key: this.privateKey,
            dsaEncoding: 'ieee-p1363',
        });
        return `${header}.${body}.${b64url(signature)}`;
    }
    /** The claims of a token this signer issued, or why it is not one. */
    check(token, now = Date.now()) {
        const parts = token.split('.');
        if (parts.length !== 3)
            return { problem: 'malformed' };
        const [header, body, signature] = parts;
        let claims;
        try {
            claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
        }
        catch {
            return { problem: 'malformed' };
        }
        const valid = (0,external_node_crypto_.verify)('sha256', Buffer.from(`${header}.${body}`), { key: this.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
        if (!valid)
            return { problem: 'signature' };
        if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now)
            return { problem: 'expired', exp: claims.exp };
        return { claims };
    }
}
/** Decodes a JWT's payload without checking it (federated assertions come from issuers we cannot reach). */
function decodeJwtPayload(token) {
    const body = token.split('.')[1];
    if (!body || token.split('.').length !== 3)
        return undefined;
    try {
        const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
        return payload && typeof payload === 'object' ? payload : undefined;
    }
    catch {
        return undefined;
    }
}
function secretsEqual(a, b) {
    const x = (0,external_node_crypto_.createHash)('sha256').update(a).digest();
    const y = (0,external_node_crypto_.createHash)('sha256').update(b).digest();
    return (0,external_node_crypto_.timingSafeEqual)(x, y);
}
/** A UUID derived from a string: stable object ids for identities named by resource id. */
function uuidFrom(text) {
    const h = (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

;// CONCATENATED MODULE: ./src/emulator/exec.ts



/** A session unused for this long is dropped: the URI is single-use and short-lived. */
const SESSION_TTL_MS = 60_000;
class Sessions {
    exec = new Map();
    attach = new Map();
    addExec(open) {
        return this.add(this.exec, open);
    }
    addAttach(open) {
        return this.add(this.attach, open);
    }
    add(map, open) {
        const now = Date.now();
        for (const [id, s] of map)
            if (s.expires < now)
                map.delete(id);
        const id = (0,external_node_crypto_.randomUUID)();
        const password = (0,external_node_crypto_.randomBytes)(24).toString('base64url');
        map.set(id, { password, expires: now + SESSION_TTL_MS, open });
        return { id, password };
    }
    takeExec(id) {
        return take(this.exec, id);
    }
    takeAttach(id) {
        return take(this.attach, id);
    }
}
function take(map, id) {
    const s = map.get(id);
    map.delete(id);
    return s && s.expires >= Date.now() ? s : undefined;
}
/** Runs one exec session over an accepted WebSocket. */
function serveExec(ws, session, log) {
    let exec;
    let authenticated = false;
    // Input that arrives while the command is still starting is kept for it, in order.
    const early = [];
    const decoder = new external_node_string_decoder_.StringDecoder('utf8');
    const timer = setTimeout(() => ws.close(1008, 'no password'), 10_000);
    ws.on('message', (data, isBinary) => {
        const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data);
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
                for (const chunk of early.splice(0))
                    e.stdin?.write(chunk);
                e.stdout.on('data', (chunk) => {
                    const text = decoder.write(chunk);
                    if (text && ws.readyState === ws.OPEN)
                        ws.send(text);
                });
                e.stdout.on('end', () => {
                    const rest = decoder.end();
                    if (rest && ws.readyState === ws.OPEN)
                        ws.send(rest);
                    ws.close(1000);
                });
            })
                .catch((error) => {
                const message = error instanceof Error ? error.message : String(error);
                log(`exec failed: ${message}`);
                if (ws.readyState === ws.OPEN)
                    ws.send(`${message}\r\n`);
                ws.close(1011, 'exec failed');
            });
            return;
        }
        void isBinary;
        if (exec)
            exec.stdin?.write(bytes);
        else
            early.push(bytes);
    });
    ws.on('close', () => {
        clearTimeout(timer);
        exec?.closeStdin();
        exec?.stdout.destroy();
    });
    ws.on('error', () => undefined);
}
/** Streams a container's output over an accepted WebSocket until either side ends. */
function serveAttach(ws, session, log) {
    const decoder = new external_node_string_decoder_.StringDecoder('utf8');
    let stream;
    session
        .open()
        .then((s) => {
        stream = s;
        s.on('data', (chunk) => {
            const text = decoder.write(chunk);
            if (text && ws.readyState === ws.OPEN)
                ws.send(text);
        });
        s.on('end', () => ws.close(1000));
    })
        .catch((error) => {
        log(`attach failed: ${error instanceof Error ? error.message : String(error)}`);
        ws.close(1011, 'attach failed');
    });
    ws.on('close', () => stream?.destroy());
    ws.on('error', () => undefined);
}

;// CONCATENATED MODULE: ./src/emulator/faults.ts
/**
 * Faults tests inject into the emulator, each used up as it fires: error answers (500 ×N, 429 with
 * Retry-After), long-running operations that fail, and groups that die once started.
 */
class Faults {
    list = [];
    add(fault) {
        const remaining = 'count' in fault ? Math.max(1, fault.count) : 1;
        this.list.push({ ...fault, remaining });
    }
    clear() {
        this.list = [];
    }
    pending() {
        return this.list.map((f) => {
            const copy = { ...f };
            delete copy.remaining;
            return copy;
        });
    }
    take(kind, matches) {
        const found = this.list.find((f) => f.kind === kind && matches(f));
        if (!found)
            return undefined;
        found.remaining -= 1;
        if (found.remaining <= 0)
            this.list = this.list.filter((f) => f !== found);
        return found;
    }
    /** An error or throttle fault for this request, if one is pending. */
    forRequest(method, path) {
        const hit = (f) => (!f.method || f.method.toUpperCase() === method.toUpperCase()) &&
            (!f.path || new RegExp(f.path, 'i').test(path));
        return this.take('error', hit) ?? this.take('throttle', hit);
    }
    forOperation(group, operation) {
        return this.take('failOperation', (f) => (!f.group || f.group === group) && (!f.operation || f.operation === operation));
    }
    forStart(group) {
        return this.take('dieAfterStart', (f) => !f.group || f.group === group);
    }
}

// EXTERNAL MODULE: ./src/core/backend.ts
var backend = __webpack_require__(96667);
;// CONCATENATED MODULE: ./src/emulator/rules.ts

/** ACI's defaults per subscription and region (DESIGN §3). */
const ACI_LIMITS = {
    cpuPerGroup: 4,
    memoryInGBPerGroup: 16,
    containersPerGroup: 60,
    volumesPerGroup: 20,
    portsPerIp: 5,
    groupsPerRegion: 100,
    coresPerRegion: 100,
};
/** Regions where ACI runs Linux container groups (a static list; ARM refuses others). */
const ACI_REGIONS = [
    'australiaeast',
    'australiasoutheast',
    'brazilsouth',
    'canadacentral',
    'canadaeast',
    'centralindia',
    'centralus',
    'eastasia',
    'eastus',
    'eastus2',
    'francecentral',
    'germanywestcentral',
    'italynorth',
    'japaneast',
    'japanwest',
    'koreacentral',
    'northcentralus',
    'northeurope',
    'norwayeast',
    'polandcentral',
    'qatarcentral',
    'southafricanorth',
    'southcentralus',
    'southeastasia',
    'southindia',
    'swedencentral',
    'switzerlandnorth',
    'uaenorth',
    'uksouth',
    'ukwest',
    'westcentralus',
    'westeurope',
    'westus',
    'westus2',
    'westus3',
];
const GROUP_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DNS_LABEL = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
/** A request that broke the schema, answered as ARM's deserializer and ACI's validation answer it. */
function schemaError(violations, groupName) {
    const first = violations[0];
    const details = violations
        .slice(0, 20)
        .map((v) => ({ code: 'InvalidRequestContent', message: v.message, target: v.path }));
    const leaf = first.path.split('.').pop() ?? first.path;
    // ACI's own answers for the omissions its users hit most (verified).
    if (leaf === 'osType') {
        return new ArmError(400, 'InvalidOsType', `The 'osType' for container group '${groupName ?? '<null>'}' is invalid. The value must be one of 'Windows,Linux'.`, { target: first.path, details });
    }
    if (first.kind === 'required' && (leaf === 'resources' || leaf === 'requests')) {
        return new ArmError(400, 'ResourceRequestsNotSpecified', `The resource requests are not specified in container at '${first.path}' of container group '${groupName ?? '<null>'}'. Both memory and CPU requests are required.`, { target: first.path, details });
    }
    if (first.kind === 'required' && leaf === 'ports' && first.path.includes('ipAddress')) {
        return new ArmError(400, 'MissingIpAddressPorts', `The ports in the 'ipAddress' of container group '${groupName}' cannot be empty.`, {
            target: first.path,
            details,
        });
    }
    return new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${first.message}. Path '${first.path}'.'`, { target: first.path, details });
}
function checkGroupName(name) {
    if (GROUP_NAME.test(name))
        return undefined;
    return new ArmError(400, 'InvalidContainerGroupName', `The container group name '${name}' is invalid. A container group name must contain only lowercase letters, numbers and '-', start and end with a letter or number, and be at most 63 characters long.`);
}
function checkLocation(location, regions) {
    if (regions.includes(location))
        return undefined;
    return new ArmError(400, 'LocationNotAvailableForResourceType', `The provided location '${location}' is not available for resource type 'Microsoft.ContainerInstance/containerGroups'. List of available regions for the resource type is '${regions.join(',')}'.`);
}
function requests(c) {
    return c.properties.resources.requests;
}
/** Checks a definition on its own: names, resources, ACI's per-group limits. */
function checkDefinition(name, location, p, limits) {
    const all = [...(p.initContainers ?? []), ...p.containers];
    if (!p.containers.length) {
        return new ArmError(400, 'InvalidContainerGroupContainers', `The container group '${name}' has no containers; at least one is required.`);
    }
    const seen = new Set();
    for (const c of all) {
        if (!CONTAINER_NAME.test(c.name)) {
            return new ArmError(400, 'InvalidContainerName', `The container name '${c.name}' in container group '${name}' is invalid. A container name must contain only lowercase letters, numbers and '-', start and end with a letter or number, and be at most 63 characters long.`);
        }
        if (seen.has(c.name)) {
            return new ArmError(400, 'DuplicateContainerName', `The container name '${c.name}' appears more than once in container group '${name}'.`);
        }
        seen.add(c.name);
        for (const e of c.properties.environmentVariables ?? []) {
            if (!ENV_NAME.test(e.name)) {
                // verified
                return new ArmError(400, 'InvalidContainerEnvironmentVariable', `The environment variable name in container '${c.name}' of container group '${name}' is invalid. A valid environment variable name must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName').`);
            }
        }
    }
    const volumes = new Set((p.volumes ?? []).map((v) => v.name));
    for (const c of all) {
        for (const m of c.properties.volumeMounts ?? []) {
            if (!volumes.has(m.name)) {
                return new ArmError(400, 'InvalidVolumeMount', `The volume mount '${m.name}' in container '${c.name}' of container group '${name}' refers to a volume that the group does not define.`);
            }
        }
    }
    for (const c of p.containers) {
        const { requests: r, limits: l } = c.properties.resources;
        for (const [key, limit] of [
            ['Cpu', l?.cpu],
            ['MemoryInGB', l?.memoryInGB],
        ]) {
            const request = key === 'Cpu' ? r.cpu : r.memoryInGB;
            if (limit !== undefined && limit < request) {
                // verified
                return new ArmError(400, 'ResourceLimitsLessThanRequests', `The resource requirement '${JSON.stringify(c.properties.resources)}' in container '${c.name}' of contain group '${name}' is invalid. The '${key}' limit value must be greater than or equal to the request value.`);
            }
        }
    }
    const cpu = p.containers.reduce((sum, c) => sum + requests(c).cpu, 0);
    const memory = p.containers.reduce((sum, c) => sum + requests(c).memoryInGB, 0);
    if (cpu > limits.cpuPerGroup || memory > limits.memoryInGBPerGroup) {
        // verified: ACI answers a group larger than any host with 409 ServiceUnavailable.
        return new ArmError(409, 'ServiceUnavailable', `The requested resource is not available in the location '${location}' at this moment. Please retry with a different resource request or in another location. Resource requested: '${cpu}' CPU '${memory}' GB memory '${p.osType}' OS`);
    }
    if (all.length > limits.containersPerGroup) {
        return new ArmError(400, 'ContainerGroupContainerLimitExceeded', `The container group '${name}' has ${all.length} containers; at most ${limits.containersPerGroup} are allowed.`);
    }
    if ((p.volumes?.length ?? 0) > limits.volumesPerGroup) {
        return new ArmError(400, 'ContainerGroupVolumeLimitExceeded', `The container group '${name}' has ${p.volumes?.length} volumes; at most ${limits.volumesPerGroup} are allowed.`);
    }
    const ip = p.ipAddress;
    if (ip) {
        if (!ip.ports.length) {
            // verified
            return new ArmError(400, 'MissingIpAddressPorts', `The ports in the 'ipAddress' of container group '${name}' cannot be empty.`);
        }
        if (ip.ports.length > limits.portsPerIp) {
            return new ArmError(400, 'IpAddressPortLimitExceeded', `The 'ipAddress' of container group '${name}' exposes ${ip.ports.length} ports; at most ${limits.portsPerIp} are allowed per IP address.`);
        }
        if (ip.type.toLowerCase() === 'private' && !p.subnetIds?.length) {
            // verified message
            return new ArmError(400, 'InvalidIpAddressType', `IP Address type in container group '${name}' is invalid. Private IP address is only supported when network profile is defined.`);
        }
        if (ip.dnsNameLabel !== undefined && !DNS_LABEL.test(ip.dnsNameLabel)) {
            return new ArmError(400, 'InvalidDnsNameLabel', `The DNS name label '${ip.dnsNameLabel}' of container group '${name}' is invalid. It must be 3 to 63 characters of lowercase letters, numbers and '-', start with a letter and end with a letter or number.`);
        }
    }
    return undefined;
}
const norm = (v) => JSON.stringify(v ?? null);
/**
 * ACI updates a group in place only when its OS, restart policy, network, CPU, memory, GPU and
 * ports stay; anything else needs a delete and a new create (verified message and code).
 */
function checkUpdate(existing, next) {
    const old = existing.properties;
    const before = new Map(old.containers.map((c) => [c.name, c]));
    const changed = old.osType.toLowerCase() !== next.osType.toLowerCase() ||
        (old.restartPolicy ?? 'Always').toLowerCase() !== (next.restartPolicy ?? 'Always').toLowerCase() ||
        norm(old.ipAddress?.type?.toLowerCase()) !== norm(next.ipAddress?.type?.toLowerCase()) ||
        norm(portSet(old.ipAddress?.ports)) !== norm(portSet(next.ipAddress?.ports)) ||
        norm(old.subnetIds) !== norm(next.subnetIds) ||
        norm(old.sku) !== norm(next.sku) ||
        next.containers.some((c) => {
            const was = before.get(c.name);
            if (!was)
                return false;
            return (norm(was.properties.resources) !== norm(c.properties.resources) ||
                norm(portSet(was.properties.ports)) !== norm(portSet(c.properties.ports)));
        });
    if (!changed)
        return undefined;
    return new ArmError(400, 'InvalidContainerGroupUpdate', `The updates on container group '${existing.name}' are invalid. If you are going to update the os type, restart policy, network profile, CPU, memory or GPU resources for a container group, you must delete it first and then create a new one.`);
}
function portSet(ports) {
    return (ports ?? []).map((p) => `${p.port}/${(p.protocol ?? 'TCP').toUpperCase()}`).sort();
}
/** The region quotas: container groups and cores per subscription and region (verified code). */
function checkRegionQuota(others, next, location, limits) {
    const quota = (name, limit, usage, requested) => new ArmError(400, 'ContainerGroupQuotaReached', `Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota '${name}' exceeded in region '${location}'. Limit: '${limit}', Usage: '${usage}' Requested: '${requested}'.`);
    if (others.length + 1 > limits.groupsPerRegion)
        return quota('ContainerGroups', limits.groupsPerRegion, others.length, 1);
    const cores = (p) => p.containers.reduce((sum, c) => sum + requests(c).cpu, 0);
    const used = others.reduce((sum, g) => sum + (g.stopped ? 0 : cores(g.properties)), 0);
    const wanted = cores(next);
    if (used + wanted > limits.coresPerRegion)
        return quota('StandardCores', limits.coresPerRegion, used, wanted);
    return undefined;
}

;// CONCATENATED MODULE: ./src/emulator/groups.ts







const key = (id) => id.toLowerCase();
const now = () => new Date().toISOString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The container groups the emulator holds, their operations, and their life on the engine. */
class GroupService {
    engine;
    o;
    groups = new Map();
    operations = new Map();
    running = new Set();
    constructor(engine, o) {
        this.engine = engine;
        this.o = o;
    }
    find(ids) {
        return this.groups.get(key(groupId(ids.subscriptionId, ids.resourceGroup, ids.name)));
    }
    require(ids) {
        const g = this.find(ids);
        if (!g)
            throw groupNotFound(ids.resourceGroup, ids.name);
        return g;
    }
    requireIdle(ids) {
        const g = this.require(ids);
        if (g.operation)
            throw transitioning(g.name);
        return g;
    }
    list(subscriptionId, resourceGroup) {
        return [...this.groups.values()]
            .filter((g) => g.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
            (!resourceGroup || g.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()))
            .sort((a, b) => a.id.localeCompare(b.id));
    }
    /** The engine's view of a group (container states, address), or undefined while none runs. */
    async view(g) {
        if (g.stopped)
            return undefined;
        const view = await this.engine.backendFor(g.location).get(g.engineName);
        if (view?.ipAddress?.ip && view.ipAddress.ip !== g.ip) {
            g.ip = view.ipAddress.ip;
            this.o.changed();
        }
        return view;
    }
    async render(g, mode = 'get') {
        const view = mode === 'get' ? await this.view(g) : undefined;
        return renderGroup(g, { view, mode, tenantId: this.o.tenantId });
    }
    /** PUT: creates the group or updates it in place; its realisation runs as an operation. */
    createOrUpdate(ids, body) {
        const nameError = checkGroupName(ids.name);
        if (nameError)
            throw nameError;
        const location = normalizeLocation(body.location ?? '');
        const locationError = checkLocation(location, this.o.regions);
        if (locationError)
            throw locationError;
        const definitionError = checkDefinition(ids.name, location, body.properties, this.o.limits);
        if (definitionError)
            throw definitionError;
        const existing = this.find(ids);
        if (existing?.operation)
            throw transitioning(existing.name);
        if (existing && !existing.stopped) {
            const updateError = checkUpdate(existing, body.properties);
            if (updateError)
                throw updateError;
        }
        if (existing && existing.location !== location) {
            throw new ArmError(400, 'InvalidResourceLocation', `The resource '${ids.name}' already exists in location '${existing.location}' in resource group '${ids.resourceGroup}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`);
        }
        if (!existing) {
            const others = [...this.groups.values()].filter((g) => g.subscriptionId.toLowerCase() === ids.subscriptionId.toLowerCase() && g.location === location);
            const quotaError = checkRegionQuota(others, body.properties, location, this.o.limits);
            if (quotaError)
                throw quotaError;
        }
        const id = groupId(ids.subscriptionId, ids.resourceGroup, ids.name);
        const group = {
            id,
            subscriptionId: ids.subscriptionId,
            resourceGroup: existing?.resourceGroup ?? ids.resourceGroup,
            name: ids.name,
            location,
            tags: body.tags,
            zones: body.zones,
            identity: this.identity(id, body.identity, existing?.identity),
            properties: body.properties,
            provisioningState: 'Pending',
            engineName: existing?.engineName ??
                (0,names/* shortenName */.ty)(`${this.o.enginePrefix}-${ids.name}-${uuidFrom(key(id)).slice(0, 6)}`),
            stopped: existing?.stopped ?? false,
            ip: existing?.ip,
            events: existing?.events ?? [],
            containerEvents: existing?.containerEvents ?? {},
            localImages: existing?.localImages ?? {},
            identitySecret: existing?.identitySecret,
        };
        if (group.identity && !group.identitySecret)
            group.identitySecret = (0,external_node_crypto_.randomBytes)(24).toString('base64url');
        const label = effectiveDnsLabel(group, this.o.tenantId);
        const taken = label &&
            [...this.groups.values()].find((g) => g.id !== group.id && g.location === location && effectiveDnsLabel(g, this.o.tenantId) === label);
        if (taken) {
            throw new ArmError(400, 'DnsNameLabelNotAvailable', `The DNS name label '${body.properties.ipAddress?.dnsNameLabel}' is already used by another container group in location '${location}'.`);
        }
        this.groups.set(key(id), group);
        const operation = this.run(group, existing ? 'update' : 'create', () => this.realise(group, true));
        return { created: !existing, group, operation };
    }
    /** Identities get object ids: a system-assigned one per group, user-assigned ones per resource id. */
    identity(id, requested, existing) {
        if (!requested?.type || requested.type === 'None')
            return undefined;
        const out = { type: requested.type, tenantId: this.o.tenantId };
        if (requested.type.includes('SystemAssigned'))
            out.principalId = existing?.principalId ?? (0,external_node_crypto_.randomUUID)();
        if (requested.userAssignedIdentities) {
            out.userAssignedIdentities = Object.fromEntries(Object.keys(requested.userAssignedIdentities).map((uid) => [
                uid,
                {
                    principalId: uuidFrom(`principal:${uid.toLowerCase()}`),
                    clientId: uuidFrom(`client:${uid.toLowerCase()}`),
                },
            ]));
        }
        return out;
    }
    /** PATCH: only tags change (ACI's update operation). */
    updateTags(ids, tags) {
        const g = this.require(ids);
        if (tags !== undefined)
            g.tags = tags;
        this.o.changed();
        return g;
    }
    delete(ids) {
        const g = this.find(ids);
        if (!g)
            return undefined;
        if (g.operation)
            throw transitioning(g.name);
        g.provisioningState = 'Deleting';
        return this.run(g, 'delete', async () => {
            await this.engine.backendFor(g.location).delete(g.engineName, { gracePeriodSeconds: 0 });
            this.groups.delete(key(g.id));
            this.o.log(`deleted container group ${g.id}`);
        });
    }
    start(ids) {
        const g = this.requireIdle(ids);
        return this.run(g, 'start', async () => {
            const backend = this.engine.backendFor(g.location);
            if (g.stopped || !(await backend.get(g.engineName)))
                await this.realise(g, false);
            else
                await backend.start(g.engineName);
            g.events.push(model_event('Started', `Started container group ${g.name}`));
        });
    }
    /** Restart recreates the containers: fresh processes, the same definition, maybe a new IP. */
    restart(ids) {
        const g = this.requireIdle(ids);
        return this.run(g, 'restart', async () => {
            await this.engine.backendFor(g.location).delete(g.engineName, { gracePeriodSeconds: 0 });
            await this.realise(g, false);
            g.events.push(model_event('Restarted', `Restarted container group ${g.name}`));
        });
    }
    /** Stop is synchronous: the containers are killed and removed, their state is gone. */
    async stop(ids) {
        const g = this.requireIdle(ids);
        await this.engine.backendFor(g.location).delete(g.engineName, { gracePeriodSeconds: 0 });
        g.stopped = true;
        g.ip = undefined;
        for (const c of g.properties.containers)
            this.containerEvent(g, c.name, 'Killing', `Killing container ${c.name}`);
        this.o.changed();
    }
    async logs(ids, container, tail, timestamps) {
        const g = this.require(ids);
        this.requireContainer(g, container);
        if (g.operation)
            throw transitioning(g.name);
        if (g.stopped || !(await this.engine.backendFor(g.location).get(g.engineName))) {
            throw new ArmError(400, 'ContainerLogNotAvailable', `The logs of container '${container}' in container group '${g.name}' are not available: the container group is not running.`);
        }
        const stream = await this.engine
            .backendFor(g.location)
            .logs(g.engineName, container, { tailLines: tail, timestamps });
        const chunks = [];
        for await (const chunk of stream)
            chunks.push(Buffer.from(chunk));
        const all = Buffer.concat(chunks);
        // ACI returns at most 4 MB: the newest part.
        return all.subarray(Math.max(0, all.length - 4 * 1024 * 1024)).toString('utf8');
    }
    async exec(g, container, command, size) {
        const session = await this.engine.backendFor(g.location).exec(g.engineName, container, {
            // ACI runs the command as one executable, never split into arguments.
            command: [command],
            stdin: true,
            tty: true,
        });
        await session.resize(size.cols, size.rows);
        return session;
    }
    requireRunningContainer(ids, container) {
        const g = this.require(ids);
        this.requireContainer(g, container);
        if (g.operation)
            throw transitioning(g.name);
        if (g.stopped) {
            throw new ArmError(400, 'ContainerGroupNotRunning', `The container group '${g.name}' is stopped; start it to run commands in its containers.`);
        }
        return g;
    }
    requireContainer(g, container) {
        const names = [...g.properties.containers, ...(g.properties.initContainers ?? [])].map((c) => c.name);
        if (!names.includes(container)) {
            throw new ArmError(404, 'ContainerNotFound', `The container '${container}' is not found in container group '${g.name}'.`);
        }
    }
    containerEvent(g, container, name, message) {
        (g.containerEvents[container] ??= []).push(model_event(name, message));
    }
    /** Brings the engine to the stored definition: images resolved, containers created and started. */
    async realise(g, provisioning) {
        if (provisioning)
            g.provisioningState = 'Creating';
        this.o.changed();
        const images = {};
        for (const c of [...(g.properties.initContainers ?? []), ...g.properties.containers]) {
            const image = c.properties.image;
            if (!image)
                continue;
            this.containerEvent(g, c.name, 'Pulling', `pulling image "${image}"`);
            const local = await this.engine.resolveImage(image);
            if (!local) {
                throw new ArmError(400, 'InaccessibleImage', `The image '${image}' in container group '${g.name}' is not accessible. Please check the image and registry credential.`);
            }
            images[c.name] = local;
            const note = local === image ? '' : ` (emulator: local image ${local})`;
            this.containerEvent(g, c.name, 'Pulled', `Successfully pulled image "${image}"${note}`);
            if (local !== image)
                this.o.log(`${g.name}/${c.name}: ${image} runs as local image ${local}`);
        }
        g.localImages = images;
        const settings = { cluster: this.o.engineCluster, images, tenantId: this.o.tenantId };
        if (this.o.callback && g.identity && g.identitySecret) {
            settings.inject = {
                env: {
                    IDENTITY_ENDPOINT: `${this.o.callback.url}/msi/token`,
                    IDENTITY_HEADER: g.identitySecret,
                    FRANKENETES_ARM_ENDPOINT: this.o.callback.url,
                    NODE_EXTRA_CA_CERTS: '/etc/frankenetes-emulator/ca.crt',
                },
                caPem: this.o.callback.caPem,
                caDir: '/etc/frankenetes-emulator',
            };
        }
        const view = await this.engine.backendFor(g.location).createOrUpdate(toPlannedGroup(g, settings));
        g.stopped = false;
        g.ip = view.ipAddress?.ip;
        for (const c of g.properties.containers)
            this.containerEvent(g, c.name, 'Started', `Started container ${c.name}`);
        const death = this.o.faults.forStart(g.name);
        if (death) {
            setTimeout(() => {
                this.o.log(`fault: killing the containers of ${g.name}`);
                void this.engine
                    .backendFor(g.location)
                    .stop(g.engineName)
                    .catch(() => undefined);
            }, death.afterMs ?? 0).unref();
        }
    }
    /** Runs a long-running operation in the background; writes to the group get 409 meanwhile. */
    run(g, kind, work) {
        const op = {
            id: (0,external_node_crypto_.randomUUID)(),
            groupId: g.id,
            kind,
            status: 'InProgress',
            startTime: now(),
        };
        this.operations.set(op.id, op);
        g.operation = op.id;
        this.o.changed();
        const task = (async () => {
            try {
                if (this.o.operationDelayMs)
                    await sleep(this.o.operationDelayMs);
                const fault = this.o.faults.forOperation(g.name, kind);
                if (fault)
                    throw new ArmError(500, fault.code ?? 'InternalServerError', fault.message ?? 'Injected failure of the operation.');
                await work();
                op.status = 'Succeeded';
                if (kind !== 'delete')
                    g.provisioningState = 'Succeeded';
            }
            catch (error) {
                const e = asArmError(error);
                op.status = 'Failed';
                op.error = { code: e.code, message: e.message };
                g.provisioningState = 'Failed';
                g.events.push(model_event('Failed', e.message, new Date(), 'Warning'));
                this.o.log(`operation ${kind} of ${g.id} failed: ${e.code}: ${e.message}`);
            }
            finally {
                op.endTime = now();
                if (g.operation === op.id)
                    g.operation = undefined;
                this.o.changed();
            }
        })();
        this.running.add(task);
        void task.finally(() => this.running.delete(task));
        return op;
    }
    /** Waits for every running operation (shutdown and tests). */
    async settle() {
        await Promise.all([...this.running]);
    }
    /** After a restart of the emulator: operations that were running cannot be resumed. */
    recover() {
        for (const g of this.groups.values()) {
            if (!g.operation)
                continue;
            const op = this.operations.get(g.operation);
            if (op) {
                op.status = 'Failed';
                op.error = {
                    code: 'InternalServerError',
                    message: 'The emulator restarted while the operation ran.',
                };
                op.endTime = now();
            }
            g.operation = undefined;
            g.provisioningState = 'Failed';
        }
    }
}
function asArmError(error) {
    if (error instanceof ArmError)
        return error;
    if (error instanceof backend/* BackendError */.J) {
        if (error.reason === 'image-missing')
            return new ArmError(400, 'InaccessibleImage', error.message);
        return new ArmError(500, 'InternalServerError', `The container group could not be deployed: ${error.message}`);
    }
    const message = error instanceof Error ? error.message : String(error);
    return new ArmError(500, 'InternalServerError', `The container group could not be deployed: ${message}`);
}

;// CONCATENATED MODULE: ./src/emulator/identity.ts



const ASSERTION_AUDIENCE = 'api://AzureADTokenExchange';
const TOKEN_LIFETIME_SECONDS = 3599;
/** Entra ID's error body: `error`, `error_description` with its AADSTS code, and trace ids. */
function aadError(status, error, code, description) {
    return {
        status,
        body: {
            error,
            error_description: `AADSTS${code}: ${description} Trace ID: ${(0,external_node_crypto_.randomUUID)()} Correlation ID: ${(0,external_node_crypto_.randomUUID)()} Timestamp: ${new Date().toISOString()}`,
            error_codes: [code],
            timestamp: new Date().toISOString(),
            trace_id: (0,external_node_crypto_.randomUUID)(),
            correlation_id: (0,external_node_crypto_.randomUUID)(),
        },
    };
}
/** What `/{tenant}/v2.0/.well-known/openid-configuration` says: where MSAL finds the token endpoint. */
function openIdConfiguration(base, tenant) {
    return {
        token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['ES256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/${tenant}/v2.0`,
        request_uri_parameter_supported: false,
        authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid', 'oid'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'frankenetes-emulator',
    };
}
/** MSAL's instance discovery, for clients that do not disable it. */
function instanceDiscovery(base, host) {
    return {
        tenant_discovery_endpoint: `${base}/common/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
}
/** The resource a v2 scope asks for: `https://management.azure.com/.default` → `https://management.azure.com`. */
function resourceOfScope(scope) {
    const s = scope.split(' ').find((part) => part.endsWith('/.default'));
    return s?.slice(0, -'/.default'.length);
}
class IdentityService {
    signer;
    principals;
    issuerBase;
    constructor(signer, principals, issuerBase) {
        this.signer = signer;
        this.principals = principals;
        this.issuerBase = issuerBase;
    }
    /** POST /{tenant}/oauth2/v2.0/token with the client-credentials grant. */
    token(tenant, form) {
        if (form.get('grant_type') !== 'client_credentials') {
            return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.get('grant_type') ?? ''}'.`);
        }
        const clientId = form.get('client_id') ?? '';
        const inTenant = this.principals.filter((p) => p.tenantId.toLowerCase() === tenant.toLowerCase());
        if (!inTenant.length)
            return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
        const principal = inTenant.find((p) => p.clientId === clientId);
        if (!principal) {
            return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
        }
        const secret = form.get('client_secret');
        const assertion = form.get('client_assertion');
        if (secret !== null) {
            if (!principal.clientSecret || !secretsEqual(secret, principal.clientSecret)) {
                return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
            }
        }
        else if (assertion !== null) {
            const problem = this.assertionProblem(principal, assertion, form.get('client_assertion_type'));
            if (problem)
                return aadError(401, 'invalid_client', 700211, problem);
        }
        else {
            return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        }
        const resource = resourceOfScope(form.get('scope') ?? '');
        if (!resource)
            return aadError(400, 'invalid_scope', 1002012, `The provided value for scope '${form.get('scope') ?? ''}' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
        const oid = principal.clientId;
        const accessToken = this.signer.issue({
            aud: resource,
            iss: `${this.issuerBase}/${principal.tenantId}/`,
            tid: principal.tenantId,
            oid,
            sub: oid,
            appid: clientId,
            idtyp: 'app',
        }, TOKEN_LIFETIME_SECONDS);
        return {
            status: 200,
            body: {
                token_type: 'Bearer',
                expires_in: TOKEN_LIFETIME_SECONDS,
                ext_expires_in: TOKEN_LIFETIME_SECONDS,
                access_token: accessToken,
            },
        };
    }
    assertionProblem(p, assertion, type) {
        if (type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
            return `The client_assertion_type '${type ?? ''}' is not supported.`;
        }
        const payload = decodeJwtPayload(assertion);
        if (!payload)
            return 'The client assertion is not a JWT.';
        const aud = [].concat(payload.aud);
        if (!aud.includes(ASSERTION_AUDIENCE)) {
            return `The audience of the client assertion must be '${ASSERTION_AUDIENCE}'.`;
        }
        if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now())
            return 'The client assertion has expired.';
        if (p.federatedSubject && payload.sub !== p.federatedSubject) {
            return `No matching federated identity record found for presented assertion subject '${String(payload.sub)}'.`;
        }
        return undefined;
    }
    /** A managed identity's token (the object id is its principal id). */
    managedIdentityToken(tenantId, principalId, clientId, resource) {
        const aud = resource.replace(/\/\.default$/, '');
        const accessToken = this.signer.issue({
            aud,
            iss: `${this.issuerBase}/${tenantId}/`,
            tid: tenantId,
            oid: principalId,
            sub: principalId,
            appid: clientId,
            idtyp: 'msi',
        }, TOKEN_LIFETIME_SECONDS);
        return {
            access_token: accessToken,
            expires_on: String(Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS),
            resource,
            token_type: 'Bearer',
            client_id: clientId,
        };
    }
    /** ARM's check of the `Authorization` header; throws ARM's 401 answers. */
    authenticate(header) {
        const authority = `${this.issuerBase}/`;
        if (!header) {
            throw unauthorized('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", authority);
        }
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match?.[1]) {
            throw unauthorized('AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.", authority);
        }
        const checked = this.signer.check(match[1]);
        if ('problem' in checked) {
            if (checked.problem === 'expired') {
                const exp = new Date((checked.exp ?? 0) * 1000).toISOString();
                throw unauthorized('ExpiredAuthenticationToken', `The access token expiry UTC time '${exp}' is earlier than current UTC time '${new Date().toISOString()}'.`, authority);
            }
            throw unauthorized('InvalidAuthenticationToken', 'The access token is invalid.', authority);
        }
        if (!ARM_AUDIENCES.includes(checked.claims.aud)) {
            throw unauthorized('InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${checked.claims.aud}'. It should exactly match with one of the allowed audiences ${ARM_AUDIENCES.map((a) => `'${a}'`).join(',')}.`, authority);
        }
        return checked.claims;
    }
}
/** The managed-identity endpoint's errors (App Service answers JSON with a status code and a message). */
function msiError(status, message) {
    return new ArmError(status, status === 401 ? 'Unauthorized' : 'BadRequest', message);
}

;// CONCATENATED MODULE: ./src/emulator/spec/containerInstance.2023-05-01.json
const containerInstance_2023_05_01_namespaceObject = /*#__PURE__*/JSON.parse('{"swagger":"2.0","info":{"version":"2023-05-01","title":"ContainerInstanceManagementClient"},"host":"management.azure.com","schemes":["https"],"consumes":["application/json"],"produces":["application/json"],"security":[{"azure_auth":["user_impersonation"]}],"securityDefinitions":{"azure_auth":{"type":"oauth2","authorizationUrl":"https://login.microsoftonline.com/common/oauth2/authorize","flow":"implicit","description":"Azure Active Directory OAuth2 Flow","scopes":{"user_impersonation":"Impersonate your user account"}}},"paths":{"/subscriptions/{subscriptionId}/providers/Microsoft.ContainerInstance/containerGroups":{"get":{"operationId":"ContainerGroups_List","x-ms-examples":{"ContainerGroupsList":{"$ref":"./examples/ContainerGroupsList.json"}},"summary":"Get a list of container groups in the specified subscription.","description":"Get a list of container groups in the specified subscription. This operation returns properties of each container group including containers, image registry credentials, restart policy, IP address type, OS type, state, and volumes.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/ContainerGroupListResult"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}},"x-ms-pageable":{"nextLinkName":"nextLink"}}},"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups":{"get":{"operationId":"ContainerGroups_ListByResourceGroup","x-ms-examples":{"ContainerGroupsListByResourceGroup":{"$ref":"./examples/ContainerGroupsListByResourceGroup.json"}},"summary":"Get a list of container groups in the specified subscription and resource group.","description":"Get a list of container groups in a specified subscription and resource group. This operation returns properties of each container group including containers, image registry credentials, restart policy, IP address type, OS type, state, and volumes.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/ContainerGroupListResult"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}},"x-ms-pageable":{"nextLinkName":"nextLink"}}},"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups/{containerGroupName}":{"get":{"operationId":"ContainerGroups_Get","x-ms-examples":{"ContainerGroupsGet_Succeeded":{"$ref":"./examples/ContainerGroupsGet_Succeeded.json"},"ContainerGroupsGet_Failed":{"$ref":"./examples/ContainerGroupsGet_Failed.json"},"ContainerGroupsGetWithPriority":{"$ref":"./examples/ContainerGroupsGetPriority.json"}},"summary":"Get the properties of the specified container group.","description":"Gets the properties of the specified container group in the specified subscription and resource group. The operation returns the properties of each container group including containers, image registry credentials, restart policy, IP address type, OS type, state, and volumes.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/ContainerGroupNameParameter"}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/ContainerGroup"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}}},"put":{"operationId":"ContainerGroups_CreateOrUpdate","x-ms-examples":{"ContainerGroupsCreateOrUpdate":{"$ref":"./examples/ContainerGroupsCreateOrUpdate.json"},"ContainerGroupCreateWithExtensions":{"$ref":"./examples/ContainerGroupExtensions.json"},"ContainerGroupWithEncryptionProperties":{"$ref":"./examples/ContainerGroupEncryptionProperties.json"},"ConfidentialContainerGroup":{"$ref":"./examples/ContainerGroupCreateConfidential.json"},"ContainerGroupsCreateWithPriority":{"$ref":"./examples/ContainerGroupsCreatePriority.json"}},"summary":"Create or update container groups.","description":"Create or update container groups with specified configurations.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/ContainerGroupNameParameter"},{"name":"containerGroup","description":"The properties of the container group to be created or updated.","required":true,"in":"body","schema":{"$ref":"#/definitions/ContainerGroup"}}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/ContainerGroup"}},"201":{"description":"Created - the container group is created.","schema":{"$ref":"#/definitions/ContainerGroup"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}},"x-ms-long-running-operation":true},"patch":{"operationId":"ContainerGroups_Update","x-ms-examples":{"ContainerGroupsUpdate":{"$ref":"./examples/ContainerGroupsUpdate.json"}},"summary":"Update container groups.","description":"Updates container group tags with specified values.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/ContainerGroupNameParameter"},{"name":"Resource","description":"The container group resource with just the tags to be updated.","required":true,"in":"body","schema":{"$ref":"#/definitions/Resource"}}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/ContainerGroup"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}}},"delete":{"operationId":"ContainerGroups_Delete","x-ms-examples":{"ContainerGroupsDelete":{"$ref":"./examples/ContainerGroupsDelete.json"}},"summary":"Delete the specified container group.","description":"Delete the specified container group in the specified subscription and resource group. The operation does not delete other resources provided by the user, such as volumes.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/ContainerGroupNameParameter"}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/ContainerGroup"}},"202":{"description":"Delete started."},"204":{"description":"No Content - the specified container group was not found."},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}},"x-ms-long-running-operation":true}},"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups/{containerGroupName}/restart":{"post":{"operationId":"ContainerGroups_Restart","x-ms-examples":{"ContainerRestart":{"$ref":"./examples/ContainerGroupsRestart.json"}},"summary":"Restarts all containers in a container group.","description":"Restarts all containers in a container group in place. If container image has updates, new image will be downloaded.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/ContainerGroupNameParameter"}],"responses":{"204":{"description":"NoContent"},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}},"x-ms-long-running-operation":true}},"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups/{containerGroupName}/stop":{"post":{"operationId":"ContainerGroups_Stop","x-ms-examples":{"ContainerStop":{"$ref":"./examples/ContainerGroupsStop.json"}},"summary":"Stops all containers in a container group.","description":"Stops all containers in a container group. Compute resources will be deallocated and billing will stop.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/ContainerGroupNameParameter"}],"responses":{"204":{"description":"NoContent"},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}}}},"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups/{containerGroupName}/start":{"post":{"operationId":"ContainerGroups_Start","x-ms-examples":{"ContainerStart":{"$ref":"./examples/ContainerGroupsStart.json"}},"summary":"Starts all containers in a container group.","description":"Starts all containers in a container group. Compute resources will be allocated and billing will start.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/ContainerGroupNameParameter"}],"responses":{"202":{"description":"Started - the container group is starting."},"204":{"description":"Started - the container group is already running or starting."},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}},"x-ms-long-running-operation":true}},"/providers/Microsoft.ContainerInstance/operations":{"get":{"tags":["Operations"],"operationId":"Operations_List","x-ms-examples":{"OperationsList":{"$ref":"./examples/OperationsList.json"}},"description":"List the operations for Azure Container Instance service.","parameters":[{"$ref":"#/parameters/ApiVersionParameter"}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/OperationListResult"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}},"x-ms-pageable":{"nextLinkName":"nextLink"}}},"/subscriptions/{subscriptionId}/providers/Microsoft.ContainerInstance/locations/{location}/usages":{"get":{"operationId":"Location_ListUsage","x-ms-examples":{"ContainerUsage":{"$ref":"./examples/ContainerGroupUsage.json"}},"description":"Get the usage for a subscription","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/LocationParameter"},{"$ref":"#/parameters/ApiVersionParameter"}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/UsageListResult"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}},"x-ms-pageable":{"nextLinkName":null}}},"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups/{containerGroupName}/containers/{containerName}/logs":{"get":{"operationId":"Containers_ListLogs","x-ms-examples":{"ContainerListLogs":{"$ref":"./examples/ContainerListLogs.json"}},"summary":"Get the logs for a specified container instance.","description":"Get the logs for a specified container instance in a specified resource group and container group.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/ContainerGroupNameParameter"},{"name":"containerName","in":"path","description":"The name of the container instance.","required":true,"type":"string"},{"name":"tail","in":"query","description":"The number of lines to show from the tail of the container instance log. If not provided, all available logs are shown up to 4mb.","type":"integer","format":"int32"},{"name":"timestamps","in":"query","description":"If true, adds a timestamp at the beginning of every line of log output. If not provided, defaults to false.","type":"boolean"}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/Logs"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}}}},"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups/{containerGroupName}/containers/{containerName}/exec":{"post":{"operationId":"Containers_ExecuteCommand","x-ms-examples":{"ContainerExec":{"$ref":"./examples/ContainerExec.json"}},"summary":"Executes a command in a specific container instance.","description":"Executes a command for a specific container instance in a specified resource group and container group.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/ContainerGroupNameParameter"},{"name":"containerName","in":"path","description":"The name of the container instance.","required":true,"type":"string"},{"name":"containerExecRequest","in":"body","description":"The request for the exec command.","required":true,"schema":{"$ref":"#/definitions/ContainerExecRequest"}}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/ContainerExecResponse"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}}}},"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups/{containerGroupName}/containers/{containerName}/attach":{"post":{"operationId":"Containers_Attach","x-ms-examples":{"ContainerAttach":{"$ref":"./examples/ContainerAttach.json"}},"summary":"Attach to the output of a specific container instance.","description":"Attach to the output stream of a specific container instance in a specified resource group and container group.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/ContainerGroupNameParameter"},{"name":"containerName","in":"path","description":"The name of the container instance.","required":true,"type":"string"}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/ContainerAttachResponse"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}}}},"/subscriptions/{subscriptionId}/providers/Microsoft.ContainerInstance/locations/{location}/cachedImages":{"get":{"operationId":"Location_ListCachedImages","x-ms-examples":{"CachedImages":{"$ref":"./examples/CachedImagesList.json"}},"summary":"Get the list of cached images.","description":"Get the list of cached images on specific OS type for a subscription in a region.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/LocationParameter"},{"$ref":"#/parameters/ApiVersionParameter"}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/CachedImagesListResult"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}},"x-ms-pageable":{"nextLinkName":"nextLink"}}},"/subscriptions/{subscriptionId}/providers/Microsoft.ContainerInstance/locations/{location}/capabilities":{"get":{"operationId":"Location_ListCapabilities","x-ms-examples":{"GetCapabilities":{"$ref":"./examples/CapabilitiesList.json"}},"summary":"Get the list of capabilities of the location.","description":"Get the list of CPU/memory/GPU capabilities of a region.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/LocationParameter"},{"$ref":"#/parameters/ApiVersionParameter"}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/CapabilitiesListResult"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}},"x-ms-pageable":{"nextLinkName":"nextLink"}}},"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups/{containerGroupName}/outboundNetworkDependenciesEndpoints":{"get":{"operationId":"ContainerGroups_GetOutboundNetworkDependenciesEndpoints","x-ms-examples":{},"summary":"Get all network dependencies for container group.","description":"Gets all the network dependencies for this container group to allow complete control of network setting and configuration. For container groups, this will always be an empty list.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/ContainerGroupNameParameter"}],"responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/NetworkDependenciesResponse"}},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}}}},"/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}/providers/Microsoft.ContainerInstance/serviceAssociationLinks/default":{"delete":{"operationId":"SubnetServiceAssociationLink_Delete","x-ms-examples":{"SubnetServiceAssociationLinkDelete":{"$ref":"./examples/SubnetServiceAssociationLinkDelete.json"}},"summary":"Delete container group virtual network association links.","description":"Delete container group virtual network association links. The operation does not delete other resources provided by the user.","parameters":[{"$ref":"#/parameters/SubscriptionIdParameter"},{"$ref":"#/parameters/ApiVersionParameter"},{"$ref":"#/parameters/ResourceGroupNameParameter"},{"$ref":"#/parameters/VirtualNetworkNameParameter"},{"$ref":"#/parameters/SubnetNameParameter"}],"responses":{"200":{"description":"OK"},"202":{"description":"Delete started."},"204":{"description":"No Content - the specified container group was not found."},"default":{"description":"Error response describing why the operation failed.","schema":{"$ref":"#/definitions/CloudError"}}},"x-ms-long-running-operation":true}}},"definitions":{"Container":{"description":"A container instance.","type":"object","required":["properties","name"],"properties":{"name":{"description":"The user-provided name of the container instance.","type":"string"},"properties":{"x-ms-client-flatten":true,"description":"The properties of the container instance.","$ref":"#/definitions/ContainerProperties"}}},"ContainerProperties":{"description":"The container instance properties.","type":"object","required":["image","resources"],"properties":{"image":{"description":"The name of the image used to create the container instance.","type":"string"},"command":{"description":"The commands to execute within the container instance in exec form.","type":"array","items":{"type":"string"}},"ports":{"description":"The exposed ports on the container instance.","type":"array","items":{"$ref":"#/definitions/ContainerPort"},"x-ms-identifiers":["port"]},"environmentVariables":{"description":"The environment variables to set in the container instance.","type":"array","items":{"$ref":"#/definitions/EnvironmentVariable"},"x-ms-identifiers":["name"]},"instanceView":{"description":"The instance view of the container instance. Only valid in response.","readOnly":true,"type":"object","properties":{"restartCount":{"readOnly":true,"type":"integer","format":"int32","description":"The number of times that the container instance has been restarted."},"currentState":{"readOnly":true,"description":"Current container instance state.","$ref":"#/definitions/ContainerState"},"previousState":{"readOnly":true,"description":"Previous container instance state.","$ref":"#/definitions/ContainerState"},"events":{"readOnly":true,"description":"The events of the container instance.","type":"array","items":{"$ref":"#/definitions/Event"},"x-ms-identifiers":["name","type"]}}},"resources":{"description":"The resource requirements of the container instance.","$ref":"#/definitions/ResourceRequirements"},"volumeMounts":{"description":"The volume mounts available to the container instance.","type":"array","items":{"$ref":"#/definitions/VolumeMount"},"x-ms-identifiers":["name"]},"livenessProbe":{"description":"The liveness probe.","$ref":"#/definitions/ContainerProbe"},"readinessProbe":{"description":"The readiness probe.","$ref":"#/definitions/ContainerProbe"},"securityContext":{"description":"The container security properties.","$ref":"#/definitions/SecurityContextDefinition"}}},"SecurityContextDefinition":{"description":"The security context for the container.","type":"object","properties":{"privileged":{"type":"boolean","description":"The flag to determine if the container permissions is elevated to Privileged."},"allowPrivilegeEscalation":{"type":"boolean","description":"A boolean value indicating whether the init process can elevate its privileges"},"capabilities":{"description":"The capabilities to add or drop from a container.","$ref":"#/definitions/SecurityContextCapabilitiesDefinition"},"runAsGroup":{"type":"integer","format":"int32","description":"Sets the User GID for the container."},"runAsUser":{"type":"integer","format":"int32","description":"Sets the User UID for the container."},"seccompProfile":{"type":"string","description":"a base64 encoded string containing the contents of the JSON in the seccomp profile"}}},"SecurityContextCapabilitiesDefinition":{"description":"The capabilities to add or drop from a container.","type":"object","properties":{"add":{"type":"array","items":{"type":"string"},"description":"The capabilities to add to the container."},"drop":{"type":"array","items":{"type":"string"},"description":"The capabilities to drop from the container."}}},"ContainerState":{"description":"The container instance state.","type":"object","readOnly":true,"properties":{"state":{"type":"string","readOnly":true,"description":"The state of the container instance."},"startTime":{"type":"string","readOnly":true,"format":"date-time","description":"The date-time when the container instance state started."},"exitCode":{"type":"integer","format":"int32","readOnly":true,"description":"The container instance exit codes correspond to those from the `docker run` command."},"finishTime":{"type":"string","readOnly":true,"format":"date-time","description":"The date-time when the container instance state finished."},"detailStatus":{"type":"string","readOnly":true,"description":"The human-readable status of the container instance state."}}},"Event":{"description":"A container group or container instance event.","type":"object","readOnly":true,"properties":{"count":{"type":"integer","format":"int32","readOnly":true,"description":"The count of the event."},"firstTimestamp":{"type":"string","readOnly":true,"format":"date-time","description":"The date-time of the earliest logged event."},"lastTimestamp":{"type":"string","readOnly":true,"format":"date-time","description":"The date-time of the latest logged event."},"name":{"type":"string","readOnly":true,"description":"The event name."},"message":{"type":"string","readOnly":true,"description":"The event message."},"type":{"type":"string","readOnly":true,"description":"The event type."}}},"ResourceRequirements":{"description":"The resource requirements.","type":"object","required":["requests"],"properties":{"requests":{"description":"The resource requests of this container instance.","$ref":"#/definitions/ResourceRequests"},"limits":{"description":"The resource limits of this container instance.","$ref":"#/definitions/ResourceLimits"}}},"ResourceRequests":{"description":"The resource requests.","type":"object","required":["memoryInGB","cpu"],"properties":{"memoryInGB":{"description":"The memory request in GB of this container instance.","type":"number","format":"double"},"cpu":{"description":"The CPU request of this container instance.","type":"number","format":"double"},"gpu":{"description":"The GPU request of this container instance.","$ref":"#/definitions/GpuResource"}}},"ResourceLimits":{"description":"The resource limits.","type":"object","properties":{"memoryInGB":{"description":"The memory limit in GB of this container instance.","type":"number","format":"double"},"cpu":{"description":"The CPU limit of this container instance.","type":"number","format":"double"},"gpu":{"description":"The GPU limit of this container instance.","$ref":"#/definitions/GpuResource"}}},"GpuResource":{"description":"The GPU resource.","type":"object","required":["count","sku"],"properties":{"count":{"description":"The count of the GPU resource.","type":"integer","format":"int32"},"sku":{"type":"string","description":"The SKU of the GPU resource.","enum":["K80","P100","V100"],"x-ms-enum":{"name":"GpuSku","modelAsString":true}}}},"AzureFileVolume":{"description":"The properties of the Azure File volume. Azure File shares are mounted as volumes.","type":"object","required":["shareName","storageAccountName"],"properties":{"shareName":{"description":"The name of the Azure File share to be mounted as a volume.","type":"string"},"readOnly":{"description":"The flag indicating whether the Azure File shared mounted as a volume is read-only.","type":"boolean"},"storageAccountName":{"description":"The name of the storage account that contains the Azure File share.","type":"string"},"storageAccountKey":{"description":"The storage account access key used to access the Azure File share.","type":"string"}}},"EmptyDirVolume":{"description":"The empty directory volume.","type":"object","properties":{}},"SecretVolume":{"description":"The secret volume.","type":"object","additionalProperties":{"type":"string"}},"GitRepoVolume":{"description":"Represents a volume that is populated with the contents of a git repository","required":["repository"],"properties":{"directory":{"description":"Target directory name. Must not contain or start with \'..\'.  If \'.\' is supplied, the volume directory will be the git repository.  Otherwise, if specified, the volume will contain the git repository in the subdirectory with the given name.","type":"string"},"repository":{"description":"Repository URL","type":"string"},"revision":{"description":"Commit hash for the specified revision.","type":"string"}}},"Volume":{"description":"The properties of the volume.","type":"object","required":["name"],"properties":{"name":{"description":"The name of the volume.","type":"string"},"azureFile":{"description":"The Azure File volume.","$ref":"#/definitions/AzureFileVolume"},"emptyDir":{"description":"The empty directory volume.","$ref":"#/definitions/EmptyDirVolume"},"secret":{"description":"The secret volume.","$ref":"#/definitions/SecretVolume"},"gitRepo":{"description":"The git repo volume.","$ref":"#/definitions/GitRepoVolume"}}},"VolumeMount":{"description":"The properties of the volume mount.","type":"object","required":["name","mountPath"],"properties":{"name":{"description":"The name of the volume mount.","type":"string"},"mountPath":{"description":"The path within the container where the volume should be mounted. Must not contain colon (:).","type":"string"},"readOnly":{"description":"The flag indicating whether the volume mount is read-only.","type":"boolean"}}},"ContainerExec":{"type":"object","description":"The container execution command, for liveness or readiness probe","properties":{"command":{"description":"The commands to execute within the container.","type":"array","items":{"type":"string"}}}},"ContainerHttpGet":{"type":"object","description":"The container Http Get settings, for liveness or readiness probe","properties":{"path":{"description":"The path to probe.","type":"string"},"port":{"type":"integer","description":"The port number to probe.","format":"int32"},"scheme":{"description":"The scheme.","type":"string","enum":["http","https"],"x-ms-enum":{"name":"Scheme","modelAsString":true}},"httpHeaders":{"description":"The HTTP headers.","type":"array","items":{"$ref":"#/definitions/HttpHeader"},"x-ms-identifiers":["name"]}},"required":["port"]},"ContainerProbe":{"type":"object","description":"The container probe, for liveness or readiness","properties":{"exec":{"description":"The execution command to probe","$ref":"#/definitions/ContainerExec"},"httpGet":{"description":"The Http Get settings to probe","$ref":"#/definitions/ContainerHttpGet"},"initialDelaySeconds":{"description":"The initial delay seconds.","type":"integer","format":"int32"},"periodSeconds":{"description":"The period seconds.","type":"integer","format":"int32"},"failureThreshold":{"description":"The failure threshold.","type":"integer","format":"int32"},"successThreshold":{"description":"The success threshold.","type":"integer","format":"int32"},"timeoutSeconds":{"description":"The timeout seconds.","type":"integer","format":"int32"}}},"ContainerGroup":{"description":"A container group.","allOf":[{"$ref":"#/definitions/Resource"},{"$ref":"#/definitions/ContainerGroupProperties"}]},"ContainerGroupProperties":{"description":"The container group properties","type":"object","required":["properties"],"properties":{"identity":{"$ref":"#/definitions/ContainerGroupIdentity","description":"The identity of the container group, if configured."},"properties":{"x-ms-client-flatten":true,"type":"object","description":"The container group properties","properties":{"provisioningState":{"readOnly":true,"type":"string","description":"The provisioning state of the container group. This only appears in the response."},"containers":{"type":"array","description":"The containers within the container group.","items":{"$ref":"#/definitions/Container"},"x-ms-identifiers":["name"]},"imageRegistryCredentials":{"type":"array","description":"The image registry credentials by which the container group is created from.","items":{"$ref":"#/definitions/ImageRegistryCredential"},"x-ms-identifiers":["username"]},"restartPolicy":{"type":"string","description":"Restart policy for all containers within the container group. \\n- `Always` Always restart\\n- `OnFailure` Restart on failure\\n- `Never` Never restart\\n","enum":["Always","OnFailure","Never"],"x-ms-enum":{"name":"ContainerGroupRestartPolicy","modelAsString":true}},"ipAddress":{"description":"The IP address type of the container group.","$ref":"#/definitions/IpAddress"},"osType":{"type":"string","description":"The operating system type required by the containers in the container group.","enum":["Windows","Linux"],"x-ms-enum":{"name":"OperatingSystemTypes","modelAsString":true}},"volumes":{"type":"array","description":"The list of volumes that can be mounted by containers in this container group.","items":{"$ref":"#/definitions/Volume"},"x-ms-identifiers":["name"]},"instanceView":{"description":"The instance view of the container group. Only valid in response.","readOnly":true,"type":"object","properties":{"events":{"description":"The events of this container group.","readOnly":true,"type":"array","items":{"$ref":"#/definitions/Event"},"x-ms-identifiers":["name","type"]},"state":{"readOnly":true,"type":"string","description":"The state of the container group. Only valid in response."}}},"diagnostics":{"description":"The diagnostic information for a container group.","$ref":"#/definitions/ContainerGroupDiagnostics"},"subnetIds":{"type":"array","description":"The subnet resource IDs for a container group.","items":{"$ref":"#/definitions/ContainerGroupSubnetId"}},"dnsConfig":{"description":"The DNS config information for a container group.","$ref":"#/definitions/DnsConfiguration"},"sku":{"description":"The SKU for a container group.","$ref":"#/definitions/ContainerGroupSku"},"encryptionProperties":{"description":"The encryption properties for a container group.","$ref":"#/definitions/EncryptionProperties"},"initContainers":{"type":"array","description":"The init containers for a container group.","items":{"$ref":"#/definitions/InitContainerDefinition"},"x-ms-identifiers":["name"]},"extensions":{"type":"array","description":"extensions used by virtual kubelet","items":{"$ref":"#/definitions/DeploymentExtensionSpec"},"x-ms-identifiers":["name"]},"confidentialComputeProperties":{"description":"The properties for confidential container group","$ref":"#/definitions/ConfidentialComputeProperties"},"priority":{"type":"string","description":"The priority of the container group.","enum":["Regular","Spot"],"x-ms-enum":{"name":"ContainerGroupPriority","modelAsString":true}}},"required":["containers","osType"]}}},"ListResultContainerGroup":{"description":"A container group part of the list result.","allOf":[{"$ref":"#/definitions/Resource"},{"$ref":"#/definitions/ListResultContainerGroupProperties"}]},"ListResultContainerGroupProperties":{"description":"Properties of container group part of list result","type":"object","required":["properties"],"properties":{"identity":{"$ref":"#/definitions/ContainerGroupIdentity","description":"The identity of the container group, if configured."},"properties":{"x-ms-client-flatten":true,"type":"object","description":"The container group properties","properties":{"provisioningState":{"readOnly":true,"type":"string","description":"The provisioning state of the container group. This only appears in the response.","enum":["NotSpecified","Accepted","Pending","Updating","Creating","Repairing","Unhealthy","Failed","Canceled","Succeeded","Deleting","NotAccessible","PreProvisioned"],"x-ms-enum":{"name":"ContainerGroupProvisioningState","modelAsString":true}},"containers":{"type":"array","description":"The containers within the container group.","items":{"$ref":"#/definitions/Container"},"x-ms-identifiers":["name"]},"imageRegistryCredentials":{"type":"array","description":"The image registry credentials by which the container group is created from.","items":{"$ref":"#/definitions/ImageRegistryCredential"},"x-ms-identifiers":["username"]},"restartPolicy":{"type":"string","description":"Restart policy for all containers within the container group. \\n- `Always` Always restart\\n- `OnFailure` Restart on failure\\n- `Never` Never restart\\n","enum":["Always","OnFailure","Never"],"x-ms-enum":{"name":"ContainerGroupRestartPolicy","modelAsString":true}},"ipAddress":{"description":"The IP address type of the container group.","$ref":"#/definitions/IpAddress"},"osType":{"type":"string","description":"The operating system type required by the containers in the container group.","enum":["Windows","Linux"],"x-ms-enum":{"name":"OperatingSystemTypes","modelAsString":true}},"volumes":{"type":"array","description":"The list of volumes that can be mounted by containers in this container group.","items":{"$ref":"#/definitions/Volume"},"x-ms-identifiers":["name"]},"diagnostics":{"description":"The diagnostic information for a container group.","$ref":"#/definitions/ContainerGroupDiagnostics"},"subnetIds":{"type":"array","description":"The subnet resource IDs for a container group.","items":{"$ref":"#/definitions/ContainerGroupSubnetId"}},"dnsConfig":{"description":"The DNS config information for a container group.","$ref":"#/definitions/DnsConfiguration"},"sku":{"description":"The SKU for a container group.","$ref":"#/definitions/ContainerGroupSku"},"encryptionProperties":{"description":"The encryption properties for a container group.","$ref":"#/definitions/EncryptionProperties"},"initContainers":{"type":"array","description":"The init containers for a container group.","items":{"$ref":"#/definitions/InitContainerDefinition"},"x-ms-identifiers":["name"]},"extensions":{"type":"array","description":"extensions used by virtual kubelet","items":{"$ref":"#/definitions/DeploymentExtensionSpec"},"x-ms-identifiers":["name"]},"confidentialComputeProperties":{"description":"The properties for confidential container group","$ref":"#/definitions/ConfidentialComputeProperties"},"priority":{"type":"string","description":"The priority of the container group.","enum":["Regular","Spot"],"x-ms-enum":{"name":"ContainerGroupPriority","modelAsString":true}}},"required":["containers","osType"]}}},"DeploymentExtensionSpec":{"description":"Extension sidecars to be added to the deployment.","type":"object","properties":{"name":{"type":"string","description":"Name of the extension."},"properties":{"type":"object","x-ms-client-flatten":true,"description":"Extension specific properties","properties":{"extensionType":{"type":"string","description":"Type of extension to be added."},"version":{"type":"string","description":"Version of the extension being used."},"settings":{"type":"object","description":"Settings for the extension."},"protectedSettings":{"type":"object","description":"Protected settings for the extension."}},"required":["extensionType","version"]}},"required":["name"]},"ContainerGroupIdentity":{"description":"Identity for the container group.","properties":{"principalId":{"readOnly":true,"type":"string","description":"The principal id of the container group identity. This property will only be provided for a system assigned identity."},"tenantId":{"readOnly":true,"type":"string","description":"The tenant id associated with the container group. This property will only be provided for a system assigned identity."},"type":{"type":"string","description":"The type of identity used for the container group. The type \'SystemAssigned, UserAssigned\' includes both an implicitly created identity and a set of user assigned identities. The type \'None\' will remove any identities from the container group.","enum":["SystemAssigned","UserAssigned","SystemAssigned, UserAssigned","None"],"x-ms-enum":{"name":"ResourceIdentityType","modelAsString":false}},"userAssignedIdentities":{"type":"object","description":"The list of user identities associated with the container group.","additionalProperties":{"description":"The list of user identities associated with the container group. The user identity dictionary key references will be ARM resource ids in the form: \'/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{identityName}\'.","$ref":"#/definitions/UserAssignedIdentities"}}}},"UserAssignedIdentities":{"type":"object","description":"The list of user identities associated with the container group. The user identity dictionary key references will be ARM resource ids in the form: \'/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{identityName}\'.","properties":{"principalId":{"readOnly":true,"type":"string","description":"The principal id of user assigned identity."},"clientId":{"readOnly":true,"type":"string","description":"The client id of user assigned identity."}}},"ImageRegistryCredential":{"description":"Image registry credential.","type":"object","properties":{"server":{"type":"string","description":"The Docker image registry server without a protocol such as \\"http\\" and \\"https\\"."},"username":{"type":"string","description":"The username for the private registry."},"password":{"type":"string","description":"The password for the private registry.","x-ms-secret":true},"identity":{"type":"string","description":"The identity for the private registry."},"identityUrl":{"type":"string","description":"The identity URL for the private registry."}},"required":["server"]},"ContainerGroupDiagnostics":{"description":"Container group diagnostic information.","type":"object","properties":{"logAnalytics":{"description":"Container group log analytics information.","$ref":"#/definitions/LogAnalytics"}}},"LogAnalytics":{"description":"Container group log analytics information.","type":"object","properties":{"workspaceId":{"description":"The workspace id for log analytics","type":"string"},"workspaceKey":{"description":"The workspace key for log analytics","type":"string","x-ms-secret":true},"logType":{"type":"string","description":"The log type to be used.","enum":["ContainerInsights","ContainerInstanceLogs"],"x-ms-enum":{"name":"LogAnalyticsLogType","modelAsString":true}},"metadata":{"type":"object","description":"Metadata for log analytics.","additionalProperties":{"type":"string"}},"workspaceResourceId":{"description":"The workspace resource id for log analytics","type":"string","x-ms-secret":true}},"required":["workspaceId","workspaceKey"]},"ContainerGroupSubnetId":{"description":"Container group subnet information.","type":"object","properties":{"id":{"description":"Resource ID of virtual network and subnet.","type":"string"},"name":{"description":"Friendly name for the subnet.","type":"string"}},"required":["id"]},"IpAddress":{"description":"IP address for the container group.","type":"object","properties":{"ports":{"type":"array","description":"The list of ports exposed on the container group.","items":{"$ref":"#/definitions/Port"},"x-ms-identifiers":["port"]},"type":{"type":"string","description":"Specifies if the IP is exposed to the public internet or private VNET.","enum":["Public","Private"],"x-ms-enum":{"name":"ContainerGroupIpAddressType","modelAsString":true}},"ip":{"type":"string","description":"The IP exposed to the public internet."},"dnsNameLabel":{"type":"string","description":"The Dns name label for the IP."},"autoGeneratedDomainNameLabelScope":{"type":"string","description":"The value representing the security enum. The \'Unsecure\' value is the default value if not selected and means the object\'s domain name label is not secured against subdomain takeover. The \'TenantReuse\' value is the default value if selected and means the object\'s domain name label can be reused within the same tenant. The \'SubscriptionReuse\' value means the object\'s domain name label can be reused within the same subscription. The \'ResourceGroupReuse\' value means the object\'s domain name label can be reused within the same resource group. The \'NoReuse\' value means the object\'s domain name label cannot be reused within the same resource group, subscription, or tenant.","enum":["Unsecure","TenantReuse","SubscriptionReuse","ResourceGroupReuse","Noreuse"],"default":"Unsecure","x-ms-enum":{"name":"dnsNameLabelReusePolicy","modelAsString":true}},"fqdn":{"readOnly":true,"type":"string","description":"The FQDN for the IP."}},"required":["ports","type"]},"Port":{"description":"The port exposed on the container group.","type":"object","properties":{"protocol":{"type":"string","description":"The protocol associated with the port.","enum":["TCP","UDP"],"x-ms-enum":{"name":"ContainerGroupNetworkProtocol","modelAsString":true}},"port":{"type":"integer","description":"The port number.","format":"int32"}},"required":["port"]},"ContainerPort":{"description":"The port exposed on the container instance.","type":"object","properties":{"protocol":{"type":"string","description":"The protocol associated with the port.","enum":["TCP","UDP"],"x-ms-enum":{"name":"ContainerNetworkProtocol","modelAsString":true}},"port":{"type":"integer","format":"int32","description":"The port number exposed within the container group."}},"required":["port"]},"EnvironmentVariable":{"description":"The environment variable to set within the container instance.","type":"object","properties":{"name":{"type":"string","description":"The name of the environment variable."},"value":{"type":"string","description":"The value of the environment variable."},"secureValue":{"type":"string","description":"The value of the secure environment variable.","x-ms-secret":true}},"required":["name"]},"OperationListResult":{"description":"The operation list response that contains all operations for Azure Container Instance service.","type":"object","properties":{"value":{"type":"array","items":{"$ref":"#/definitions/Operation"},"x-ms-identifiers":["name"],"description":"The list of operations."},"nextLink":{"type":"string","description":"The URI to fetch the next page of operations."}}},"Operation":{"description":"An operation for Azure Container Instance service.","type":"object","properties":{"name":{"type":"string","description":"The name of the operation."},"display":{"description":"The display information of the operation.","type":"object","properties":{"provider":{"description":"The name of the provider of the operation.","type":"string"},"resource":{"type":"string","description":"The name of the resource type of the operation."},"operation":{"description":"The friendly name of the operation.","type":"string"},"description":{"description":"The description of the operation.","type":"string"}}},"properties":{"type":"object","description":"The additional properties.","x-ms-client-flatten":true},"origin":{"type":"string","description":"The intended executor of the operation.","enum":["User","System"],"x-ms-enum":{"name":"ContainerInstanceOperationsOrigin","modelAsString":true}}},"required":["name","display"]},"UsageListResult":{"description":"The response containing the usage data","type":"object","properties":{"value":{"readOnly":true,"type":"array","description":"The usage data.","items":{"$ref":"#/definitions/Usage"},"x-ms-identifiers":["name"]}}},"Usage":{"description":"A single usage result","type":"object","properties":{"id":{"readOnly":true,"type":"string","description":"Id of the usage result"},"unit":{"readOnly":true,"type":"string","description":"Unit of the usage result"},"currentValue":{"readOnly":true,"type":"integer","format":"int32","description":"The current usage of the resource"},"limit":{"readOnly":true,"type":"integer","format":"int32","description":"The maximum permitted usage of the resource."},"name":{"readOnly":true,"type":"object","description":"The name object of the resource","properties":{"value":{"readOnly":true,"type":"string","description":"The name of the resource"},"localizedValue":{"readOnly":true,"type":"string","description":"The localized name of the resource"}}}}},"ContainerGroupListResult":{"description":"The container group list response that contains the container group properties.","type":"object","properties":{"value":{"type":"array","items":{"$ref":"#/definitions/ListResultContainerGroup"},"description":"The list of container groups."},"nextLink":{"type":"string","description":"The URI to fetch the next page of container groups."}}},"Logs":{"description":"The logs.","type":"object","properties":{"content":{"type":"string","description":"The content of the log."}}},"ContainerExecRequest":{"description":"The container exec request.","type":"object","properties":{"command":{"type":"string","description":"The command to be executed."},"terminalSize":{"type":"object","description":"The size of the terminal.","properties":{"rows":{"type":"integer","format":"int32","description":"The row size of the terminal"},"cols":{"type":"integer","format":"int32","description":"The column size of the terminal"}}}}},"ContainerExecResponse":{"description":"The information for the container exec command.","type":"object","properties":{"webSocketUri":{"type":"string","description":"The uri for the exec websocket."},"password":{"type":"string","description":"The password to start the exec command.","x-ms-secret":true}}},"ContainerAttachResponse":{"description":"The information for the output stream from container attach.","type":"object","properties":{"webSocketUri":{"type":"string","description":"The uri for the output stream from the attach."},"password":{"type":"string","description":"The password to the output stream from the attach. Send as an Authorization header value when connecting to the websocketUri.","x-ms-secret":true}}},"HttpHeader":{"description":"The HTTP header.","type":"object","properties":{"name":{"type":"string","description":"The header name."},"value":{"type":"string","description":"The header value."}}},"DnsConfiguration":{"description":"DNS configuration for the container group.","type":"object","required":["nameServers"],"properties":{"nameServers":{"description":"The DNS servers for the container group.","type":"array","items":{"type":"string"}},"searchDomains":{"description":"The DNS search domains for hostname lookup in the container group.","type":"string"},"options":{"description":"The DNS options for the container group.","type":"string"}}},"Resource":{"type":"object","description":"The Resource model definition.","properties":{"id":{"readOnly":true,"type":"string","description":"The resource id."},"name":{"readOnly":true,"type":"string","description":"The resource name."},"type":{"readOnly":true,"type":"string","description":"The resource type."},"location":{"type":"string","description":"The resource location."},"tags":{"type":"object","additionalProperties":{"type":"string"},"description":"The resource tags."},"zones":{"description":"The zones for the container group.","type":"array","items":{"type":"string"}}},"x-ms-azure-resource":true},"CachedImagesListResult":{"description":"The response containing cached images.","type":"object","properties":{"value":{"type":"array","items":{"$ref":"#/definitions/cachedImages"},"x-ms-identifiers":["image"],"description":"The list of cached images."},"nextLink":{"type":"string","description":"The URI to fetch the next page of cached images."}}},"cachedImages":{"description":"The cached image and OS type.","type":"object","required":["osType","image"],"properties":{"osType":{"type":"string","description":"The OS type of the cached image."},"image":{"type":"string","description":"The cached image name."}}},"CapabilitiesListResult":{"description":"The response containing list of capabilities.","type":"object","properties":{"value":{"type":"array","items":{"$ref":"#/definitions/Capabilities"},"x-ms-identifiers":["resourceType","location"],"description":"The list of capabilities."},"nextLink":{"type":"string","description":"The URI to fetch the next page of capabilities."}}},"Capabilities":{"description":"The regional capabilities.","type":"object","properties":{"resourceType":{"type":"string","readOnly":true,"description":"The resource type that this capability describes."},"osType":{"type":"string","readOnly":true,"description":"The OS type that this capability describes."},"location":{"type":"string","readOnly":true,"description":"The resource location."},"ipAddressType":{"type":"string","readOnly":true,"description":"The ip address type that this capability describes."},"gpu":{"type":"string","readOnly":true,"description":"The GPU sku that this capability describes."},"capabilities":{"type":"object","readOnly":true,"description":"The supported capabilities.","properties":{"maxMemoryInGB":{"type":"number","readOnly":true,"description":"The maximum allowed memory request in GB."},"maxCpu":{"type":"number","readOnly":true,"description":"The maximum allowed CPU request in cores."},"maxGpuCount":{"type":"number","readOnly":true,"description":"The maximum allowed GPU count."}}}}},"ContainerGroupSku":{"description":"The container group SKU.","type":"string","enum":["Standard","Dedicated","Confidential"],"x-ms-enum":{"name":"ContainerGroupSku","modelAsString":true}},"EncryptionProperties":{"description":"The container group encryption properties.","type":"object","properties":{"vaultBaseUrl":{"description":"The keyvault base url.","type":"string"},"keyName":{"description":"The encryption key name.","type":"string"},"keyVersion":{"description":"The encryption key version.","type":"string"},"identity":{"type":"string","description":"The keyvault managed identity."}},"required":["vaultBaseUrl","keyName","keyVersion"]},"InitContainerDefinition":{"description":"The init container definition.","type":"object","properties":{"name":{"description":"The name for the init container.","type":"string"},"properties":{"description":"The properties for the init container.","x-ms-client-flatten":true,"$ref":"#/definitions/InitContainerPropertiesDefinition"}},"required":["name","properties"]},"InitContainerPropertiesDefinition":{"description":"The init container definition properties.","type":"object","properties":{"image":{"description":"The image of the init container.","type":"string"},"command":{"description":"The command to execute within the init container in exec form.","type":"array","items":{"type":"string"}},"environmentVariables":{"description":"The environment variables to set in the init container.","type":"array","items":{"$ref":"#/definitions/EnvironmentVariable"},"x-ms-identifiers":["name"]},"instanceView":{"description":"The instance view of the init container. Only valid in response.","readOnly":true,"type":"object","properties":{"restartCount":{"readOnly":true,"type":"integer","format":"int32","description":"The number of times that the init container has been restarted."},"currentState":{"readOnly":true,"description":"The current state of the init container.","$ref":"#/definitions/ContainerState"},"previousState":{"readOnly":true,"description":"The previous state of the init container.","$ref":"#/definitions/ContainerState"},"events":{"readOnly":true,"description":"The events of the init container.","type":"array","items":{"$ref":"#/definitions/Event"},"x-ms-identifiers":["name","type"]}}},"volumeMounts":{"description":"The volume mounts available to the init container.","type":"array","items":{"$ref":"#/definitions/VolumeMount"},"x-ms-identifiers":["name"]},"securityContext":{"description":"The container security properties.","$ref":"#/definitions/SecurityContextDefinition"}}},"CloudError":{"x-ms-external":true,"properties":{"error":{"$ref":"#/definitions/CloudErrorBody"}},"description":"An error response from the Container Instance service."},"CloudErrorBody":{"x-ms-external":true,"properties":{"code":{"type":"string","description":"An identifier for the error. Codes are invariant and are intended to be consumed programmatically."},"message":{"type":"string","description":"A message describing the error, intended to be suitable for display in a user interface."},"target":{"type":"string","description":"The target of the particular error. For example, the name of the property in error."},"details":{"type":"array","items":{"$ref":"#/definitions/CloudErrorBody"},"x-ms-identifiers":["message","target"],"description":"A list of additional details about the error."}},"description":"An error response from the Container Instance service."},"NetworkDependenciesResponse":{"description":"Response for network dependencies, always empty list.","type":"array","items":{"type":"string"}},"ConfidentialComputeProperties":{"description":"The properties for confidential container group","type":"object","properties":{"ccePolicy":{"type":"string","description":"The base64 encoded confidential compute enforcement policy"}}}},"parameters":{"SubscriptionIdParameter":{"name":"subscriptionId","in":"path","required":true,"type":"string","description":"Subscription credentials which uniquely identify Microsoft Azure subscription. The subscription ID forms part of the URI for every service call.","x-ms-parameter-location":"client"},"LocationParameter":{"name":"location","in":"path","required":true,"type":"string","description":"The identifier for the physical azure location.","x-ms-parameter-location":"method"},"ApiVersionParameter":{"name":"api-version","in":"query","required":true,"type":"string","description":"Client API version","x-ms-parameter-location":"client"},"ResourceGroupNameParameter":{"name":"resourceGroupName","in":"path","required":true,"type":"string","description":"The name of the resource group.","x-ms-parameter-location":"method"},"ContainerGroupNameParameter":{"name":"containerGroupName","in":"path","required":true,"type":"string","description":"The name of the container group.","x-ms-parameter-location":"method"},"VirtualNetworkNameParameter":{"name":"virtualNetworkName","in":"path","required":true,"type":"string","description":"The name of the virtual network.","x-ms-parameter-location":"method"},"SubnetNameParameter":{"name":"subnetName","in":"path","required":true,"type":"string","description":"The name of the subnet.","x-ms-parameter-location":"method"},"OperationIdParameter":{"name":"operationId","in":"path","required":true,"type":"string","description":"The operation Id.","x-ms-parameter-location":"method"}}}');
;// CONCATENATED MODULE: ./src/emulator/swagger.ts
/**
 * A small validator for the Swagger 2.0 (OpenAPI v2) subset that ARM specs use: `$ref` to
 * `#/definitions`, `allOf`, `required`, `type`, `format`, `enum`, `readOnly`, `x-ms-secret` and
 * `additionalProperties`. It is stricter than JSON Schema's defaults on purpose: a property the spec
 * does not declare is an error (ARM's deserializer rejects unknown members), a read-only property in
 * a request is an error, and a secret (`x-ms-secret`) in a response is an error (ARM never returns one).
 */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
function describe(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'array';
    return typeof value;
}
function join(path, key) {
    return path ? `${path}.${key}` : key;
}
class SwaggerValidator {
    document;
    flat = new Map();
    constructor(document) {
        this.document = document;
    }
    /** The schema of a definition, e.g. `schema('ContainerGroup')`. */
    schema(definition) {
        const schema = this.document.definitions[definition];
        if (!schema)
            throw new Error(`swagger has no definition ${definition}`);
        return { $ref: `#/definitions/${definition}` };
    }
    /** A parameter with its `$ref` to the document's parameters resolved. */
    parameter(p) {
        if (!p.$ref)
            return p;
        const name = p.$ref.replace('#/parameters/', '');
        const resolved = this.document.parameters?.[name];
        if (!resolved)
            throw new Error(`swagger has no parameter ${name}`);
        return resolved;
    }
    resolve(schema) {
        let current = schema;
        let name;
        for (let depth = 0; current.$ref; depth++) {
            if (depth > 32)
                throw new Error(`swagger $ref cycle at ${current.$ref}`);
            name = current.$ref.replace('#/definitions/', '');
            const next = this.document.definitions[name];
            if (!next)
                throw new Error(`swagger has no definition ${name}`);
            current = next;
        }
        return { schema: current, name };
    }
    flatten(schema) {
        const cached = this.flat.get(schema);
        if (cached)
            return cached;
        const { schema: s, name } = this.resolve(schema);
        const flat = {
            name,
            type: s.type,
            format: s.format,
            enum: s.enum,
            properties: { ...(s.properties ?? {}) },
            required: [...(s.required ?? [])],
            items: s.items,
            additionalProperties: s.additionalProperties,
            readOnly: Boolean(s.readOnly),
            object: s.type === 'object' || Boolean(s.properties) || Boolean(s.allOf),
            freeForm: s.type === 'object' && !s.properties && !s.allOf && s.additionalProperties === undefined,
        };
        for (const part of s.allOf ?? []) {
            const p = this.flatten(part);
            Object.assign(flat.properties, p.properties);
            flat.required.push(...p.required);
            flat.object ||= p.object;
            flat.additionalProperties ??= p.additionalProperties;
        }
        if (flat.object)
            flat.type ??= 'object';
        this.flat.set(schema, flat);
        return flat;
    }
    /** Every way `value` departs from `schema`; empty when it conforms. */
    validate(schema, value, direction, path = '') {
        const out = [];
        this.walk(schema, value, direction, path, out, undefined);
        return out;
    }
    walk(schema, value, direction, path, out, parent) {
        const s = this.flatten(schema);
        const at = path || '(body)';
        const push = (kind, message) => out.push({ kind, path: at, message, definition: parent });
        if (value === null || value === undefined) {
            push('type', `'${at}' must be ${s.type ?? 'a value'}, not ${describe(value)}`);
            return;
        }
        switch (s.type) {
            case 'object': {
                if (typeof value !== 'object' || Array.isArray(value)) {
                    push('type', `'${at}' must be an object, not ${describe(value)}`);
                    return;
                }
                const record = value;
                for (const key of s.required) {
                    // Responses leave secrets out, required or not (a Log Analytics key, say).
                    const secret = direction !== 'request' && s.properties[key]?.['x-ms-secret'];
                    if (record[key] === undefined && !secret) {
                        out.push({
                            kind: 'required',
                            path: join(path, key),
                            message: `the required property '${join(path, key)}' is missing`,
                            definition: s.name ?? parent,
                        });
                    }
                }
                for (const [key, child] of Object.entries(record)) {
                    const childPath = join(path, key);
                    const declared = s.properties[key];
                    if (declared) {
                        const resolved = this.flatten(declared);
                        if (direction === 'request' && (declared.readOnly || resolved.readOnly)) {
                            out.push({
                                kind: 'readOnly',
                                path: childPath,
                                message: `'${childPath}' is read-only and cannot be set`,
                                definition: s.name ?? parent,
                            });
                            continue;
                        }
                        if (direction === 'response' && declared['x-ms-secret']) {
                            out.push({
                                kind: 'secret',
                                path: childPath,
                                message: `'${childPath}' is a secret and must never be returned`,
                                definition: s.name ?? parent,
                            });
                            continue;
                        }
                        this.walk(declared, child, direction, childPath, out, s.name ?? parent);
                    }
                    else if (typeof s.additionalProperties === 'object') {
                        this.walk(s.additionalProperties, child, direction, childPath, out, s.name ?? parent);
                    }
                    else if (s.additionalProperties !== true && !s.freeForm) {
                        out.push({
                            kind: 'unknown',
                            path: childPath,
                            message: `could not find member '${key}' on object of type '${s.name ?? parent ?? 'object'}'`,
                            definition: s.name ?? parent,
                        });
                    }
                }
                return;
            }
            case 'array':
                if (!Array.isArray(value)) {
                    push('type', `'${at}' must be an array, not ${describe(value)}`);
                    return;
                }
                value.forEach((item, i) => {
                    if (s.items)
                        this.walk(s.items, item, direction, `${path}[${i}]`, out, s.name ?? parent);
                });
                return;
            case 'string':
                if (typeof value !== 'string') {
                    push('type', `'${at}' must be a string, not ${describe(value)}`);
                    return;
                }
                if (s.format === 'date-time' && !DATE_TIME.test(value)) {
                    push('format', `'${at}' must be an RFC 3339 date-time, got '${value}'`);
                }
                break;
            case 'integer':
                if (typeof value !== 'number' || !Number.isInteger(value)) {
                    push('type', `'${at}' must be an integer, not ${describe(value)} ${JSON.stringify(value)}`);
                    return;
                }
                if (s.format === 'int32' && (value < INT32.min || value > INT32.max)) {
                    push('format', `'${at}' must fit in 32 bits, got ${value}`);
                }
                break;
            case 'number':
                if (typeof value !== 'number' || !Number.isFinite(value)) {
                    push('type', `'${at}' must be a number, not ${describe(value)}`);
                    return;
                }
                break;
            case 'boolean':
                if (typeof value !== 'boolean') {
                    push('type', `'${at}' must be a boolean, not ${describe(value)}`);
                    return;
                }
                break;
            default:
                break;
        }
        if (s.enum && !this.inEnum(s.enum, value, direction)) {
            push('enum', `'${at}' must be one of ${s.enum.map((e) => `'${String(e)}'`).join(', ')}, got '${String(value)}'`);
        }
    }
    /**
     * A copy of a (valid) request body with every enum value in the spec's own spelling, as ARM
     * stores it: "tcp" becomes "TCP", "onfailure" "OnFailure".
     */
    canonicalize(schema, value) {
        const s = this.flatten(schema);
        if (Array.isArray(value))
            return value.map((v) => (s.items ? this.canonicalize(s.items, v) : v));
        if (value && typeof value === 'object') {
            const out = {};
            for (const [key, child] of Object.entries(value)) {
                const declared = s.properties[key] ??
                    (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
                out[key] = declared ? this.canonicalize(declared, child) : child;
            }
            return out;
        }
        if (typeof value === 'string' && s.enum) {
            return s.enum.find((e) => typeof e === 'string' && e.toLowerCase() === value.toLowerCase()) ?? value;
        }
        return value;
    }
    /** ARM reads enums case-insensitively ("Tcp" is TCP); what it sends back is exact. */
    inEnum(values, value, direction) {
        if (direction === 'request' && typeof value === 'string') {
            return values.some((v) => typeof v === 'string' && v.toLowerCase() === value.toLowerCase());
        }
        return values.includes(value);
    }
    /** A query or path parameter as received (a string), checked against its declared type. */
    validateParameter(p, raw) {
        const param = this.parameter(p);
        if (raw === undefined) {
            return param.required
                ? [
                    {
                        kind: 'required',
                        path: param.name,
                        message: `the required parameter '${param.name}' is missing`,
                    },
                ]
                : [];
        }
        let ok = true;
        if (param.type === 'integer')
            ok = /^-?\d+$/.test(raw) && (param.format !== 'int32' || Math.abs(Number(raw)) < 2 ** 31);
        if (param.type === 'boolean')
            ok = /^(true|false)$/i.test(raw);
        if (param.type === 'number')
            ok = Number.isFinite(Number(raw));
        return ok
            ? []
            : [
                {
                    kind: 'type',
                    path: param.name,
                    message: `the parameter '${param.name}' must be ${param.type}, got '${raw}'`,
                },
            ];
    }
}
/**
 * Finds the operation for `method` and `path` (already split from its query). ARM matches the
 * literal segments case-insensitively (`resourcegroups` is `resourceGroups`).
 */
function matchOperation(doc, method, path) {
    const segments = path.split('/').filter(Boolean);
    for (const [template, item] of Object.entries(doc.paths)) {
        const parts = template.split('/').filter(Boolean);
        if (parts.length !== segments.length)
            continue;
        const params = {};
        const matches = parts.every((part, i) => {
            const segment = segments[i] ?? '';
            const param = /^\{(.+)\}$/.exec(part);
            if (param?.[1]) {
                params[param[1]] = decodeURIComponent(segment);
                return segment.length > 0;
            }
            return part.toLowerCase() === segment.toLowerCase();
        });
        const operation = item[method.toLowerCase()];
        if (matches && operation)
            return { template, method: method.toUpperCase(), operation, params };
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/emulator/spec.ts


/**
 * The Microsoft.ContainerInstance 2023-05-01 swagger, verbatim (spec/PROVENANCE.md), plus the one
 * shape ARM uses that the spec leaves out: the status of a long-running operation.
 */
const OPERATION_STATUS = {
    type: 'object',
    required: ['id', 'name', 'status'],
    properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        status: { type: 'string', enum: ['InProgress', 'Succeeded', 'Failed', 'Canceled'] },
        startTime: { type: 'string', format: 'date-time' },
        endTime: { type: 'string', format: 'date-time' },
        error: { $ref: '#/definitions/CloudErrorBody' },
    },
};
const CONTAINER_INSTANCE_SPEC = {
    ...containerInstance_2023_05_01_namespaceObject,
    definitions: {
        ...containerInstance_2023_05_01_namespaceObject.definitions,
        EmulatorOperationStatus: OPERATION_STATUS,
    },
};
function containerInstanceValidator() {
    return new SwaggerValidator(CONTAINER_INSTANCE_SPEC);
}

;// CONCATENATED MODULE: ./src/emulator/throttle.ts
/**
 * ARM's request throttling: a token bucket per subscription and kind of request (reads, writes,
 * deletes). A request takes a token; tokens come back at a steady rate up to the bucket's size.
 * ARM's published defaults: reads 250 (+25/s), writes 200 (+10/s), deletes 200 (+10/s).
 */
const ARM_THROTTLE = {
    read: { size: 250, refillPerSecond: 25 },
    write: { size: 200, refillPerSecond: 10 },
    delete: { size: 200, refillPerSecond: 10 },
};
class Throttle {
    settings;
    clock;
    buckets = new Map();
    constructor(settings = ARM_THROTTLE, clock = Date.now) {
        this.settings = settings;
        this.clock = clock;
    }
    /** Takes a token: the tokens left, or how many seconds to wait for the next one. */
    take(key, kind) {
        const { size, refillPerSecond } = this.settings[kind];
        const now = this.clock();
        const id = `${kind}:${key}`;
        const bucket = this.buckets.get(id) ?? { tokens: size, at: now };
        bucket.tokens = Math.min(size, bucket.tokens + ((now - bucket.at) / 1000) * refillPerSecond);
        bucket.at = now;
        this.buckets.set(id, bucket);
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return { remaining: Math.floor(bucket.tokens) };
        }
        return { retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerSecond)) };
    }
}

;// CONCATENATED MODULE: ./src/emulator/server.ts




















const MAX_BODY = 4 * 1024 * 1024;
/** ACI's operations, as GET /providers/Microsoft.ContainerInstance/operations lists them. */
const OPERATIONS = [
    ['containerGroups/read', 'Get Container Groups', 'Get all container groups.'],
    ['containerGroups/write', 'Create or Update Container Groups', 'Create or Update any container group.'],
    ['containerGroups/delete', 'Delete Container Groups', 'Delete the container group.'],
    ['containerGroups/start/action', 'Start Container Groups', 'Starts the container group.'],
    ['containerGroups/stop/action', 'Stop Container Groups', 'Stops the container group.'],
    ['containerGroups/restart/action', 'Restart Container Groups', 'Restarts the container group.'],
    ['containerGroups/containers/logs/read', 'Get Container Logs', 'Get the logs for this container.'],
    ['containerGroups/containers/exec/action', 'Container Exec', 'Exec into a container.'],
    ['containerGroups/containers/attach/action', 'Container Attach', 'Attach to a container.'],
].map(([name, operation, description]) => ({
    name: `${PROVIDER}/${name}`,
    display: { provider: 'Microsoft Container Instance', resource: 'Container Group', operation, description },
    origin: 'User',
}));
async function readBody(req) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
        size += chunk.length;
        if (size > MAX_BODY)
            throw new ArmError(413, 'RequestEntityTooLarge', 'The request content size exceeds the maximum allowed size of 4 MB.');
        chunks.push(chunk);
    }
    return Buffer.concat(chunks);
}
async function writeSecretFile(path, content) {
    const tmp = `${path}.${process.pid}.tmp`;
    await (0,promises_.writeFile)(tmp, content, { mode: 0o600 });
    await (0,promises_.rename)(tmp, path);
}
/** The docker backend per region (the region's DNS suffix) and local images for published names. */
function dockerEngine(socketPath, imageMap) {
    const backends = new Map();
    const docker = new (docker_default())({ socketPath });
    const exists = async (image) => docker
        .getImage(image)
        .inspect()
        .then(() => true)
        .catch(() => false);
    return {
        backendFor(location) {
            let backend = backends.get(location);
            if (!backend) {
                backend = new backends_docker/* DockerBackend */.P({ socketPath, domain: `${location}.azurecontainer.io` });
                backends.set(location, backend);
            }
            return backend;
        },
        async cachedImages() {
            const images = await docker.listImages();
            return images
                .flatMap((i) => i.RepoTags ?? [])
                .filter((t) => !t.includes('<none>'))
                .sort();
        },
        async resolveImage(image) {
            if (await exists(image))
                return image;
            for (const { from, to } of imageMap) {
                if (image.startsWith(from) && (await exists(`${to}${image.slice(from.length)}`))) {
                    return `${to}${image.slice(from.length)}`;
                }
            }
            return undefined;
        },
    };
}
async function loadOrCreateIdentity(dataDir, tenantId, principal) {
    const file = dataDir && (0,external_node_path_.join)(dataDir, 'identity.json');
    if (file && (0,external_node_fs_.existsSync)(file))
        return JSON.parse(await (0,promises_.readFile)(file, 'utf8'));
    const tenant = tenantId ?? (0,external_node_crypto_.randomUUID)();
    const created = {
        tenantId: tenant,
        principal: principal ?? {
            tenantId: tenant,
            clientId: (0,external_node_crypto_.randomUUID)(),
            clientSecret: (0,external_node_crypto_.randomBytes)(24).toString('base64url'),
        },
        adminKey: (0,external_node_crypto_.randomBytes)(24).toString('base64url'),
        signingKey: new TokenSigner().privateKeyPem(),
        ca: await (0,pki/* createCertificateAuthority */.Jo)('frankenetes-aci-emulator-ca'),
    };
    if (file && dataDir) {
        await (0,promises_.mkdir)(dataDir, { recursive: true, mode: 0o700 });
        await writeSecretFile(file, JSON.stringify(created, null, 2));
    }
    return created;
}
/** Starts the emulator: an HTTPS server at ARM's paths for Microsoft.ContainerInstance 2023-05-01. */
async function startEmulator(options = {}) {
    const log = options.log ?? ((m) => process.stderr.write(`emulator: ${m}\n`));
    const persisted = await loadOrCreateIdentity(options.dataDir, options.tenantId, options.principals?.[0]);
    const tenantId = persisted.tenantId;
    const principals = options.principals ?? [persisted.principal];
    const serving = await (0,pki/* issueCertificate */.D8)(persisted.ca, {
        subject: { cn: 'frankenetes-aci-emulator' },
        usage: 'server',
        dnsNames: ['localhost', 'management.azure.local', ...(options.tlsNames ?? [])],
        ips: ['127.0.0.1', ...(options.tlsIps ?? [])],
        lifetimeMs: 365 * 24 * 3600_000,
        now: new Date(),
    });
    const caPath = options.dataDir ? (0,external_node_path_.join)(options.dataDir, 'ca.crt') : undefined;
    if (caPath)
        await (0,promises_.writeFile)(caPath, persisted.ca.cert, { mode: 0o644 });
    const signer = new TokenSigner(persisted.signingKey);
    const validator = containerInstanceValidator();
    const faults = new Faults();
    for (const f of options.faults ?? [])
        faults.add(f);
    const throttle = options.throttle === false ? undefined : new Throttle(options.throttle ?? ARM_THROTTLE);
    const instance = options.instance ?? 'aci-emulator';
    const engine = options.engine ??
        dockerEngine(options.engineSocket ?? (0,backends_docker/* defaultEngineSocket */.X)(), options.imageMap ?? [{ from: 'ghcr.io/frankenetes/', to: 'localhost/frankenetes/' }]);
    const stateFile = options.dataDir ? (0,external_node_path_.join)(options.dataDir, 'state.json') : undefined;
    let saving = Promise.resolve();
    const groups = new GroupService(engine, {
        tenantId,
        limits: { ...ACI_LIMITS, ...options.limits },
        regions: options.regions ?? ACI_REGIONS,
        engineCluster: instance,
        enginePrefix: instance,
        faults,
        log,
        changed: () => {
            if (!stateFile)
                return;
            const snapshot = JSON.stringify({
                groups: [...groups.groups.values()],
                operations: [...groups.operations.values()],
            });
            saving = saving
                .then(() => writeSecretFile(stateFile, snapshot))
                .catch((e) => log(`could not save state: ${String(e)}`));
        },
        callback: options.internalUrl
            ? { url: options.internalUrl.replace(/\/$/, ''), caPem: persisted.ca.cert }
            : undefined,
        operationDelayMs: options.operationDelayMs ?? 0,
    });
    if (stateFile && (0,external_node_fs_.existsSync)(stateFile)) {
        const state = JSON.parse(await (0,promises_.readFile)(stateFile, 'utf8'));
        for (const g of state.groups)
            groups.groups.set(g.id.toLowerCase(), g);
        for (const op of state.operations)
            groups.operations.set(op.id, op);
        groups.recover();
    }
    const sessions = new Sessions();
    const violations = [];
    const requestViolations = [];
    const requests = [];
    let port = 0;
    const hostUrl = () => `https://127.0.0.1:${port}`;
    const baseOf = (req) => `https://${req.headers.host ?? `127.0.0.1:${port}`}`;
    // Entra's v1 issuer, as real ARM and storage tokens carry it (Azurite checks it, too).
    const identity = new IdentityService(signer, principals, 'https://sts.windows.net');
    const send = (res, reply, extra = {}) => {
        const headers = { ...extra, ...reply.headers };
        let payload;
        if (reply.body !== undefined) {
            payload = JSON.stringify(reply.body);
            headers['Content-Type'] = 'application/json; charset=utf-8';
        }
        res.writeHead(reply.status, headers);
        res.end(payload);
    };
    /** Checks a response against the operation's declared responses; a mismatch is the emulator's bug. */
    const checkResponse = (m, reply, url) => {
        const declared = m.operation.responses[String(reply.status)] ??
            (reply.status >= 400 ? m.operation.responses.default : undefined);
        const found = [];
        if (!declared) {
            found.push({
                kind: 'type',
                path: '(status)',
                message: `status ${reply.status} is not a declared response of ${m.operation.operationId}`,
            });
        }
        else if (declared.schema) {
            found.push(...validator.validate(declared.schema, reply.body, m.method === 'POST' ? 'action-response' : 'response'));
        }
        else if (reply.body !== undefined) {
            found.push({
                kind: 'type',
                path: '(body)',
                message: `${m.operation.operationId} ${reply.status} declares no body`,
            });
        }
        if (!found.length)
            return reply;
        for (const v of found) {
            violations.push({
                ...v,
                direction: 'response',
                operationId: m.operation.operationId,
                method: m.method,
                url,
                status: reply.status,
            });
        }
        log(`BUG: response of ${m.operation.operationId} broke the spec: ${found[0]?.message}`);
        return {
            status: 500,
            body: internalError(`The emulator's response broke the spec: ${found[0]?.message}`).body(),
        };
    };
    const idsOf = (params) => ({
        subscriptionId: params.subscriptionId ?? '',
        resourceGroup: params.resourceGroupName ?? '',
        name: params.containerGroupName ?? '',
    });
    const operationUrls = (req, g, op) => {
        const prefix = `${baseOf(req)}/subscriptions/${g.subscriptionId}/resourceGroups/${g.resourceGroup}/providers/${PROVIDER}/locations/${g.location}`;
        return {
            asyncOperation: `${prefix}/operations/${op.id}?api-version=${API_VERSION}`,
            location: `${prefix}/operationResults/${op.id}?api-version=${API_VERSION}`,
        };
    };
    /** The handlers, by the spec's operation ids. */
    const handle = async (m, req, query, body) => {
        const ids = idsOf(m.params);
        switch (m.operation.operationId) {
            case 'ContainerGroups_List':
            case 'ContainerGroups_ListByResourceGroup': {
                const list = groups.list(ids.subscriptionId, m.params.resourceGroupName);
                return { status: 200, body: { value: await Promise.all(list.map((g) => groups.render(g, 'list'))) } };
            }
            case 'ContainerGroups_Get':
                return { status: 200, body: await groups.render(groups.require(ids)) };
            case 'ContainerGroups_CreateOrUpdate': {
                const { created, group, operation } = groups.createOrUpdate(ids, body);
                return {
                    status: created ? 201 : 200,
                    body: await groups.render(group, 'put'),
                    headers: { 'Azure-AsyncOperation': operationUrls(req, group, operation).asyncOperation },
                };
            }
            case 'ContainerGroups_Update': {
                const g = groups.updateTags(ids, body.tags);
                return { status: 200, body: await groups.render(g) };
            }
            case 'ContainerGroups_Delete': {
                const g = groups.find(ids);
                const op = groups.delete(ids);
                if (!g || !op)
                    return { status: 204 };
                const urls = operationUrls(req, g, op);
                return {
                    status: 202,
                    headers: { 'Azure-AsyncOperation': urls.asyncOperation, Location: urls.location },
                };
            }
            case 'ContainerGroups_Start': {
                const op = groups.start(ids);
                return {
                    status: 202,
                    headers: { 'Azure-AsyncOperation': operationUrls(req, groups.require(ids), op).asyncOperation },
                };
            }
            case 'ContainerGroups_Restart': {
                const op = groups.restart(ids);
                return {
                    status: 204,
                    headers: { 'Azure-AsyncOperation': operationUrls(req, groups.require(ids), op).asyncOperation },
                };
            }
            case 'ContainerGroups_Stop':
                await groups.stop(ids);
                return { status: 204 };
            case 'Containers_ListLogs': {
                const tail = query.get('tail');
                const content = await groups.logs(ids, m.params.containerName ?? '', tail === null ? undefined : Number(tail), query.get('timestamps')?.toLowerCase() === 'true');
                return { status: 200, body: { content } };
            }
            case 'Containers_ExecuteCommand': {
                const container = m.params.containerName ?? '';
                const g = groups.requireRunningContainer(ids, container);
                const request = body;
                const command = request.command ?? '/bin/sh';
                const size = { cols: request.terminalSize?.cols ?? 80, rows: request.terminalSize?.rows ?? 24 };
                const { id, password } = sessions.addExec(() => groups.exec(g, container, command, size));
                log(`exec ${command} in ${g.name}/${container}`);
                return {
                    status: 200,
                    body: { webSocketUri: `${baseOf(req).replace(/^https/, 'wss')}/exec/${id}`, password },
                };
            }
            case 'Containers_Attach': {
                const container = m.params.containerName ?? '';
                const g = groups.requireRunningContainer(ids, container);
                const backend = engine.backendFor(g.location);
                const { id, password } = sessions.addAttach(() => backend.logs(g.engineName, container, { follow: true, tailLines: 0 }));
                return {
                    status: 200,
                    body: { webSocketUri: `${baseOf(req).replace(/^https/, 'wss')}/attach/${id}`, password },
                };
            }
            case 'Operations_List':
                return { status: 200, body: { value: OPERATIONS } };
            case 'Location_ListUsage': {
                const location = normalizeLocation(m.params.location ?? '');
                const inRegion = groups.list(ids.subscriptionId).filter((g) => g.location === location);
                const limits = { ...ACI_LIMITS, ...options.limits };
                const cores = inRegion
                    .filter((g) => !g.stopped)
                    .reduce((sum, g) => sum + g.properties.containers.reduce((s, c) => s + c.properties.resources.requests.cpu, 0), 0);
                return {
                    status: 200,
                    body: {
                        value: [
                            {
                                unit: 'Count',
                                currentValue: inRegion.length,
                                limit: limits.groupsPerRegion,
                                name: { value: 'ContainerGroups', localizedValue: 'Container Groups' },
                            },
                            {
                                unit: 'Count',
                                currentValue: Math.ceil(cores),
                                limit: limits.coresPerRegion,
                                name: { value: 'StandardCores', localizedValue: 'Standard Cores' },
                            },
                        ],
                    },
                };
            }
            case 'Location_ListCachedImages': {
                const images = (await engine.cachedImages?.()) ?? [];
                return { status: 200, body: { value: images.map((image) => ({ osType: 'Linux', image })) } };
            }
            case 'Location_ListCapabilities': {
                const limits = { ...ACI_LIMITS, ...options.limits };
                return {
                    status: 200,
                    body: {
                        value: [
                            {
                                resourceType: 'containerGroups',
                                osType: 'Linux',
                                location: normalizeLocation(m.params.location ?? ''),
                                ipAddressType: 'Public',
                                gpu: 'None',
                                capabilities: {
                                    maxMemoryInGB: limits.memoryInGBPerGroup,
                                    maxCpu: limits.cpuPerGroup,
                                    maxGpuCount: 0,
                                },
                            },
                        ],
                    },
                };
            }
            case 'ContainerGroups_GetOutboundNetworkDependenciesEndpoints':
                groups.require(ids);
                return { status: 200, body: [] };
            case 'SubnetServiceAssociationLink_Delete':
                return { status: 204 };
            default:
                throw new ArmError(501, 'NotImplemented', `The emulator does not implement ${m.operation.operationId}.`);
        }
    };
    const operationStatusSpec = {
        operationId: 'EmulatorOperationStatus',
        responses: {
            200: { schema: { $ref: '#/definitions/EmulatorOperationStatus' } },
            default: { schema: { $ref: '#/definitions/CloudError' } },
        },
    };
    const operationResultSpec = {
        operationId: 'EmulatorOperationResult',
        responses: { 202: {}, 204: {}, default: { schema: { $ref: '#/definitions/CloudError' } } },
    };
    /** GET …/locations/{l}/operations/{id} (Azure-AsyncOperation) and …/operationResults/{id} (Location). */
    const operationRoute = (path) => {
        const match = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerInstance\/locations\/[^/]+\/(operations|operationResults)\/([^/]+)$/i.exec(path);
        if (!match)
            return undefined;
        return { kind: match[1]?.toLowerCase() === 'operations' ? 'status' : 'result', id: match[2] ?? '' };
    };
    const handleArm = async (req, res, url) => {
        const method = req.method ?? 'GET';
        const path = url.pathname;
        const record = (status, operationId) => requests.push({ method, path, operationId, status });
        const base = {
            'x-ms-request-id': (0,external_node_crypto_.randomUUID)(),
            'x-ms-correlation-request-id': req.headers['x-ms-correlation-request-id'] ?? (0,external_node_crypto_.randomUUID)(),
        };
        const opRoute = operationRoute(path);
        const matched = opRoute ? undefined : matchOperation(validator.document, method, path);
        const spec = opRoute
            ? { operation: opRoute.kind === 'status' ? operationStatusSpec : operationResultSpec, method }
            : matched;
        try {
            identity.authenticate(req.headers.authorization);
            const fault = faults.forRequest(method, path);
            if (fault?.kind === 'throttle') {
                throw throttled('write', subscriptionOf(path), fault.retryAfterSeconds ?? 1);
            }
            if (fault?.kind === 'error') {
                throw new ArmError(fault.status ?? 500, fault.code ?? 'InternalServerError', 'Injected failure.');
            }
            const kind = method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : 'write';
            const sub = subscriptionOf(path);
            if (throttle) {
                const taken = throttle.take(sub, kind);
                if ('retryAfterSeconds' in taken)
                    throw throttled(kind, sub, taken.retryAfterSeconds);
                const bucket = { read: 'reads', write: 'writes', delete: 'deletes' }[kind];
                base[`x-ms-ratelimit-remaining-subscription-${bucket}`] = String(taken.remaining);
            }
            if (!spec) {
                const provider = path.toLowerCase().includes(`/providers/${PROVIDER.toLowerCase()}/`);
                throw provider
                    ? new ArmError(404, 'InvalidResourceType', `The resource type could not be found in the namespace '${PROVIDER}' for api version '${url.searchParams.get('api-version') ?? ''}'.`)
                    : new ArmError(404, 'NotFound', `The path '${path}' is not served by the ACI emulator.`);
            }
            const version = url.searchParams.get('api-version');
            if (!version)
                throw missingApiVersion();
            if (version !== API_VERSION)
                throw unsupportedApiVersion(version);
            if (opRoute) {
                const op = groups.operations.get(opRoute.id);
                if (!op)
                    throw new ArmError(404, 'OperationNotFound', `The operation '${opRoute.id}' was not found.`);
                let reply;
                if (opRoute.kind === 'status') {
                    const body = {
                        id: path,
                        name: op.id,
                        status: op.status,
                        startTime: op.startTime,
                    };
                    if (op.endTime)
                        body.endTime = op.endTime;
                    if (op.error)
                        body.error = op.error;
                    reply = { status: 200, body };
                }
                else if (op.status === 'InProgress') {
                    reply = {
                        status: 202,
                        headers: { Location: `${baseOf(req)}${path}?api-version=${API_VERSION}`, 'Retry-After': '1' },
                    };
                }
                else if (op.status === 'Failed') {
                    reply = { status: 500, body: { error: op.error } };
                }
                else {
                    reply = { status: 204 };
                }
                reply = checkResponse(spec, reply, path);
                record(reply.status, spec.operation.operationId);
                send(res, reply, base);
                return;
            }
            const m = matched;
            // The request against the spec: path and query parameters, then the body.
            let body;
            const problems = [];
            const raw = await readBody(req);
            for (const p of m.operation.parameters ?? []) {
                const param = validator.parameter(p);
                if (param.in === 'query' && param.name !== 'api-version')
                    problems.push(...validator.validateParameter(param, url.searchParams.get(param.name) ?? undefined));
                if (param.in === 'body') {
                    if (!raw.length) {
                        if (param.required)
                            problems.push({
                                kind: 'required',
                                path: '(body)',
                                message: `the request body (${param.name}) is required`,
                            });
                        continue;
                    }
                    const type = req.headers['content-type'] ?? '';
                    if (!/^application\/json/i.test(type)) {
                        throw new ArmError(415, 'UnsupportedMediaType', `The content media type '${type}' is not supported. Only 'application/json' is supported.`);
                    }
                    try {
                        body = JSON.parse(raw.toString('utf8'));
                    }
                    catch (error) {
                        throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${error.message}'.`);
                    }
                    if (param.schema) {
                        problems.push(...validator.validate(param.schema, body, 'request'));
                        body = validator.canonicalize(param.schema, body);
                    }
                }
            }
            if (problems.length) {
                for (const v of problems)
                    requestViolations.push({
                        ...v,
                        direction: 'request',
                        operationId: m.operation.operationId,
                        method,
                        url: path,
                    });
                throw schemaError(problems, m.params.containerGroupName);
            }
            const reply = checkResponse(m, await handle(m, req, url.searchParams, body), path);
            record(reply.status, m.operation.operationId);
            send(res, reply, base);
        }
        catch (error) {
            const e = error instanceof ArmError
                ? error
                : internalError(`Encountered an internal server error: ${error.message}`);
            if (!(error instanceof ArmError))
                log(`internal error on ${method} ${path}: ${error.stack ?? String(error)}`);
            let reply = { status: e.status, body: e.body(), headers: e.extra.headers };
            if (spec)
                reply = checkResponse(spec, reply, path);
            record(reply.status, spec?.operation.operationId);
            send(res, reply, base);
        }
    };
    const handleIdentity = async (req, res, url) => {
        const path = url.pathname;
        const json = (status, body) => send(res, { status, body });
        let m = /^\/([^/]+)(?:\/v2\.0)?\/\.well-known\/openid-configuration$/.exec(path);
        if (m?.[1] && req.method === 'GET') {
            json(200, openIdConfiguration(baseOf(req), m[1]));
            return true;
        }
        if (/^\/[^/]+\/discovery\/(v2\.0\/)?keys$/.test(path)) {
            json(200, signer.jwks());
            return true;
        }
        if (/^\/common\/discovery\/instance$/.test(path)) {
            json(200, instanceDiscovery(baseOf(req), req.headers.host ?? ''));
            return true;
        }
        m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
        if (m?.[1] && req.method === 'POST') {
            const answer = identity.token(m[1], new URLSearchParams((await readBody(req)).toString('utf8')));
            json(answer.status, answer.body);
            return true;
        }
        if (path === '/msi/token' && req.method === 'GET') {
            try {
                const secret = req.headers['x-identity-header'];
                const g = typeof secret === 'string'
                    ? [...groups.groups.values()].find((x) => x.identitySecret === secret)
                    : undefined;
                if (!g?.identity)
                    throw msiError(401, 'The X-IDENTITY-HEADER is missing or does not belong to a container group with a managed identity.');
                const resource = url.searchParams.get('resource');
                if (!resource)
                    throw msiError(400, "The 'resource' query parameter is required.");
                const wanted = url.searchParams.get('client_id') ??
                    url.searchParams.get('mi_res_id') ??
                    url.searchParams.get('object_id') ??
                    url.searchParams.get('principal_id');
                const assigned = Object.entries(g.identity.userAssignedIdentities ?? {});
                let principalId = g.identity.principalId;
                let clientId = g.identity.principalId;
                if (wanted) {
                    const hit = assigned.find(([rid, v]) => [rid.toLowerCase(), v.clientId, v.principalId].includes(wanted.toLowerCase()));
                    if (!hit)
                        throw msiError(400, `No user-assigned identity '${wanted}' is assigned to container group '${g.name}'.`);
                    principalId = hit[1].principalId;
                    clientId = hit[1].clientId;
                }
                else if (!principalId && assigned.length === 1) {
                    principalId = assigned[0]?.[1].principalId;
                    clientId = assigned[0]?.[1].clientId;
                }
                if (!principalId || !clientId)
                    throw msiError(400, `Container group '${g.name}' has no system-assigned identity; name a user-assigned one with client_id.`);
                json(200, identity.managedIdentityToken(tenantId, principalId, clientId, resource));
            }
            catch (error) {
                const e = error instanceof ArmError ? error : msiError(500, String(error));
                json(e.status, { statusCode: e.status, message: e.message, correlationId: (0,external_node_crypto_.randomUUID)() });
            }
            return true;
        }
        return false;
    };
    const handleAdmin = async (req, res, url) => {
        const path = url.pathname;
        if (path === '/emulator/health')
            return send(res, { status: 200, body: { status: 'ok' } });
        if (req.headers['x-emulator-admin-key'] !== persisted.adminKey) {
            return send(res, {
                status: 401,
                body: {
                    error: { code: 'Unauthorized', message: 'The x-emulator-admin-key header is missing or wrong.' },
                },
            });
        }
        if (path === '/emulator/faults' && req.method === 'POST') {
            const list = JSON.parse((await readBody(req)).toString('utf8') || '[]');
            for (const f of Array.isArray(list) ? list : [list])
                faults.add(f);
            return send(res, { status: 200, body: { faults: faults.pending() } });
        }
        if (path === '/emulator/faults' && req.method === 'DELETE') {
            faults.clear();
            return send(res, { status: 204 });
        }
        if (path === '/emulator/faults')
            return send(res, { status: 200, body: { faults: faults.pending() } });
        if (path === '/emulator/violations')
            return send(res, { status: 200, body: { responses: violations, requests: requestViolations } });
        if (path === '/emulator/groups') {
            // What ARM does not say: where each group runs on the engine, and its ports on 127.0.0.1.
            const list = await Promise.all([...groups.groups.values()].map(async (g) => {
                const view = g.stopped ? undefined : await engine.backendFor(g.location).get(g.engineName);
                return {
                    id: g.id,
                    engineName: g.engineName,
                    provisioningState: g.provisioningState,
                    stopped: g.stopped,
                    ip: g.ip,
                    hostPorts: view?.local?.hostPorts ??
                        {},
                    localImages: g.localImages,
                };
            }));
            return send(res, { status: 200, body: { groups: list } });
        }
        return send(res, {
            status: 404,
            body: { error: { code: 'NotFound', message: `no admin endpoint ${path}` } },
        });
    };
    const server = (0,external_node_https_.createServer)({ cert: serving.cert, key: serving.key, minVersion: 'TLSv1.2' }, (req, res) => {
        const url = new URL(req.url ?? '/', 'https://emulator.invalid');
        const route = async () => {
            if (url.pathname.startsWith('/emulator/'))
                return handleAdmin(req, res, url);
            if (await handleIdentity(req, res, url))
                return;
            return handleArm(req, res, url);
        };
        route().catch((error) => {
            log(`unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
            if (!res.headersSent)
                send(res, { status: 500, body: internalError().body() });
            else
                res.end();
        });
    });
    const wss = new wrapper/* WebSocketServer */.zu({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
        const url = new URL(req.url ?? '/', 'https://emulator.invalid');
        const exec = /^\/exec\/([^/]+)$/.exec(url.pathname);
        const attach = /^\/attach\/([^/]+)$/.exec(url.pathname);
        const execSession = exec?.[1] ? sessions.takeExec(exec[1]) : undefined;
        const attachSession = attach?.[1] ? sessions.takeAttach(attach[1]) : undefined;
        if (attachSession && !secretsEqual(req.headers.authorization ?? '', attachSession.password)) {
            socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
            return;
        }
        if (!execSession && !attachSession) {
            socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
            return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
            if (execSession)
                serveExec(ws, execSession, log);
            else if (attachSession)
                serveAttach(ws, attachSession, log);
        });
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    port = server.address().port;
    log(`ARM endpoint ${hostUrl()} (tenant ${tenantId})`);
    return {
        url: hostUrl(),
        port,
        caCert: persisted.ca.cert,
        caPath,
        tenantId,
        principal: principals[0],
        adminKey: persisted.adminKey,
        faults,
        groups,
        violations,
        requestViolations,
        requests,
        async stop() {
            for (const client of wss.clients)
                client.terminate();
            await new Promise((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            });
            await groups.settle();
            await saving;
        },
    };
}
/** The subscription a path names (the throttling key), or "tenant" for provider-wide paths. */
function subscriptionOf(path) {
    return /^\/subscriptions\/([^/]+)/i.exec(path)?.[1]?.toLowerCase() ?? 'tenant';
}

;// CONCATENATED MODULE: ./src/emulator/cli.ts












/**
 * `frankenetes emulator run|start|stop`: the offline ACI emulator as a host process (`run`) or
 * as a container on the engine network (`start`), where containers reach it as
 * management.azure.local and the host on 127.0.0.1.
 */
const USAGE = `Usage: frankenetes emulator <run|start|stop> [options]

  run    serve ARM (Microsoft.ContainerInstance 2023-05-01) in the foreground
  start  run the emulator as a container on the engine network (alias management.azure.local),
         published on 127.0.0.1:PORT; writes DATA_DIR/emulator.env for the host
  stop   remove the emulator's container (--purge: and every group it made)

Options:
  --port PORT         port on 127.0.0.1 (default 8443 for start, any free port for run)
  --data-dir DIR      CA, keys, credentials and state (default ~/.local/state/frankenetes-emulator)
  --instance NAME     names the engine network and containers (default aci-emulator)
  --image IMAGE       image for start (default ${names/* AGENT_IMAGE */.WW}: the dist bundle and Node.js)
  --host HOST         listen address for run (default 127.0.0.1)
  --internal-url URL  URL containers reach the emulator at (run; start sets it)
  --edge-port PORT    port on 127.0.0.1 of the edge proxy, through which this machine reaches
                      groups by FQDN (default: the ARM port + 1 for start, any free port for run)
  --no-throttle       turn ARM's token-bucket throttling off
`;
const INTERNAL_HOST = 'management.azure.local';
const INTERNAL_PORT = 8443;
const INTERNAL_EDGE_PORT = 8080;
const DATA_IN_CONTAINER = '/var/lib/frankenetes-emulator';
class EmulatorUsageError extends Error {
}
function defaultDataDir() {
    const base = process.env.XDG_STATE_HOME ?? (0,external_node_path_.join)((0,external_node_os_.homedir)(), '.local', 'state');
    return (0,external_node_path_.join)(base, 'frankenetes-emulator');
}
/** The client environment: the ARM endpoint, the identity authority, the credential and the CA. */
function envFile(url, e, caPath, edgeUrl) {
    const lines = {
        FRANKENETES_ARM_ENDPOINT: url,
        FRANKENETES_API_PROXY: edgeUrl,
        AZURE_AUTHORITY_HOST: url,
        AZURE_TENANT_ID: e.tenantId,
        AZURE_CLIENT_ID: e.principal.clientId,
        AZURE_CLIENT_SECRET: e.principal.clientSecret ?? '',
        NODE_EXTRA_CA_CERTS: caPath,
    };
    return Object.entries(lines)
        .map(([k, v]) => `export ${k}=${v}`)
        .join('\n')
        .concat('\n');
}
function waitForHealth(url, ca, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    const attempt = () => new Promise((ok, fail) => {
        const req = (0,external_node_https_.request)(`${url}/emulator/health`, { ca, timeout: 2000 }, (res) => {
            res.resume();
            if (res.statusCode === 200)
                ok();
            else
                fail(new Error(`health answered ${res.statusCode}`));
        });
        req.on('error', fail);
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.end();
    }).catch(async (error) => {
        if (Date.now() > deadline)
            throw new Error(`the emulator did not answer at ${url} (${String(error)})`);
        await new Promise((r) => setTimeout(r, 300));
        return attempt();
    });
    return attempt();
}
async function runEmulatorCli(argv) {
    const { values, positionals } = (0,external_node_util_.parseArgs)({
        args: argv,
        allowPositionals: true,
        options: {
            port: { type: 'string' },
            'data-dir': { type: 'string' },
            instance: { type: 'string' },
            image: { type: 'string' },
            host: { type: 'string' },
            'internal-url': { type: 'string' },
            'edge-port': { type: 'string' },
            'engine-socket': { type: 'string' },
            'no-throttle': { type: 'boolean', default: false },
            purge: { type: 'boolean', default: false },
            help: { type: 'boolean', short: 'h', default: false },
        },
    });
    const [verb, ...rest] = positionals;
    if (values.help || !verb) {
        process.stdout.write(USAGE);
        return values.help ? 0 : 2;
    }
    if (rest.length)
        throw new EmulatorUsageError(`unexpected argument "${rest[0]}"`);
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
        throw new EmulatorUsageError(`--port must be a port number, got "${values.port}"`);
    }
    const edgePort = values['edge-port'] === undefined ? undefined : Number(values['edge-port']);
    if (edgePort !== undefined && !(Number.isInteger(edgePort) && edgePort > 0 && edgePort < 65536)) {
        throw new EmulatorUsageError(`--edge-port must be a port number, got "${values['edge-port']}"`);
    }
    const dataDir = (0,external_node_path_.resolve)(values['data-dir'] ?? defaultDataDir());
    const instance = values.instance ?? 'aci-emulator';
    const socketPath = values['engine-socket'] ?? (0,backends_docker/* defaultEngineSocket */.X)();
    const log = (m) => process.stderr.write(`emulator: ${m}\n`);
    switch (verb) {
        case 'run': {
            const emulator = await startEmulator({
                host: values.host,
                port,
                dataDir,
                instance,
                engineSocket: socketPath,
                internalUrl: values['internal-url'],
                tlsNames: values['internal-url'] ? [new URL(values['internal-url']).hostname] : [],
                throttle: values['no-throttle'] ? false : undefined,
                log,
            });
            // Groups' public FQDNs, as the emulator publishes them, tunnelled to their engine address.
            const edge = await startEdgeProxy({
                host: values.host,
                port: edgePort,
                log,
                resolve: async (fqdn) => {
                    for (const g of emulator.groups.groups.values()) {
                        const label = effectiveDnsLabel(g, emulator.tenantId);
                        if (!g.stopped && label && fqdnOf(label, g.location) === fqdn) {
                            return (await emulator.groups.view(g))?.ipAddress?.ip ?? g.ip;
                        }
                    }
                    return undefined;
                },
            });
            if (!values['internal-url']) {
                await (0,promises_.writeFile)((0,external_node_path_.join)(dataDir, 'emulator.env'), envFile(emulator.url, emulator, (0,external_node_path_.join)(dataDir, 'ca.crt'), edge.url), { mode: 0o600 });
                log(`client environment in ${(0,external_node_path_.join)(dataDir, 'emulator.env')}`);
            }
            await new Promise((done) => {
                const quit = () => void Promise.all([emulator.stop(), edge.stop()]).then(() => done());
                process.once('SIGINT', quit);
                process.once('SIGTERM', quit);
            });
            return 0;
        }
        case 'start': {
            const docker = new (docker_default())({ socketPath });
            const hostPort = port ?? INTERNAL_PORT;
            const hostEdgePort = edgePort ?? hostPort + 1;
            const image = values.image ?? names/* AGENT_IMAGE */.WW;
            if (!(await docker
                .getImage(image)
                .inspect()
                .catch(() => undefined))) {
                throw new Error(`image ${image} is not on the engine; build it with scripts/build-images.sh local`);
            }
            const network = `frankenetes-${instance}`;
            await (0,promises_.mkdir)(dataDir, { recursive: true, mode: 0o700 });
            const existing = await docker
                .getNetwork(network)
                .inspect()
                .catch(() => undefined);
            if (!existing) {
                await docker.createNetwork({
                    Name: network,
                    Driver: 'bridge',
                    Labels: { [names/* TAG */.Dk.cluster]: instance, 'frankenetes.managed': 'true' },
                });
            }
            await docker
                .getContainer(instance)
                .remove({ force: true })
                .catch(() => undefined);
            const internalUrl = `https://${INTERNAL_HOST}:${INTERNAL_PORT}`;
            const container = await docker.createContainer({
                name: instance,
                Image: image,
                Entrypoint: ['/usr/local/bin/node', '/app/index.js'],
                Cmd: [
                    'emulator',
                    'run',
                    '--host',
                    '0.0.0.0',
                    '--port',
                    String(INTERNAL_PORT),
                    '--data-dir',
                    DATA_IN_CONTAINER,
                    '--instance',
                    instance,
                    '--internal-url',
                    internalUrl,
                    '--engine-socket',
                    '/var/run/docker.sock',
                    '--edge-port',
                    String(INTERNAL_EDGE_PORT),
                    ...(values['no-throttle'] ? ['--no-throttle'] : []),
                ],
                Labels: { 'frankenetes.managed': 'true', 'frankenetes.emulator': instance },
                ExposedPorts: { [`${INTERNAL_PORT}/tcp`]: {}, [`${INTERNAL_EDGE_PORT}/tcp`]: {} },
                HostConfig: {
                    NetworkMode: network,
                    Binds: [`${socketPath}:/var/run/docker.sock`, `${dataDir}:${DATA_IN_CONTAINER}`],
                    PortBindings: {
                        [`${INTERNAL_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }],
                        [`${INTERNAL_EDGE_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(hostEdgePort) }],
                    },
                    RestartPolicy: { Name: 'unless-stopped' },
                },
                NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [INTERNAL_HOST] } } },
            });
            try {
                await container.start();
            }
            catch (error) {
                await container.remove({ force: true }).catch(() => undefined);
                const message = (error.json?.message ?? String(error)).replace(/\s+/g, ' ');
                throw new Error(`could not start the emulator container (port 127.0.0.1:${hostPort} in use?): ${message}`, { cause: error });
            }
            const url = `https://127.0.0.1:${hostPort}`;
            const caPath = (0,external_node_path_.join)(dataDir, 'ca.crt');
            const deadline = Date.now() + 30_000;
            while (!(0,external_node_fs_.existsSync)(caPath) && Date.now() < deadline)
                await new Promise((r) => setTimeout(r, 200));
            if (!(0,external_node_fs_.existsSync)(caPath))
                throw new Error(`the emulator container did not write ${caPath}; see \`podman logs ${instance}\``);
            await waitForHealth(url, await (0,promises_.readFile)(caPath, 'utf8'), 30_000);
            const saved = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(dataDir, 'identity.json'), 'utf8'));
            await (0,promises_.writeFile)((0,external_node_path_.join)(dataDir, 'emulator.env'), envFile(url, saved, caPath, `http://127.0.0.1:${hostEdgePort}`), { mode: 0o600 });
            process.stderr.write(`✓ ACI emulator at ${url} (containers: ${internalUrl})\n  source ${(0,external_node_path_.join)(dataDir, 'emulator.env')}\n`);
            process.stdout.write(`${url}\n`);
            return 0;
        }
        case 'stop': {
            const docker = new (docker_default())({ socketPath });
            await docker
                .getContainer(instance)
                .remove({ force: true })
                .catch(() => undefined);
            if (values.purge) {
                const removed = await new backends_docker/* DockerBackend */.P({ socketPath }).purgeCluster(instance);
                await (0,promises_.writeFile)((0,external_node_path_.join)(dataDir, 'state.json'), JSON.stringify({ groups: [], operations: [] }), {
                    mode: 0o600,
                }).catch(() => undefined);
                process.stderr.write(`✓ emulator stopped; ${removed} engine objects of its groups removed\n`);
            }
            else {
                process.stderr.write('✓ emulator stopped (its groups keep running; --purge removes them)\n');
            }
            return 0;
        }
        default:
            throw new EmulatorUsageError(`unknown emulator command "${verb}" (try \`frankenetes emulator --help\`)`);
    }
}


/***/ }),

/***/ 52977:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   kb: () => (/* reexport default export from named module */ _lib_websocket_js__WEBPACK_IMPORTED_MODULE_6__),
/* harmony export */   zu: () => (/* reexport default export from named module */ _lib_websocket_server_js__WEBPACK_IMPORTED_MODULE_7__)
/* harmony export */ });
/* harmony import */ var _lib_stream_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(86412);
/* harmony import */ var _lib_extension_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(61335);
/* harmony import */ var _lib_permessage_deflate_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4376);
/* harmony import */ var _lib_receiver_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(20893);
/* harmony import */ var _lib_sender_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7389);
/* harmony import */ var _lib_subprotocol_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(43332);
/* harmony import */ var _lib_websocket_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(56681);
/* harmony import */ var _lib_websocket_server_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(70129);











/* unused harmony default export */ var __WEBPACK_DEFAULT_EXPORT__ = ((/* unused pure expression or super */ null && (WebSocket)));


/***/ })

};
