export const id = 250;
export const ids = [250,869];
export const modules = {

/***/ 43869:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  AciBackend: () => (/* binding */ AciBackend)
});

// EXTERNAL MODULE: ./node_modules/@azure/arm-containerinstance/dist/index.js
var dist = __webpack_require__(80312);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./src/core/names.ts
var names = __webpack_require__(22483);
// EXTERNAL MODULE: ./src/core/backend.ts
var backend = __webpack_require__(96667);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(46193);
// EXTERNAL MODULE: ./node_modules/ws/wrapper.mjs
var wrapper = __webpack_require__(52977);
;// CONCATENATED MODULE: ./src/core/backends/aci-exec.ts
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




/** A word the shell takes literally, and that ACI can run as is. */
const PLAIN = /^[A-Za-z0-9_./:=@%+-]+$/;
function shellQuote(arg) {
    return `'${arg.replace(/'/g, `'\\''`)}'`;
}
/** The line /bin/sh reads first: terminal set-up, the start marker, argv, the exit-code marker. */
function wrapperLine(argv, o) {
    const setup = [];
    // Not a terminal for the client: no echo of its input, no CR before LF, input bytes kept as sent
    // (EOF is still ^D: the terminal stays in canonical mode, lines up to 4095 bytes).
    if (!o.tty)
        setup.push('stty -echo -onlcr -icrnl -ixon -isig -iexten 2>/dev/null;');
    if (o.size)
        setup.push(`stty rows ${o.size.rows} cols ${o.size.cols} 2>/dev/null;`);
    const command = argv.map(shellQuote).join(' ') + (o.stdin ? '' : ' </dev/null');
    return `${setup.join(' ')} printf '\\001%s\\002' ${o.nonce}; ${command}; printf '\\001%s:%d\\002' ${o.nonce} "$?"; exit\n`.trimStart();
}
const EMPTY = Buffer.alloc(0);
/**
 * Cuts a wrapped command's output out of the terminal stream: drops what comes before the start
 * marker and stops at the exit-code marker, passing everything between through as it arrives.
 */
class WrappedOutput {
    started = false;
    exitCode;
    /** What the terminal showed before the command started (a shell's error, if it had none), capped. */
    before = '';
    pending = EMPTY;
    start;
    end;
    constructor(nonce) {
        this.start = Buffer.from(`\x01${nonce}\x02`);
        this.end = Buffer.from(`\x01${nonce}:`);
    }
    get done() {
        return this.exitCode !== undefined;
    }
    /** The bytes of the command's own output in this chunk. */
    push(chunk) {
        if (this.done)
            return EMPTY;
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
        const out = [];
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
/** How long a TTY session waits for the client's terminal size before the command starts. */
const SIZE_WAIT_MS = 300;
const DEFAULT_SIZE = { rows: 24, cols: 80 };
/** A command as a process that sees argv and the terminal: see the module comment. */
function startAciExec(open, options) {
    const stdout = new external_node_stream_.PassThrough();
    const input = new external_node_stream_.PassThrough();
    const nonce = (0,external_node_crypto_.randomBytes)(9).toString('hex');
    const filter = new WrappedOutput(nonce);
    let size;
    let sizeKnown = () => undefined;
    const sized = new Promise((resolve) => (sizeKnown = resolve));
    let socket;
    let lastByte = 0x0a;
    let eofWanted = false;
    let settle = () => undefined;
    let fail = () => undefined;
    const exit = new Promise((resolve, reject) => {
        settle = resolve;
        fail = reject;
    });
    exit.catch(() => undefined);
    const decoder = new external_node_string_decoder_.StringDecoder('utf8');
    const send = (bytes) => {
        if (!bytes.length || socket?.readyState !== wrapper/* WebSocket */.kb.OPEN)
            return;
        const text = decoder.write(bytes);
        if (text)
            socket.send(text);
        lastByte = bytes[bytes.length - 1] ?? lastByte;
    };
    // ^D ends the input of a terminal in canonical mode; a first one flushes a partial line.
    const sendEof = () => send(Buffer.from(lastByte === 0x0a ? '\x04' : '\x04\x04'));
    const connect = async (command, wrapped) => {
        const endpoint = await open(command, size ?? DEFAULT_SIZE);
        const ws = new wrapper/* WebSocket */.kb(endpoint.webSocketUri);
        socket = ws;
        ws.on('open', () => {
            ws.send(endpoint.password);
            if (!wrapped)
                return startInput();
            const begin = () => ws.send(wrapperLine(options.command, { nonce, ...options, size }));
            if (options.tty && !size)
                void Promise.race([sized, sleep(SIZE_WAIT_MS)]).then(begin);
            else
                begin();
        });
        ws.on('message', (data, isBinary) => {
            const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data);
            void isBinary;
            if (!wrapped)
                return void stdout.write(bytes);
            const wasStarted = filter.started;
            const out = filter.push(bytes);
            if (!wasStarted && filter.started)
                startInput();
            if (out.length)
                stdout.write(out);
            if (filter.done)
                ws.close(1000);
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
                connect(only, false).catch((error) => abort(error));
                return;
            }
            abort(new Error(`ACI runs exec commands without arguments; Frankenetes passes them through /bin/sh, which the image lacks (${lastLine(filter.before) || 'the session closed'})`));
        });
        ws.on('error', () => undefined);
    };
    const abort = (error) => {
        stdout.end();
        fail(error instanceof Error ? error : new Error(String(error)));
    };
    // The client's input waits until the command runs: the shell must not read it as its own.
    let inputStarted = false;
    const startInput = () => {
        if (inputStarted)
            return;
        inputStarted = true;
        if (!options.stdin)
            return;
        input.on('data', (chunk) => send(chunk));
        input.on('end', () => sendEof());
        if (eofWanted)
            input.end();
    };
    connect('/bin/sh', true).catch((error) => abort(error));
    return {
        stdin: options.stdin ? input : undefined,
        closeStdin: () => {
            eofWanted = true;
            if (options.stdin && inputStarted)
                input.end();
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
function lastLine(text) {
    const lines = text
        // eslint-disable-next-line no-control-regex -- terminal escape sequences
        .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
    return lines[lines.length - 1] ?? '';
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

;// CONCATENATED MODULE: ./src/core/backends/aci-logs.ts
/**
 * Container logs on ACI: `listLogs` answers the whole log (up to its last 4 MB) each time, so
 * following it means asking again and passing on only the lines not seen yet. Lines are asked
 * for with timestamps, which tell new lines from old ones even when the log is cut at 4 MB or
 * the container restarted.
 */
const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z (.*)$/s;
function parseLogLine(raw) {
    const m = STAMP.exec(raw);
    if (!m)
        return { raw, text: raw };
    return { at: `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`, raw, text: m[3] ?? '' };
}
/** Complete lines of a log (a last line without its newline is still being written). */
function splitLog(content, complete) {
    const parts = content.split('\n');
    const partial = complete ? '' : (parts.pop() ?? '');
    if (complete && parts[parts.length - 1] === '')
        parts.pop();
    return { lines: parts.map(parseLogLine), partial };
}
/** Remembers how far a followed log was passed on. */
class LogCursor {
    at;
    /** Lines passed on that carry exactly `at` (several lines may share a timestamp). */
    atCount = 0;
    /** Fallback for logs without timestamps: lines passed on. */
    count = 0;
    /** The lines of this answer not passed on before; they count as passed on now. */
    fresh(lines) {
        if (!lines.length)
            return [];
        if (lines.some((l) => !l.at)) {
            const out = lines.slice(this.count);
            this.count = Math.max(this.count, lines.length);
            return out;
        }
        const out = [];
        let seenAtCursor = 0;
        for (const line of lines) {
            const at = line.at;
            if (this.at !== undefined && at < this.at)
                continue;
            if (this.at !== undefined && at === this.at && seenAtCursor++ < this.atCount)
                continue;
            out.push(line);
        }
        const last = lines[lines.length - 1]?.at;
        this.atCount = lines.filter((l) => l.at === last).length;
        this.at = last;
        return out;
    }
}
/** The lines of a non-followed request: since a time (by timestamp) and the last N. */
function selectLines(lines, o) {
    let selected = lines;
    if (o.sinceMs !== undefined) {
        const since = new Date(o.sinceMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
        selected = selected.filter((l) => !l.at || l.at >= since);
    }
    if (o.tailLines !== undefined)
        selected = o.tailLines <= 0 ? [] : selected.slice(-o.tailLines);
    return selected;
}
function renderLines(lines, timestamps) {
    return lines.map((l) => `${timestamps ? l.raw : l.text}\n`).join('');
}

;// CONCATENATED MODULE: ./src/core/backends/aci-model.ts

/** ACI's per-group limits (DESIGN §3; the regional quotas are ARM's to enforce). */
const ACI_GROUP_LIMITS = {
    cpu: 4,
    memoryInGB: 16,
    containers: 60,
    volumes: 20,
    portsPerIp: 5,
};
/** The tag that carries a group's definition hash: GET returns no secrets, so the hash tells "unchanged". */
const DEFINITION_HASH_TAG = 'frankenetes.definition-hash';
const GROUP_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Provisioning states after which no operation runs on the group. */
function isTerminalState(provisioningState) {
    return ['Succeeded', 'Failed', 'Canceled', 'Stopped'].includes(provisioningState ?? '');
}
/**
 * Why ACI would refuse this group, checked before any request (DESIGN §3): names of 1-63
 * lowercase letters, digits and "-"; per group at most 4 vCPU and 16 GB (requests), 60
 * containers, 20 volumes and 5 ports per IP address.
 */
function aciLimitProblems(group) {
    const problems = [];
    const name = (what, value) => {
        if (!GROUP_NAME.test(value))
            problems.push(`${what} "${value}" must be 1-63 lowercase letters, digits and "-", starting and ending with a letter or digit`);
    };
    name('container group name', group.name);
    const all = [...(group.initContainers ?? []), ...group.containers];
    for (const c of all)
        name('container name', c.name);
    const cpu = group.containers.reduce((sum, c) => sum + (c.resources?.requests.cpu ?? 0), 0);
    const memory = group.containers.reduce((sum, c) => sum + (c.resources?.requests.memoryInGB ?? 0), 0);
    const round = (n) => +n.toFixed(3);
    if (cpu > ACI_GROUP_LIMITS.cpu + 1e-9)
        problems.push(`its containers request ${round(cpu)} vCPU; ACI allows at most ${ACI_GROUP_LIMITS.cpu} per group`);
    if (memory > ACI_GROUP_LIMITS.memoryInGB + 1e-9)
        problems.push(`its containers request ${round(memory)} GB; ACI allows at most ${ACI_GROUP_LIMITS.memoryInGB} GB per group`);
    if (all.length > ACI_GROUP_LIMITS.containers)
        problems.push(`it has ${all.length} containers; ACI allows at most ${ACI_GROUP_LIMITS.containers} per group`);
    const volumes = group.volumes?.length ?? 0;
    if (volumes > ACI_GROUP_LIMITS.volumes)
        problems.push(`it has ${volumes} volumes; ACI allows at most ${ACI_GROUP_LIMITS.volumes} per group`);
    const ports = group.ipAddress?.ports.length ?? 0;
    if (ports > ACI_GROUP_LIMITS.portsPerIp)
        problems.push(`it exposes ${ports} ports; ACI allows at most ${ACI_GROUP_LIMITS.portsPerIp} per IP address`);
    return problems;
}
/** The definition's hash: what the group is asked to be, secrets included, so any change shows. */
function definitionHash(group) {
    return (0,external_node_crypto_.createHash)('sha256').update(JSON.stringify(group)).digest('hex');
}
/**
 * The group as sent to ACI: the plan without its `local` part, tagged with its definition hash.
 * ACI has `command` only, which replaces the image's entrypoint: a container with args but no
 * command runs its args as the command, as azure-aci's virtual kubelet does.
 */
function toAciGroup(group) {
    // `name` is the resource's path segment, not part of the body.
    const { local, name, ...rest } = group;
    void name;
    const args = local?.args ?? {};
    const withArgs = (c) => !c.command?.length && args[c.name]?.length ? { ...c, command: [...(args[c.name] ?? [])] } : c;
    const body = {
        ...rest,
        containers: rest.containers.map(withArgs),
        ...(rest.initContainers ? { initContainers: rest.initContainers.map(withArgs) } : {}),
    };
    return { ...body, tags: { ...(body.tags ?? {}), [DEFINITION_HASH_TAG]: definitionHash(body) } };
}
const portSet = (ports) => (ports ?? []).map((p) => `${p.port}/${(p.protocol ?? 'TCP').toUpperCase()}`).sort();
const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const resourcesOf = (c) => ({
    cpu: c.resources?.requests.cpu,
    memoryInGB: c.resources?.requests.memoryInGB,
    limitCpu: c.resources?.limits?.cpu,
    limitMemoryInGB: c.resources?.limits?.memoryInGB,
});
/**
 * Why an existing group cannot be updated in place, or undefined when a PUT will do: ACI refuses
 * updates of the OS type, restart policy, IP address type and ports, and containers' CPU, memory
 * and ports (and a group cannot move region). Such a group is deleted and created again.
 */
function recreateReason(existing, desired) {
    if ((existing.location ?? '').replace(/\s+/g, '').toLowerCase() !== (desired.location ?? '').toLowerCase())
        return `its location changes from ${existing.location} to ${desired.location}`;
    if ((existing.osType ?? '').toLowerCase() !== (desired.osType ?? '').toLowerCase())
        return `its OS type changes from ${existing.osType} to ${desired.osType}`;
    if ((existing.restartPolicy ?? 'Always') !== (desired.restartPolicy ?? 'Always'))
        return `its restart policy changes from ${existing.restartPolicy ?? 'Always'} to ${desired.restartPolicy ?? 'Always'}`;
    if ((existing.ipAddress?.type ?? 'none') !== (desired.ipAddress?.type ?? 'none'))
        return 'its IP address type changes';
    if (!same(portSet(existing.ipAddress?.ports), portSet(desired.ipAddress?.ports)))
        return 'its exposed ports change';
    const before = new Map(existing.containers.map((c) => [c.name, c]));
    if (!same([...before.keys()].sort(), desired.containers.map((c) => c.name).sort()))
        return 'its containers change';
    for (const c of desired.containers) {
        const was = before.get(c.name);
        if (!same(resourcesOf(was), resourcesOf(c)))
            return `the resources of container ${c.name} change`;
        if (!same(portSet(was.ports), portSet(c.ports)))
            return `the ports of container ${c.name} change`;
    }
    return undefined;
}
const firstLine = (text = '') => (text.split('\n')[0] ?? '').trim();
/** Network failures the SDK reports (as RestError codes or Node's errno codes). */
const UNREACHABLE = new Set([
    'REQUEST_SEND_ERROR',
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ETIMEDOUT',
    'ECONNRESET',
    'EHOSTUNREACH',
    'CERT_HAS_EXPIRED',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
]);
/**
 * An Azure SDK error as one line a user can act on, and what kind it is; never a token. ARM's
 * answers read `<code>: <message>`.
 */
function describeAzureError(error) {
    const e = (error ?? {});
    const message = firstLine(e.message ?? String(error));
    if (e.name === 'CredentialUnavailableError')
        return { kind: 'sign-in', message: `no Azure credential is available (${message})` };
    if (e.name === 'AuthenticationError' || e.name === 'AggregateAuthenticationError')
        return { kind: 'sign-in', message: `signing in to Azure failed (${message})` };
    const cause = error?.cause?.code;
    if ((e.code && UNREACHABLE.has(e.code)) || (cause && UNREACHABLE.has(cause))) {
        const where = e.request?.url ? new URL(e.request.url).origin : 'the ARM endpoint';
        const why = cause && cause !== e.code ? `${cause}: ${message}` : message;
        return { kind: 'unreachable', message: `${where} is not reachable (${why})` };
    }
    const status = e.statusCode;
    const text = e.code && !message.startsWith(e.code) ? `${e.code}: ${message}` : message;
    if (status === 401)
        return { kind: 'sign-in', message: `Azure refused the credential (${text})` };
    if (status === 403)
        return { kind: 'denied', message: `the identity lacks permission (${text})` };
    if (status === 404)
        return { kind: 'not-found', message: text };
    if (status === 409)
        return { kind: 'conflict', message: text };
    if (status === 429)
        return { kind: 'throttled', message: `Azure throttled the requests (${text})` };
    if (status !== undefined && status >= 400 && status < 500)
        return { kind: 'invalid', message: text };
    if (/long-running operation has failed/i.test(message)) {
        return { kind: 'failed', message: message.replace(/^The long-running operation has failed\.\s*/i, '') };
    }
    return { kind: 'failed', message: text };
}

;// CONCATENATED MODULE: ./src/core/backends/aci.ts







/** Azure Resource Manager's token audience, also when the endpoint is the offline emulator. */
const ARM_SCOPE = 'https://management.azure.com/.default';
const REASON = {
    unreachable: 'unreachable',
    'sign-in': 'denied',
    denied: 'denied',
    'not-found': 'not-found',
    conflict: 'conflict',
    throttled: 'failed',
    invalid: 'invalid',
    failed: 'failed',
};
const statusOf = (error) => error?.statusCode;
const codeOf = (error) => error?.code;
const aci_sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** 409s that mean "another operation runs on this group", not "no capacity" (which ACI also sends as 409). */
function isBusy(error) {
    return (statusOf(error) === 409 &&
        !['ServiceUnavailable', 'ResourceRequestsNotAvailable'].includes(codeOf(error) ?? ''));
}
/**
 * Container groups on Azure Container Instances (@azure/arm-containerinstance). Retries: the
 * SDK's pipeline already retries 429 (after Retry-After), 5xx and network errors three times, so
 * nothing here retries those again; a 409 because another operation runs on the group waits for
 * it to end and tries again.
 */
class AciBackend {
    kind = 'aci';
    client;
    endpoint;
    o;
    /** Resource groups to look in, the control plane's first. */
    resourceGroups;
    /** Which resource group each group was last seen in. */
    where = new Map();
    /** Restarts made by restartContainer, which ACI does not count (it restarts the whole group). */
    manualRestarts = new Map();
    constructor(options) {
        this.o = {
            pollIntervalMs: 1000,
            watchIntervalMs: 5000,
            logPollMs: 1500,
            busyTimeoutMs: 10 * 60_000,
            ...options,
        };
        this.endpoint = (options.endpoint ?? 'https://management.azure.com').replace(/\/+$/, '');
        this.resourceGroups = [
            ...new Set([options.resourceGroup, options.podResourceGroup ?? options.resourceGroup]),
        ];
        this.client = new dist/* ContainerInstanceManagementClient */.x1(options.credential, options.subscriptionId, {
            ...options.clientOptions,
            ...(options.endpoint ? { endpoint: this.endpoint, credentialScopes: [ARM_SCOPE] } : {}),
        });
    }
    error(doing, error) {
        if (error instanceof backend/* BackendError */.J)
            return error;
        const { kind, message } = describeAzureError(error);
        return new backend/* BackendError */.J(`${doing}: ${message}`, REASON[kind], { cause: error });
    }
    resourceGroupFor(group) {
        return group.tags?.[names/* TAG */.Dk.role] === 'pod'
            ? (this.o.podResourceGroup ?? this.o.resourceGroup)
            : this.o.resourceGroup;
    }
    /** The group and its resource group: where it was last seen first, then every resource group in use. */
    async locate(name) {
        const known = this.where.get(name);
        const order = known ? [known, ...this.resourceGroups.filter((rg) => rg !== known)] : this.resourceGroups;
        for (const resourceGroup of order) {
            try {
                const group = await this.client.containerGroups.get(resourceGroup, name);
                this.where.set(name, resourceGroup);
                return { resourceGroup, group };
            }
            catch (error) {
                if (statusOf(error) !== 404)
                    throw this.error(`reading container group ${name} in ${resourceGroup}`, error);
            }
        }
        this.where.delete(name);
        return undefined;
    }
    async ping() {
        for (const resourceGroup of this.resourceGroups) {
            try {
                await this.client.containerGroups.listByResourceGroup(resourceGroup).byPage().next();
            }
            catch (error) {
                if (codeOf(error) === 'ResourceGroupNotFound')
                    throw new backend/* BackendError */.J(`resource group ${resourceGroup} does not exist in subscription ${this.o.subscriptionId}; create it first (az group create)`, 'not-found', { cause: error });
                throw this.error(`Azure Container Instances at ${this.endpoint} (resource group ${resourceGroup})`, error);
            }
        }
    }
    /** Waits until no operation runs on the group (its provisioning state is terminal, or it is gone). */
    async waitIdle(resourceGroup, name) {
        const deadline = Date.now() + this.o.busyTimeoutMs;
        for (;;) {
            let group;
            try {
                group = await this.client.containerGroups.get(resourceGroup, name);
            }
            catch (error) {
                if (statusOf(error) === 404)
                    return undefined;
                throw this.error(`reading container group ${name}`, error);
            }
            if (isTerminalState(group.provisioningState))
                return group;
            if (Date.now() > deadline)
                throw new backend/* BackendError */.J(`container group ${name} is still ${group.provisioningState} after ${Math.round(this.o.busyTimeoutMs / 1000)} s`, 'conflict');
            await aci_sleep(this.o.pollIntervalMs);
        }
    }
    /** Runs a write; a 409 because the group is busy waits for its operation to end and tries again. */
    async write(resourceGroup, name, doing, fn) {
        for (let attempt = 1;; attempt++) {
            try {
                return await fn();
            }
            catch (error) {
                if (!isBusy(error) || attempt >= 5)
                    throw this.error(doing, error);
                await this.waitIdle(resourceGroup, name);
            }
        }
    }
    lro() {
        return { updateIntervalInMs: this.o.pollIntervalMs };
    }
    async createOrUpdate(group) {
        const problems = aciLimitProblems(group);
        if (problems.length)
            throw new backend/* BackendError */.J(`container group ${group.name} does not fit ACI: ${problems.join('; ')}`, 'invalid');
        const body = toAciGroup(group);
        const hash = body.tags?.[DEFINITION_HASH_TAG];
        const resourceGroup = this.resourceGroupFor(group);
        const doing = `creating container group ${group.name} in ${resourceGroup}`;
        let existing = await this.locate(group.name);
        if (existing && existing.resourceGroup !== resourceGroup) {
            throw new backend/* BackendError */.J(`container group ${group.name} exists in resource group ${existing.resourceGroup}, not ${resourceGroup}`, 'conflict');
        }
        if (existing && !isTerminalState(existing.group.provisioningState)) {
            const idle = await this.waitIdle(resourceGroup, group.name);
            existing = idle ? { resourceGroup, group: idle } : undefined;
        }
        if (existing?.group.provisioningState === 'Succeeded' &&
            existing.group.tags?.[DEFINITION_HASH_TAG] === hash) {
            // Unchanged: another PUT would restart its containers (and lose the control plane's emptyDir).
            if (existing.group.instanceView?.state === 'Stopped')
                await this.start(group.name);
            return (await this.get(group.name));
        }
        const reason = existing && recreateReason(existing.group, body);
        if (existing && (reason || existing.group.provisioningState === 'Failed')) {
            await this.delete(group.name);
        }
        let result;
        try {
            result = await this.write(resourceGroup, group.name, doing, () => this.client.containerGroups.beginCreateOrUpdateAndWait(resourceGroup, group.name, body, this.lro()));
        }
        catch (error) {
            throw this.error(doing, error);
        }
        this.where.set(group.name, resourceGroup);
        if (result.provisioningState === 'Failed') {
            const events = (result.instanceView?.events ?? []).map((e) => e.message).filter(Boolean);
            throw new backend/* BackendError */.J(`${doing}: provisioning failed${events.length ? ` (${events.at(-1)})` : ''}`, 'failed');
        }
        const created = await this.get(group.name);
        if (!created)
            throw new backend/* BackendError */.J(`${doing}: the group vanished right after it was created`, 'failed');
        return created;
    }
    async get(name) {
        const found = await this.locate(name);
        return found && this.withRestarts(found.group);
    }
    withRestarts(group) {
        const extra = (c) => this.manualRestarts.get(`${group.name}/${c}`) ?? 0;
        return {
            ...group,
            containers: group.containers.map((c) => c.instanceView && extra(c.name)
                ? {
                    ...c,
                    instanceView: {
                        ...c.instanceView,
                        restartCount: (c.instanceView.restartCount ?? 0) + extra(c.name),
                    },
                }
                : c),
        };
    }
    /** The groups (without instance views, as ACI lists them) carrying every tag, in every resource group in use. */
    async listTagged(tags) {
        const out = [];
        for (const resourceGroup of this.resourceGroups) {
            try {
                for await (const group of this.client.containerGroups.listByResourceGroup(resourceGroup)) {
                    if (group.name && Object.entries(tags).every(([k, v]) => group.tags?.[k] === v)) {
                        this.where.set(group.name, resourceGroup);
                        out.push({ resourceGroup, group });
                    }
                }
            }
            catch (error) {
                throw this.error(`listing container groups in ${resourceGroup}`, error);
            }
        }
        return out;
    }
    async list(tags) {
        const listed = await this.listTagged(tags);
        // ACI's list has no instance views: each group is read on its own for its state.
        const groups = await Promise.all(listed.map(({ group }) => this.get(group.name)));
        return groups.filter((g) => g !== undefined);
    }
    /**
     * Deletes the group. ACI's deletion kills at once, so a grace period is given the way a kubelet
     * gives it: SIGTERM to each running container's main process (through exec), then deletion once
     * they have ended (or restarted, under restart policy Always) or the grace period is over.
     */
    async delete(name, options = {}) {
        if (options.gracePeriodSeconds)
            await this.terminate(name, options.gracePeriodSeconds);
        for (const resourceGroup of this.where.has(name)
            ? [this.where.get(name)]
            : this.resourceGroups) {
            await this.deleteIn(resourceGroup, name);
        }
        this.where.delete(name);
        for (const key of this.manualRestarts.keys())
            if (key.startsWith(`${name}/`))
                this.manualRestarts.delete(key);
    }
    async terminate(name, graceSeconds) {
        const deadline = Date.now() + graceSeconds * 1000;
        const group = await this.get(name).catch(() => undefined);
        const run = (g, c) => {
            const view = g?.containers.find((x) => x.name === c)?.instanceView;
            return view?.currentState?.state === 'Running'
                ? `${view.restartCount ?? 0}/${String(view.currentState.startTime)}`
                : undefined;
        };
        const running = new Map((group?.containers ?? []).map((c) => [c.name, run(group, c.name)]).filter(([, r]) => r));
        if (!running.size)
            return;
        await Promise.all([...running.keys()].map(async (c) => {
            try {
                const session = await this.exec(name, c, {
                    command: ['kill', '-TERM', '1'],
                    stdin: false,
                    tty: false,
                });
                session.stdout.resume();
                await session.exitCode();
            }
            catch {
                // no shell or kill in the image: the grace period still applies
            }
        }));
        while (Date.now() < deadline) {
            const now = await this.get(name).catch(() => undefined);
            if ([...running].every(([c, was]) => run(now, c) !== was))
                return;
            await aci_sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
        }
    }
    /** A failed deletion is tried again. */
    async deleteIn(resourceGroup, name) {
        const doing = `deleting container group ${name} in ${resourceGroup}`;
        for (let attempt = 1;; attempt++) {
            try {
                await this.write(resourceGroup, name, doing, () => this.client.containerGroups.beginDeleteAndWait(resourceGroup, name, this.lro()));
                return;
            }
            catch (error) {
                const cause = error instanceof backend/* BackendError */.J ? (error.cause ?? error) : error;
                if (statusOf(cause) === 404)
                    return;
                if (attempt >= 3 || (error instanceof backend/* BackendError */.J && error.reason !== 'failed'))
                    throw this.error(doing, error);
            }
        }
    }
    async require(name) {
        const found = this.where.get(name) ?? (await this.locate(name))?.resourceGroup;
        if (!found)
            throw new backend/* BackendError */.J(`container group ${name} not found`, 'not-found');
        return found;
    }
    async start(name) {
        const resourceGroup = await this.require(name);
        await this.write(resourceGroup, name, `starting container group ${name}`, () => this.client.containerGroups.beginStartAndWait(resourceGroup, name, this.lro()));
    }
    async stop(name) {
        const resourceGroup = await this.require(name);
        await this.write(resourceGroup, name, `stopping container group ${name}`, () => this.client.containerGroups.stop(resourceGroup, name));
    }
    /**
     * ACI cannot restart one container: this restarts the whole group (every container, fresh, with
     * emptyDir volumes emptied), and counts a restart for the container asked for.
     */
    async restartContainer(name, container) {
        const resourceGroup = await this.require(name);
        await this.write(resourceGroup, name, `restarting container group ${name}`, () => this.client.containerGroups.beginRestartAndWait(resourceGroup, name, this.lro()));
        const key = `${name}/${container}`;
        this.manualRestarts.set(key, (this.manualRestarts.get(key) ?? 0) + 1);
    }
    async readLog(resourceGroup, name, container) {
        try {
            const answer = await this.client.containers.listLogs(resourceGroup, name, container, {
                timestamps: true,
            });
            return answer.content ?? '';
        }
        catch (error) {
            throw this.error(`reading the logs of ${name}/${container}`, error);
        }
    }
    async logs(name, container, options = {}) {
        const resourceGroup = await this.require(name);
        const timestamps = options.timestamps ?? false;
        const sinceMs = options.sinceSeconds ? Date.now() - options.sinceSeconds * 1000 : undefined;
        const first = await this.readLog(resourceGroup, name, container);
        const out = new external_node_stream_.PassThrough();
        if (!options.follow) {
            const { lines } = splitLog(first, true);
            out.end(renderLines(selectLines(lines, { sinceMs, tailLines: options.tailLines }), timestamps));
            return out;
        }
        // Follow: read again every logPollMs and pass on complete new lines, until the container has
        // ended (then the rest, partial line included) or the reader goes away.
        const cursor = new LogCursor();
        const initial = splitLog(first, false);
        cursor.fresh(initial.lines);
        out.write(renderLines(selectLines(initial.lines, { sinceMs, tailLines: options.tailLines }), timestamps));
        let closed = false;
        out.on('close', () => (closed = true));
        void (async () => {
            try {
                while (!closed) {
                    await aci_sleep(this.o.logPollMs);
                    if (closed)
                        break;
                    const group = await this.get(name);
                    const state = group?.containers.find((c) => c.name === container)?.instanceView?.currentState
                        ?.state;
                    const ended = !group || state === 'Terminated' || group.instanceView?.state === 'Stopped';
                    const content = group ? await this.readLog(resourceGroup, name, container).catch(() => '') : '';
                    const { lines } = splitLog(content, ended);
                    const fresh = cursor.fresh(lines);
                    if (fresh.length && !closed)
                        out.write(renderLines(fresh, timestamps));
                    if (ended)
                        break;
                }
            }
            catch {
                // the group went away: the stream just ends
            }
            out.end();
        })();
        return out;
    }
    async exec(name, container, options) {
        const resourceGroup = await this.require(name);
        return startAciExec(async (command, terminalSize) => {
            try {
                const answer = await this.client.containers.executeCommand(resourceGroup, name, container, {
                    command,
                    terminalSize,
                });
                if (!answer.webSocketUri || !answer.password)
                    throw new backend/* BackendError */.J(`exec in ${name}/${container}: ACI answered no WebSocket`, 'failed');
                return { webSocketUri: answer.webSocketUri, password: answer.password };
            }
            catch (error) {
                throw this.error(`exec in ${name}/${container}`, error);
            }
        }, options);
    }
    /** ACI sends no events: groups are read every watchIntervalMs, and those whose state changed reported. */
    async watchGroups(tags, onChange) {
        const seen = new Map();
        let first = true;
        let stopped = false;
        const signature = (g) => JSON.stringify([
            g.provisioningState,
            g.instanceView?.state,
            g.ipAddress?.ip,
            ...[...(g.initContainers ?? []), ...g.containers].map((c) => [
                c.instanceView?.currentState?.state,
                c.instanceView?.currentState?.exitCode,
                c.instanceView?.restartCount,
            ]),
        ]);
        const poll = async () => {
            const groups = await this.list(tags).catch(() => undefined);
            if (!groups || stopped)
                return;
            const now = new Map(groups.map((g) => [g.name, signature(g)]));
            if (!first) {
                for (const [name, sig] of now)
                    if (seen.get(name) !== sig)
                        onChange(name);
                for (const name of seen.keys())
                    if (!now.has(name))
                        onChange(name);
            }
            first = false;
            seen.clear();
            for (const [name, sig] of now)
                seen.set(name, sig);
        };
        void (async () => {
            while (!stopped) {
                await poll();
                await aci_sleep(this.o.watchIntervalMs);
            }
        })();
        return () => {
            stopped = true;
        };
    }
    /** Deletes every group tagged for the cluster in every resource group in use, the control plane first. */
    async purgeCluster(cluster) {
        const remove = async (list) => {
            // A few at a time: each deletion is a write that ARM counts against the subscription.
            for (let i = 0; i < list.length; i += 8) {
                await Promise.all(list
                    .slice(i, i + 8)
                    .map(({ resourceGroup, group }) => this.deleteIn(resourceGroup, group.name)));
            }
            for (const { group } of list)
                this.where.delete(group.name);
            return list.length;
        };
        const tagged = await this.listTagged({ [names/* TAG */.Dk.cluster]: cluster });
        // The control plane first: its agent stops making pod groups. Then whatever is left, listed
        // again, since the agent may have made groups until it stopped.
        let removed = await remove(tagged.filter(({ group }) => group.tags?.[names/* TAG */.Dk.role] === 'control-plane'));
        for (let round = 0; round < 3; round++) {
            const left = await this.listTagged({ [names/* TAG */.Dk.cluster]: cluster });
            if (!left.length)
                break;
            removed += await remove(left);
        }
        return removed;
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
