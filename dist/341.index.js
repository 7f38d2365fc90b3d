export const id = 341;
export const ids = [341];
export const modules = {

/***/ 99629:
/***/ ((module, __unused_webpack_exports, __webpack_require__) => {



const https = __webpack_require__(65692)
const http = __webpack_require__(58611)
const { URL } = __webpack_require__(87016)

class HttpProxyAgent extends http.Agent {
  constructor (options) {
    const { proxy, proxyRequestOptions, ...opts } = options
    super(opts)
    this.proxy = typeof proxy === 'string'
      ? new URL(proxy)
      : proxy
    this.proxyRequestOptions = proxyRequestOptions || {}
  }

  createConnection (options, callback) {
    const requestOptions = {
      ...this.proxyRequestOptions,
      method: 'CONNECT',
      host: this.proxy.hostname,
      port: this.proxy.port,
      path: `${options.host}:${options.port}`,
      setHost: false,
      headers: { ...this.proxyRequestOptions.headers, connection: this.keepAlive ? 'keep-alive' : 'close', host: `${options.host}:${options.port}` },
      agent: false,
      timeout: options.timeout || 0
    }

    if (this.proxy.username || this.proxy.password) {
      const base64 = Buffer.from(`${decodeURIComponent(this.proxy.username || '')}:${decodeURIComponent(this.proxy.password || '')}`).toString('base64')
      requestOptions.headers['proxy-authorization'] = `Basic ${base64}`
    }

    if (this.proxy.protocol === 'https:') {
      requestOptions.servername = this.proxy.hostname
    }

    const request = (this.proxy.protocol === 'http:' ? http : https).request(requestOptions)
    request.once('connect', (response, socket, head) => {
      request.removeAllListeners()
      socket.removeAllListeners()
      if (response.statusCode === 200) {
        callback(null, socket)
      } else {
        socket.destroy()
        callback(new Error(`Bad response: ${response.statusCode}`), null)
      }
    })

    request.once('timeout', () => {
      request.destroy(new Error('Proxy timeout'))
    })

    request.once('error', err => {
      request.removeAllListeners()
      callback(err, null)
    })

    request.end()
  }
}

class HttpsProxyAgent extends https.Agent {
  constructor (options) {
    const { proxy, proxyRequestOptions, ...opts } = options
    super(opts)
    this.proxy = typeof proxy === 'string'
      ? new URL(proxy)
      : proxy
    this.proxyRequestOptions = proxyRequestOptions || {}
  }

  createConnection (options, callback) {
    const requestOptions = {
      ...this.proxyRequestOptions,
      method: 'CONNECT',
      host: this.proxy.hostname,
      port: this.proxy.port,
      path: `${options.host}:${options.port}`,
      setHost: false,
      headers: { ...this.proxyRequestOptions.headers, connection: this.keepAlive ? 'keep-alive' : 'close', host: `${options.host}:${options.port}` },
      agent: false,
      timeout: options.timeout || 0
    }

    if (this.proxy.username || this.proxy.password) {
      const base64 = Buffer.from(`${decodeURIComponent(this.proxy.username || '')}:${decodeURIComponent(this.proxy.password || '')}`).toString('base64')
      requestOptions.headers['proxy-authorization'] = `Basic ${base64}`
    }

    // Necessary for the TLS check with the proxy to succeed.
    if (this.proxy.protocol === 'https:') {
      requestOptions.servername = this.proxy.hostname
    }

    const request = (this.proxy.protocol === 'http:' ? http : https).request(requestOptions)
    request.once('connect', (response, socket, head) => {
      request.removeAllListeners()
      socket.removeAllListeners()
      if (response.statusCode === 200) {
        const secureSocket = super.createConnection({ ...options, socket })
        callback(null, secureSocket)
      } else {
        socket.destroy()
        callback(new Error(`Bad response: ${response.statusCode}`), null)
      }
    })

    request.once('timeout', () => {
      request.destroy(new Error('Proxy timeout'))
    })

    request.once('error', err => {
      request.removeAllListeners()
      callback(err, null)
    })

    request.end()
  }
}

module.exports = {
  HttpProxyAgent,
  HttpsProxyAgent
}


/***/ }),

/***/ 8341:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  AGENT_VERSION: () => (/* binding */ AGENT_VERSION),
  runAgent: () => (/* binding */ runAgent)
});

// EXTERNAL MODULE: ./src/core/backends/docker.ts + 1 modules
var docker = __webpack_require__(23880);
// EXTERNAL MODULE: ./src/core/names.ts
var names = __webpack_require__(22483);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
;// CONCATENATED MODULE: ./src/core/node.ts

/** Defaults for a local engine; on ACI the regional quota (100 cores, 100 groups) is the real bound. */
const DEFAULT_NODE_CAPACITY = { cpu: '16', memory: '64Gi', pods: '110' };
/** Lets the API server hand kubectl's WebSocket exec straight to our kubelet API (no SPDY). */
const DECLARED_FEATURES = ['ExtendWebSocketsToKubelet'];
const LEASE_SECONDS = 40;
function conditions(now) {
    const at = now;
    const condition = (type, status, reason, message) => ({
        type,
        status,
        reason,
        message,
        lastHeartbeatTime: at,
        lastTransitionTime: at,
    });
    return [
        condition('Ready', 'True', 'KubeletReady', 'Frankenetes agent is ready'),
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'no memory pressure on a virtual node'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'no disk pressure on a virtual node'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'no PID pressure on a virtual node'),
        condition('NetworkUnavailable', 'False', 'RouteCreated', 'pods get addresses from the engine'),
    ];
}
/**
 * The Node object the agent registers. It is the cluster's only node, so it carries no taint:
 * plain `kubectl run` lands on it.
 */
function nodeObject(id, now) {
    return {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
            name: id.name,
            labels: {
                'kubernetes.io/hostname': id.name,
                'kubernetes.io/os': 'linux',
                'kubernetes.io/arch': 'amd64',
                type: 'virtual-kubelet',
                'frankenetes.io/cluster': id.cluster,
            },
        },
        spec: {},
        status: nodeStatus(id, now),
    };
}
function nodeStatus(id, now) {
    const resources = { cpu: id.capacity.cpu, memory: id.capacity.memory, pods: id.capacity.pods };
    return {
        capacity: resources,
        allocatable: resources,
        conditions: conditions(now),
        // The agent shares the API server's network namespace: its kubelet API is on localhost.
        addresses: [
            { type: 'InternalIP', address: '127.0.0.1' },
            { type: 'Hostname', address: id.name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: names/* KUBELET_PORT */.F2 } },
        nodeInfo: {
            machineID: id.name,
            systemUUID: id.name,
            bootID: '',
            kernelVersion: '',
            osImage: 'Frankenetes virtual node',
            containerRuntimeVersion: `frankenetes://${id.agentVersion}`,
            kubeletVersion: `v${id.kubernetesVersion}`,
            kubeProxyVersion: '',
            operatingSystem: 'linux',
            architecture: 'amd64',
        },
        declaredFeatures: DECLARED_FEATURES,
    };
}
/** A MicroTime on the wire: RFC 3339 with exactly six fractional digits, which the API server requires. */
function microTime(date) {
    return date.toISOString().replace(/Z$/, '000Z'); // toISOString gives milliseconds: three digits
}
function leaseObject(node, now) {
    return {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: node, namespace: 'kube-node-lease' },
        spec: {
            holderIdentity: node,
            leaseDurationSeconds: LEASE_SECONDS,
            renewTime: microTime(now),
        },
    };
}

// EXTERNAL MODULE: ./src/core/spec.ts
var spec = __webpack_require__(74400);
;// CONCATENATED MODULE: ./src/agent/config.ts




class ConfigError extends Error {
    name = 'ConfigError';
}
function configFromEnv(env = process.env) {
    const required = (key) => {
        const value = env[key];
        if (!value)
            throw new ConfigError(`the agent needs ${key} in its environment`);
        return value;
    };
    const backend = env.FRANKENETES_BACKEND ?? 'docker';
    if (backend !== 'docker' && backend !== 'aci')
        throw new ConfigError(`FRANKENETES_BACKEND must be docker or aci, not "${backend}"`);
    const dir = env.FRANKENETES_AGENT_DIR ?? names/* AGENT_DIR */.sI;
    const read = (file) => (0,external_node_fs_.readFileSync)(`${dir}/${file}`, 'utf8');
    return {
        cluster: required('FRANKENETES_CLUSTER'),
        node: required('FRANKENETES_NODE_NAME'),
        location: env.FRANKENETES_LOCATION ?? 'local',
        kubernetesVersion: required('FRANKENETES_KUBERNETES_VERSION'),
        apiServerHost: required('FRANKENETES_API_SERVER_HOST'),
        apiServerPort: Number(env.FRANKENETES_API_SERVER_PORT ?? names/* API_SERVER_PORT */.dp),
        kubeconfigPath: `${dir}/kubeconfig`,
        caCert: read('ca.crt'),
        servingCert: read('kubelet.crt'),
        servingKey: read('kubelet.key'),
        kubeletPort: Number(env.FRANKENETES_KUBELET_PORT ?? names/* KUBELET_PORT */.F2),
        capacity: {
            cpu: env.FRANKENETES_NODE_CPU ?? DEFAULT_NODE_CAPACITY.cpu,
            memory: env.FRANKENETES_NODE_MEMORY ?? DEFAULT_NODE_CAPACITY.memory,
            pods: env.FRANKENETES_NODE_PODS ?? DEFAULT_NODE_CAPACITY.pods,
        },
        defaults: {
            cpu: Number(env.FRANKENETES_POD_DEFAULT_CPU ?? 0.1),
            memoryInGB: Number(env.FRANKENETES_POD_DEFAULT_MEMORY_GB ?? 0.1),
        },
        backend,
        engineSocket: env.FRANKENETES_ENGINE_SOCKET ?? '/var/run/docker.sock',
        standbyPool: Number(env.FRANKENETES_STANDBY_POOL ?? spec/* DEFAULT_STANDBY_POOL */.Nz),
        azure: backend === 'aci'
            ? {
                subscriptionId: required('FRANKENETES_AZURE_SUBSCRIPTION_ID'),
                podResourceGroup: env.FRANKENETES_AZURE_POD_RESOURCE_GROUP || required('FRANKENETES_AZURE_RESOURCE_GROUP'),
                // Set by the offline emulator in the groups it runs; Azure's endpoint otherwise.
                armEndpoint: env.FRANKENETES_ARM_ENDPOINT || undefined,
            }
            : undefined,
    };
}

// EXTERNAL MODULE: ./src/core/kube-http.ts
var kube_http = __webpack_require__(67819);
;// CONCATENATED MODULE: ./src/agent/kube.ts


/** The body type of a JSON merge patch (RFC 7386), as the kubelet sends its status writes. */
const MERGE_PATCH = 'application/merge-patch+json';
/**
 * The agent's API client, with its kubeconfig's credentials (fixed for its life). Its requests
 * share one keep-alive pool: a TLS handshake with a client certificate per call would be most of
 * the agent's CPU per pod, and API server CPU too.
 */
function loadKubeApi(path) {
    return (0,kube_http/* kubeHttp */.s)((0,external_node_fs_.readFileSync)(path, 'utf8'));
}
/** HTTP status of a failed API call, if the server answered. */
function statusOf(error) {
    return error instanceof kube_http/* KubeHttpError */.c ? error.status : undefined;
}
/** A path segment (a name or namespace), escaped. */
const seg = (value) => encodeURIComponent(value ?? '');

// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
// EXTERNAL MODULE: ./node_modules/ws/wrapper.mjs
var wrapper = __webpack_require__(52977);
// EXTERNAL MODULE: ./src/core/backend.ts
var core_backend = __webpack_require__(96667);
// EXTERNAL MODULE: ./src/core/pods.ts
var pods = __webpack_require__(43199);
;// CONCATENATED MODULE: ./src/agent/kubelet-api.ts




/** Channel numbers of Kubernetes' WebSocket streaming protocol (v4/v5.channel.k8s.io). */
const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 };
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
function route(url) {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts.length !== 4)
        return undefined;
    const [kind = '', namespace = '', pod = '', container = ''] = parts;
    return { kind, namespace, pod, container };
}
/** Only the API server (its kubelet-client certificate, or a cluster admin) may use the kubelet API. */
function authorized(req) {
    const socket = req.socket;
    if (!socket.authorized)
        return false;
    const subject = socket.getPeerCertificate().subject;
    const orgs = [].concat(subject?.O ?? []);
    return subject?.CN === 'kube-apiserver-kubelet-client' || orgs.includes('system:masters');
}
function fail(res, code, message) {
    res.writeHead(code, { 'Content-Type': 'text/plain' }).end(`${message}\n`);
}
/** The exec result as the API server expects it on the error channel (metav1.Status). */
function exitStatus(code) {
    if (code === 0)
        return JSON.stringify({ metadata: {}, status: 'Success' });
    return JSON.stringify({
        metadata: {},
        status: 'Failure',
        message: `command terminated with non-zero exit code: exit status ${code}`,
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
    });
}
/**
 * The kubelet API the API server calls for `kubectl logs` and `kubectl exec`: HTTPS with a serving
 * certificate from the cluster CA, client certificates required. Exec speaks WebSocket directly
 * (the node declares ExtendWebSocketsToKubelet), so no SPDY is involved.
 */
function startKubeletApi(config, backend, log) {
    const groupOf = (r) => (0,pods/* podGroupName */._O)(config.cluster, r.namespace, r.pod);
    const wss = new wrapper/* WebSocketServer */.zu({
        noServer: true,
        handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
    });
    const server = (0,external_node_https_.createServer)({
        cert: config.servingCert,
        key: config.servingKey,
        ca: config.caCert,
        requestCert: true,
        rejectUnauthorized: false,
    }, (req, res) => {
        const url = new URL(req.url ?? '/', 'https://kubelet');
        if (url.pathname === '/healthz')
            return void res.end('ok');
        if (!authorized(req))
            return fail(res, 401, 'Unauthorized');
        const r = route(url);
        if (r?.kind === 'containerLogs' && req.method === 'GET')
            return void serveLogs(r, url, res);
        if (r && ['exec', 'attach', 'portForward'].includes(r.kind)) {
            return fail(res, 400, `${r.kind} needs a WebSocket upgrade (v5.channel.k8s.io)`);
        }
        return fail(res, 404, `${url.pathname} is not served by Frankenetes nodes`);
    });
    async function serveLogs(r, url, res) {
        const q = url.searchParams;
        const number = (key) => (q.has(key) ? Number(q.get(key)) : undefined);
        if (q.get('previous') === 'true') {
            return fail(res, 400, `previous terminated container "${r.container}" in pod "${r.pod}" not found: Frankenetes nodes keep only the current instance's logs`);
        }
        try {
            const stream = await backend.logs(groupOf(r), r.container, {
                follow: q.get('follow') === 'true',
                timestamps: q.get('timestamps') === 'true',
                tailLines: number('tailLines'),
                sinceSeconds: number('sinceSeconds'),
            });
            res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
            const limit = number('limitBytes');
            let sent = 0;
            stream.on('data', (chunk) => {
                if (limit !== undefined && sent + chunk.length > limit) {
                    res.end(chunk.subarray(0, limit - sent));
                    stream.destroy();
                    return;
                }
                sent += chunk.length;
                res.write(chunk);
            });
            stream.on('end', () => res.end());
            stream.on('error', () => res.end());
            res.on('close', () => stream.destroy());
        }
        catch (error) {
            const notFound = error instanceof core_backend/* BackendError */.J && error.reason === 'not-found';
            fail(res, notFound ? 404 : 500, error.message);
        }
    }
    async function serveExec(ws, r, url) {
        const q = url.searchParams;
        const flag = (key) => q.get(key) === '1' || q.get(key) === 'true';
        const send = (channel, data) => {
            if (ws.readyState === ws.OPEN)
                ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
        };
        // kubectl sends stdin and the terminal size at once: hold them until the session exists.
        const early = [];
        let handle = (message) => void early.push(message);
        let closed = false;
        ws.on('message', (message) => handle(message));
        ws.on('close', () => {
            closed = true;
            handle(Buffer.from([CHANNEL.close, CHANNEL.stdin]));
        });
        try {
            const session = await backend.exec(groupOf(r), r.container, {
                command: q.getAll('command'),
                stdin: flag('input'),
                tty: flag('tty'),
            });
            session.stdout.on('data', (d) => send(CHANNEL.stdout, d));
            session.stderr?.on('data', (d) => send(CHANNEL.stderr, d));
            handle = (message) => {
                if (process.env.FRANKENETES_DEBUG)
                    log(`exec frame ${message.toString('hex').slice(0, 40)}`);
                const channel = message[0];
                const data = message.subarray(1);
                if (channel === CHANNEL.stdin)
                    session.stdin?.write(data);
                else if (channel === CHANNEL.resize) {
                    const size = JSON.parse(data.toString('utf8'));
                    void session.resize(size.Width, size.Height);
                }
                else if (channel === CHANNEL.close && data[0] === CHANNEL.stdin)
                    session.closeStdin();
            };
            for (const message of early.splice(0))
                handle(message);
            if (closed)
                session.closeStdin();
            const code = await session.exitCode();
            send(CHANNEL.error, exitStatus(code));
            ws.close(1000);
        }
        catch (error) {
            send(CHANNEL.error, JSON.stringify({ metadata: {}, status: 'Failure', message: error.message }));
            ws.close(1000);
        }
    }
    server.on('upgrade', (req, socket, head) => {
        const url = new URL(req.url ?? '/', 'https://kubelet');
        const r = route(url);
        const refuse = (code, message) => {
            socket.end(`HTTP/1.1 ${code} ${message}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}\n`);
        };
        if (!authorized(req))
            return refuse(401, 'Unauthorized');
        if (r?.kind === 'attach' || r?.kind === 'portForward') {
            return refuse(400, `${r.kind} is not supported by Frankenetes nodes`);
        }
        if (r?.kind !== 'exec')
            return refuse(404, 'Not Found');
        wss.handleUpgrade(req, socket, head, (ws) => {
            serveExec(ws, r, url).catch((error) => log(`exec ${r.namespace}/${r.pod}: ${error.message}`));
        });
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        // Localhost only: the API server shares this network namespace.
        server.listen(config.kubeletPort, '127.0.0.1', () => resolve(server));
    });
}

;// CONCATENATED MODULE: ./src/agent/node.ts


const RENEW_MS = 10_000;
/** Node status is refreshed less often than the lease, as the kubelet does. */
const STATUS_EVERY = 6;
const LEASES = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
/** Registers the node (create, or adopt after a restart) and writes its full status. */
async function registerNode(api, id) {
    try {
        await api.call('POST', '/api/v1/nodes', { body: nodeObject(id, new Date()) });
    }
    catch (error) {
        if (statusOf(error) !== 409)
            throw error;
    }
    await writeNodeStatus(api, id);
}
/** A merge patch of the status subresource (raw JSON, so `declaredFeatures` goes as written). */
async function writeNodeStatus(api, id) {
    await api.call('PATCH', `/api/v1/nodes/${seg(id.name)}/status`, {
        body: { status: nodeStatus(id, new Date()) },
        contentType: MERGE_PATCH,
    });
}
async function renewLease(api, node) {
    const lease = leaseObject(node, new Date());
    try {
        const current = await api.call('GET', `${LEASES}/${seg(node)}`);
        lease.metadata = { ...lease.metadata, resourceVersion: current.metadata?.resourceVersion };
        await api.call('PUT', `${LEASES}/${seg(node)}`, { body: lease });
    }
    catch (error) {
        if (statusOf(error) !== 404)
            throw error;
        await api.call('POST', LEASES, { body: lease });
    }
}
/** Renews the node's Lease every 10 s and refreshes its status every minute; returns a stopper. */
function keepNodeAlive(api, id, log) {
    let tick = 0;
    const beat = async () => {
        try {
            await renewLease(api, id.name);
            if (++tick % STATUS_EVERY === 0)
                await writeNodeStatus(api, id);
        }
        catch (error) {
            log(`heartbeat failed: ${error.message}`);
        }
    };
    void beat();
    const timer = setInterval(beat, RENEW_MS);
    return () => clearInterval(timer);
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
;// CONCATENATED MODULE: ./src/agent/lifecycle.ts



/** Go's `%v` of a []string: `[a b c]`. */
const goList = (items) => `[${items.join(' ')}]`;
/** The kubelet's `format.Pod`: `name_namespace(uid)`. */
function formatPod(pod) {
    return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}
/** An httpGet hook's port: a number, a numeric string, or the name of one of the container's ports. */
function resolveHookPort(container, port) {
    if (typeof port === 'number')
        return port;
    if (/^\d+$/.test(port))
        return Number(port);
    const found = container.ports?.find((p) => p.name === port);
    if (!found)
        throw new Error(`couldn't find port: ${port} in container "${container.name}"`);
    return found.containerPort;
}
/** The URL an httpGet hook requests: the pod's IP (a `host` is refused), port, path, scheme (default HTTP). */
function hookUrl(container, get, podIP) {
    const scheme = (get.scheme ?? 'HTTP').toLowerCase();
    const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
    const port = resolveHookPort(container, get.port);
    return new URL(`${scheme}://${(0,external_node_net_.isIPv6)(podIP) ? `[${podIP}]` : podIP}:${port}${path}`);
}
/**
 * Runs one hook handler. Resolves to undefined when it succeeded, else to the kubelet's message
 * (the FailedPostStartHook / FailedPreStopHook event's). As on a kubelet, an exec hook fails on a
 * non-zero exit, an HTTP hook only when no response comes (its status is not checked), a sleep
 * never, and any hook fails when `target.signal` ends it first.
 */
async function runHook(pod, container, handler, target) {
    const where = `for Container "${container.name}" in Pod "${formatPod(pod)}"`;
    if (handler.exec) {
        const command = handler.exec.command ?? [];
        try {
            const { exitCode, stdout, stderr } = await abortable(target.exec(command), target.signal);
            if (exitCode === 0)
                return undefined;
            const error = `command '${command.join(' ')}' exited with ${exitCode}: ${stderr}`;
            return `Exec lifecycle hook (${goList(command)}) ${where} failed - error: ${error}, message: ${JSON.stringify(stdout + stderr)}`;
        }
        catch (error) {
            return `Exec lifecycle hook (${goList(command)}) ${where} failed - error: ${error.message}, message: ""`;
        }
    }
    if (handler.httpGet) {
        const get = handler.httpGet;
        try {
            if (!target.podIP)
                throw new Error('the pod has no IP address yet');
            const url = hookUrl(container, get, target.podIP);
            const headers = { 'user-agent': 'kube-lifecycle/1', accept: '*/*' };
            for (const h of get.httpHeaders ?? [])
                if (h.name)
                    headers[h.name.toLowerCase()] = h.value ?? '';
            await httpGet(url, headers, target.signal);
            return undefined;
        }
        catch (error) {
            return `HTTP lifecycle hook (${get.path ?? ''}) ${where} failed - error: ${error.message}`;
        }
    }
    if (handler.sleep) {
        const seconds = handler.sleep.seconds;
        try {
            await abortable(new Promise((resolve) => setTimeout(resolve, seconds * 1000).unref()), target.signal);
            return undefined;
        }
        catch (error) {
            return `Sleep lifecycle hook (${seconds}) ${where} failed - error: ${error.message}`;
        }
    }
    return `Cannot run handler: invalid handler: ${JSON.stringify(handler)}`;
}
function abortable(promise, signal) {
    if (!signal)
        return promise;
    if (signal.aborted)
        return Promise.reject(new Error('the grace period ended'));
    return new Promise((resolve, reject) => {
        const onAbort = () => reject(new Error('the grace period ended'));
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then((value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
        }, (error) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
        });
    });
}
/** One GET; resolves once the response's body was read, whatever its status. Certificates are not verified, as by a kubelet. */
function httpGet(url, headers, signal) {
    return new Promise((resolve, reject) => {
        const onResponse = (res) => {
            res.resume();
            res.on('end', () => resolve());
            res.on('error', reject);
        };
        const options = { method: 'GET', headers, agent: false, signal };
        const request = url.protocol === 'https:'
            ? external_node_https_default().request(url, { ...options, rejectUnauthorized: false }, onResponse)
            : external_node_http_default().request(url, options, onResponse);
        request.on('error', reject);
        request.end();
    });
}
const startOf = (value) => value === undefined ? undefined : new Date(value).getTime();
/**
 * postStart hooks, one run per start of a container (a container the engine restarts runs it again),
 * as the kubelet runs them right after starting the container.
 */
class PostStartHooks {
    options;
    /** Per pod, per container: the start time its hook ran for, and whether it still runs. */
    runs = new Map();
    constructor(options) {
        this.options = options;
    }
    /** Starts the hooks due for the pod's running containers; returns the containers whose hook still runs. */
    sync(podKey, pod, group) {
        const runs = this.runs.get(podKey) ?? new Map();
        this.runs.set(podKey, runs);
        const running = [];
        for (const c of pod.spec?.containers ?? []) {
            const handler = c.lifecycle?.postStart;
            const state = group.containers?.find((x) => x.name === c.name)?.instanceView?.currentState;
            const started = startOf(state?.startTime);
            if (!handler ||
                state?.state !== 'Running' ||
                state.detailStatus === 'Restarting' ||
                started === undefined)
                continue;
            const run = runs.get(c.name);
            if (run?.started === started) {
                if (run.running)
                    running.push(c.name);
                continue;
            }
            if (!run && started < this.options.since) {
                runs.set(c.name, { started, running: false });
                continue;
            }
            const entry = { started, running: true };
            runs.set(c.name, entry);
            running.push(c.name);
            void this.options
                .run(podKey, c.name, handler)
                .catch((error) => `Cannot run handler: ${error.message}`)
                .then((failure) => {
                entry.running = false;
                if (this.runs.get(podKey)?.get(c.name) === entry)
                    this.options.onDone(podKey, c.name, failure);
            });
        }
        return running;
    }
    forget(podKey) {
        this.runs.delete(podKey);
    }
}

;// CONCATENATED MODULE: ./src/agent/probes.ts



/** Kubernetes' API defaults for probe fields left unset. */
const PROBE_DEFAULTS = {
    initialDelaySeconds: 0,
    periodSeconds: 10,
    timeoutSeconds: 1,
    failureThreshold: 3,
    successThreshold: 1,
};
/** The kubelet reads at most this much of a probe's response body. */
const MAX_BODY = 10 * 1024;
/** Go's http client (and so the kubelet's prober) gives up after this many redirects. */
const MAX_REDIRECTS = 10;
const FOLLOWED = new Set([301, 302, 303, 307, 308]);
const positive = (value, fallback) => value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
/** The time a probe may take, in ms: `timeoutSeconds` when set, else the given default. */
function probeTimeoutMs(probe, fallbackMs = PROBE_DEFAULTS.timeoutSeconds * 1000) {
    return probe.timeoutSeconds !== undefined && probe.timeoutSeconds > 0
        ? probe.timeoutSeconds * 1000
        : fallbackMs;
}
/**
 * Runs one probe. exec: success when the command exits 0, failure on another code or when it takes
 * longer than the timeout (the command itself is not killed: backends cannot). httpGet: GET
 * http(s)://podIP:port/path, success for a final status 200–399; failure on a timeout, a
 * connection error or another status. Like the kubelet, HTTPS certificates are not verified,
 * redirects to the same host are followed (at most 10) and one to another host counts as its 3xx.
 *
 * Rejects (rather than resolving false) only when the probe could not be run at all: no exec or
 * httpGet, or `target.exec` rejecting. The kubelet discards such results instead of counting them.
 */
async function runProbe(probe, target) {
    const timeoutMs = probeTimeoutMs(probe, target.timeoutMs);
    if (probe.exec)
        return execProbe(probe.exec.command ?? [], target.exec, timeoutMs);
    if (probe.httpGet)
        return httpProbe(probe.httpGet, target, timeoutMs);
    throw new Error('probe has neither exec nor httpGet');
}
async function execProbe(command, exec, timeoutMs) {
    let timer;
    const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
        // A late rejection of exec() is absorbed by race's own handler.
        const code = await Promise.race([exec(command), timeout]);
        return code === 0;
    }
    finally {
        clearTimeout(timer);
    }
}
async function httpProbe(get, target, timeoutMs) {
    if (!target.podIP)
        return false;
    const scheme = (get.scheme ?? 'http').toLowerCase();
    if (scheme !== 'http' && scheme !== 'https')
        return false;
    const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
    const host = (0,external_node_net_.isIPv6)(target.podIP) ? `[${target.podIP}]` : target.podIP;
    let url;
    try {
        url = new URL(`${scheme}://${host}:${get.port}${path}`);
    }
    catch {
        return false;
    }
    const headers = probeHeaders(get, target.userAgent ?? 'kube-probe');
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const origin = url.hostname;
    try {
        for (let redirects = 0;; redirects++) {
            const { status, location } = await getOnce(url, headers, abort.signal);
            if (FOLLOWED.has(status) && location !== undefined) {
                const next = new URL(location, url); // unparsable: a failure, as in Go
                if (next.hostname !== origin)
                    return true; // another host: not followed, the 3xx counts
                if (next.protocol !== 'http:' && next.protocol !== 'https:')
                    return false;
                if (redirects + 1 >= MAX_REDIRECTS)
                    return false;
                url = next;
                continue;
            }
            return status >= 200 && status < 400;
        }
    }
    catch {
        return false;
    }
    finally {
        clearTimeout(timer);
        abort.abort();
    }
}
/** The kubelet's probe request headers: User-Agent, Accept, then the probe's own (which win). */
function probeHeaders(get, userAgent) {
    const defaults = { 'user-agent': userAgent, accept: '*/*', connection: 'close' };
    const custom = {};
    for (const h of get.httpHeaders ?? []) {
        if (!h.name)
            continue;
        (custom[h.name.toLowerCase()] ??= []).push(h.value ?? '');
    }
    const headers = { ...defaults };
    for (const [name, values] of Object.entries(custom))
        headers[name] = values.length === 1 ? values[0] : values;
    return headers;
}
/** One GET: the status and Location once the body was read (up to MAX_BODY). */
function getOnce(url, headers, signal) {
    return new Promise((resolve, reject) => {
        const onResponse = (res) => {
            // resolve/reject settle the promise once: a close after the end changes nothing.
            let size = 0;
            const done = () => {
                resolve({ status: res.statusCode ?? 0, location: res.headers.location });
                res.destroy();
            };
            res.on('data', (chunk) => {
                size += chunk.length;
                if (size >= MAX_BODY)
                    done();
            });
            res.on('end', done);
            res.on('error', reject);
            res.on('close', () => reject(new Error('response closed before its end')));
        };
        const request = url.protocol === 'https:'
            ? external_node_https_default().request(url, { method: 'GET', headers, agent: false, signal, rejectUnauthorized: false }, onResponse)
            : external_node_http_default().request(url, { method: 'GET', headers, agent: false, signal }, onResponse);
        request.on('error', reject);
        request.end();
    });
}
const LOOP_SEPARATOR = '\u0000';
function startTimeMs(value) {
    if (value === undefined || value === null)
        return undefined;
    const ms = (value instanceof Date ? value : new Date(value)).getTime();
    return Number.isNaN(ms) ? undefined : ms;
}
/**
 * Probe loops per (pod, container, kind), as the kubelet's prober workers: the first probe runs
 * initialDelaySeconds after the container started, then every periodSeconds (counted from the start
 * of the previous probe, never two at once). Readiness starts false, becomes true after
 * successThreshold consecutive successes and false after failureThreshold consecutive failures.
 * Liveness reports failureThreshold consecutive failures once, then stops until the container
 * comes back with a new start time.
 */
class ProbeManager {
    options;
    pods = new Map();
    /** Per pod, the containers that have a readiness probe (as of the last sync). */
    readinessProbed = new Map();
    now;
    setTimer;
    clearTimer;
    stopped = false;
    constructor(options) {
        this.options = options;
        this.now = options.now ?? (() => Date.now());
        this.setTimer =
            options.setTimer ??
                ((callback, ms) => {
                    const timer = setTimeout(callback, ms);
                    timer.unref?.();
                    return timer;
                });
        this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle));
    }
    /**
     * Brings the pod's loops in line with its group: a loop for each probe of each running container
     * (a container the engine is restarting does not count), a fresh one when the container started
     * again; loops of containers that no longer run are stopped.
     */
    sync(podKey, group) {
        if (this.stopped)
            return;
        const loops = this.pods.get(podKey) ?? new Map();
        const wanted = new Set();
        const probed = new Set();
        for (const c of group.containers ?? []) {
            if (c.readinessProbe)
                probed.add(c.name);
            const state = c.instanceView?.currentState;
            if (state?.state !== 'Running' || state.detailStatus === 'Restarting')
                continue;
            const started = startTimeMs(state.startTime);
            const probes = [
                ['readiness', c.readinessProbe],
                ['liveness', c.livenessProbe],
            ];
            for (const [kind, probe] of probes) {
                if (!probe)
                    continue;
                const key = `${c.name}${LOOP_SEPARATOR}${kind}`;
                const identity = `${started ?? ''}${LOOP_SEPARATOR}${JSON.stringify(probe)}`;
                wanted.add(key);
                const existing = loops.get(key);
                if (existing?.identity === identity)
                    continue; // also a liveness loop that already fired
                if (existing)
                    this.halt(existing);
                const loop = {
                    podKey,
                    container: c.name,
                    kind,
                    probe,
                    identity,
                    inFlight: false,
                    stopped: false,
                    resultRun: 0,
                    ready: false,
                };
                loops.set(key, loop);
                const initialDelay = positive(probe.initialDelaySeconds, PROBE_DEFAULTS.initialDelaySeconds) * 1000;
                const first = (started ?? this.now()) + initialDelay;
                this.schedule(loop, Math.max(0, first - this.now()));
            }
        }
        for (const [key, loop] of loops) {
            if (!wanted.has(key)) {
                this.halt(loop);
                loops.delete(key);
            }
        }
        if (loops.size)
            this.pods.set(podKey, loops);
        else
            this.pods.delete(podKey);
        if (probed.size)
            this.readinessProbed.set(podKey, probed);
        else
            this.readinessProbed.delete(podKey);
    }
    /** Stops every loop of a pod and forgets it (pod deleted, or its group gone). */
    forget(podKey) {
        for (const loop of this.pods.get(podKey)?.values() ?? [])
            this.halt(loop);
        this.pods.delete(podKey);
        this.readinessProbed.delete(podKey);
    }
    /**
     * The readiness probe's verdict for a container: undefined when it has no readiness probe (ready
     * follows running), false while its probe has not succeeded yet or when it does not run.
     */
    readiness(podKey, container) {
        const loop = this.pods.get(podKey)?.get(`${container}${LOOP_SEPARATOR}readiness`);
        if (loop)
            return loop.ready;
        return this.readinessProbed.get(podKey)?.has(container) ? false : undefined;
    }
    /** How many loops have a probe scheduled or running (for tests and diagnostics). */
    get activeLoops() {
        let count = 0;
        for (const loops of this.pods.values())
            for (const loop of loops.values())
                if (!loop.stopped)
                    count++;
        return count;
    }
    /** Stops everything; later syncs do nothing. */
    stop() {
        this.stopped = true;
        for (const podKey of [...this.pods.keys()])
            this.forget(podKey);
    }
    schedule(loop, ms) {
        if (loop.stopped)
            return;
        loop.timer = this.setTimer(() => {
            loop.timer = undefined;
            void this.tick(loop);
        }, ms);
    }
    halt(loop) {
        loop.stopped = true;
        if (loop.timer !== undefined)
            this.clearTimer(loop.timer);
        loop.timer = undefined;
    }
    async tick(loop) {
        if (loop.stopped || loop.inFlight)
            return;
        loop.inFlight = true;
        const startedAt = this.now();
        let result;
        try {
            result = await this.options.run(loop.podKey, loop.container, loop.probe);
        }
        catch (error) {
            this.report(loop, error);
        }
        finally {
            loop.inFlight = false;
        }
        if (loop.stopped)
            return;
        if (result !== undefined)
            this.record(loop, result);
        if (loop.stopped)
            return;
        const period = positive(loop.probe.periodSeconds, PROBE_DEFAULTS.periodSeconds) * 1000;
        this.schedule(loop, Math.max(0, startedAt + period - this.now()));
    }
    /** The kubelet worker's bookkeeping: act once a result repeated its threshold's number of times. */
    record(loop, result) {
        if (loop.lastResult === result)
            loop.resultRun++;
        else {
            loop.lastResult = result;
            loop.resultRun = 1;
        }
        const threshold = result
            ? positive(loop.probe.successThreshold, PROBE_DEFAULTS.successThreshold)
            : positive(loop.probe.failureThreshold, PROBE_DEFAULTS.failureThreshold);
        if (loop.resultRun < threshold)
            return;
        if (loop.kind === 'readiness') {
            if (loop.ready === result)
                return;
            loop.ready = result;
            this.call(loop, () => this.options.onChange(loop.podKey));
        }
        else if (!result) {
            // Kept (stopped) under the same identity, so that syncs before the restart do not rearm it.
            this.halt(loop);
            this.call(loop, () => this.options.onLivenessFailure(loop.podKey, loop.container));
        }
    }
    call(loop, callback) {
        try {
            callback();
        }
        catch (error) {
            this.report(loop, error);
        }
    }
    report(loop, error) {
        try {
            this.options.onError?.(loop.podKey, loop.container, error);
        }
        catch {
            // A failing logger must not stop the probes.
        }
    }
}
/** Go's `%s` of a []string, as in the kubelet's condition messages: `[a b]`. */
const probes_goList = (names) => `[${names.join(' ')}]`;
function asDate(value) {
    if (value === undefined || value === null)
        return undefined;
    const date = value instanceof Date ? value : new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
}
/**
 * A pod status with the readiness probes' verdicts applied (pure): a container is ready when the
 * status says so and its readiness probe, if any, does not say otherwise. When a container ends up
 * unready, ContainersReady and Ready become False with the kubelet's reason and message
 * (`ContainersNotReady`, `containers with unready status: [a b]`, after any `containers with
 * unknown status: […]` part already there); terminal pods' conditions are left alone.
 *
 * `previous` is the status the pod has now (pod.status): a condition that turns False keeps the
 * previous lastTransitionTime when it was already False there, else becomes `now`; a condition
 * True again is dated `now` if the time it was given precedes its previous transition (a container
 * that started before its probe succeeded), so minReadySeconds counts from the probe's success.
 */
function applyReadiness(status, readiness, now, previous) {
    const containerStatuses = status.containerStatuses?.map((s) => s.ready && readiness(s.name) === false ? { ...s, ready: false } : { ...s });
    let conditions = status.conditions?.map((c) => ({ ...c }));
    const before = (type) => previous?.conditions?.find((c) => c.type === type);
    const containersReady = conditions?.find((c) => c.type === 'ContainersReady');
    if (conditions &&
        containersReady &&
        containersReady.reason !== 'PodCompleted' &&
        containersReady.reason !== 'PodFailed') {
        const unknownPart = /containers with unknown status: \[([^\]]*)\]/.exec(containersReady.message ?? '');
        const unknown = unknownPart?.[1] ? unknownPart[1].split(' ').filter(Boolean) : [];
        const unready = (containerStatuses ?? [])
            .filter((s) => !s.ready && !unknown.includes(s.name))
            .map((s) => s.name);
        if (unknown.length || unready.length) {
            const message = [
                unknown.length ? `containers with unknown status: ${probes_goList(unknown)}` : '',
                unready.length ? `containers with unready status: ${probes_goList(unready)}` : '',
            ]
                .filter(Boolean)
                .join(', ');
            conditions = conditions.map((c) => {
                if (c.type !== 'ContainersReady' && c.type !== 'Ready')
                    return c;
                const prior = before(c.type);
                const lastTransitionTime = c.status === 'False'
                    ? c.lastTransitionTime
                    : prior?.status === 'False'
                        ? (asDate(prior.lastTransitionTime) ?? now)
                        : now;
                return { ...c, status: 'False', reason: 'ContainersNotReady', message, lastTransitionTime };
            });
        }
    }
    if (conditions && previous) {
        conditions = conditions.map((c) => {
            if ((c.type !== 'ContainersReady' && c.type !== 'Ready') || c.status !== 'True')
                return c;
            const prior = before(c.type);
            const priorTime = asDate(prior?.lastTransitionTime);
            if (!prior || prior.status === 'True' || !priorTime)
                return c;
            const given = asDate(c.lastTransitionTime);
            return given && given >= priorTime ? c : { ...c, lastTransitionTime: now };
        });
    }
    const result = { ...status };
    if (containerStatuses)
        result.containerStatuses = containerStatuses;
    if (conditions)
        result.conditions = conditions;
    return result;
}

;// CONCATENATED MODULE: ./src/agent/slots.ts
/** At most `size` tasks at once; the others wait their turn, first come first served. */
class Slots {
    free;
    waiting = [];
    constructor(size) {
        this.free = size;
    }
    async run(task) {
        if (this.free > 0)
            this.free--;
        else
            await new Promise((resolve) => this.waiting.push(resolve));
        try {
            return await task();
        }
        finally {
            const next = this.waiting.shift();
            if (next)
                next();
            else
                this.free++;
        }
    }
}

;// CONCATENATED MODULE: ./src/agent/start-timings.ts
/** The steps of a pod's start that the agent sees, in order. */
const START_STEPS = ['seen', 'create', 'running', 'ready'];
/**
 * When each pod passed each step of its start on this node: first seen by the agent, the backend's
 * create call, its containers running, Ready written to the API. One log line per pod when it is
 * first Ready (`pod-start <ns>/<name> uid=… seen=… create=… running=… ready=…`, epoch ms), which
 * `npm run bench:pods` splits into phases. Only the first time of each step counts.
 */
class PodStartTimings {
    log;
    now;
    marks = new Map();
    constructor(log, now = Date.now) {
        this.log = log;
        this.now = now;
    }
    /** The pod `key` (namespace/name) reached `step`; 'seen' starts its record. */
    mark(uid, key, step) {
        if (!uid)
            return;
        const record = this.marks.get(uid);
        if (!record) {
            // Only pods the agent saw before they started are timed (not those found running at its start).
            if (step === 'seen')
                this.marks.set(uid, { key, at: { seen: this.now() } });
            return;
        }
        record.at[step] ??= this.now();
        if (step === 'ready') {
            this.marks.delete(uid);
            this.log(startTimingLine(record.key, uid, record.at));
        }
    }
    /** A pod (namespace/name) deleted, or failed, before it was Ready: no line. */
    forget(key) {
        for (const [uid, record] of this.marks)
            if (record.key === key)
                this.marks.delete(uid);
    }
}
function startTimingLine(key, uid, marks) {
    return `pod-start ${key} uid=${uid} ${START_STEPS.map((s) => `${s}=${marks[s] ?? '-'}`).join(' ')}`;
}
/** Parses the lines startTimingLine writes (anywhere in a log line); others are skipped. */
function parseStartTimings(text) {
    const out = new Map();
    for (const match of text.matchAll(/pod-start \S+ uid=(\S+)((?: \w+=[\d-]+)+)/g)) {
        const marks = {};
        for (const [, step, value] of (match[2] ?? '').matchAll(/ (\w+)=([\d-]+)/g)) {
            if (START_STEPS.includes(step ?? '') && value !== '-')
                marks[step] = Number(value);
        }
        out.set(match[1] ?? '', marks);
    }
    return out;
}

;// CONCATENATED MODULE: ./src/agent/pods.ts








// Engine events drive most updates; the resync only catches what they missed (each pass inspects every group).
const RESYNC_MS = 30_000;
// Group creations are CPU-bound on the engine: fewer at once finish the first pods sooner, same
// throughput. Everything else a reconcile does waits on the API server or is cheap, and runs beside
// them, so a pod's token request and status write never hold back another pod's creation.
const AGENT_MAX_PARALLEL = 4;
const MAX_RECONCILES = 16;
const keyOf = (pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;
const isTerminal = (pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const containersOf = (pod) => [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
/**
 * Retries of pods that cannot start yet, as the kubelet's pod workers back off: a missing ConfigMap,
 * Secret or key is looked up again after 1 s, doubling to 10 s (the kubelet's 10 s); an image pull
 * after 10 s, doubling to 5 min (the kubelet's image back-off).
 */
const RETRY = { config: { firstMs: 1000, maxMs: 10_000 }, image: { firstMs: 10_000, maxMs: 300_000 } };
/** What a hook's or a log's output may add to an event or a status. */
const MAX_OUTPUT = 4096;
/** A pod's own API path. */
const podPath = (pod) => `/api/v1/namespaces/${seg(pod.metadata?.namespace)}/pods/${seg(pod.metadata?.name)}`;
/**
 * The virtual kubelet's pod loop (virtual-kubelet's PodLifecycleHandler, in one class): watches
 * the pods bound to this node and makes the backend's container groups and the pods' status agree.
 * Each pod is reconciled by one worker at a time; events, engine changes and a periodic resync
 * all just mark a pod dirty.
 */
class PodController {
    api;
    backend;
    config;
    log;
    pods = new Map();
    /** Last status written per pod UID, so an unchanged status is not patched again. */
    written = new Map();
    busy = new Set();
    creations = new Slots(AGENT_MAX_PARALLEL);
    /**
     * The resourceVersion our last status write produced, per pod UID: the watch event that echoes it
     * brings nothing new (everything before it came as its own event), so it schedules no reconcile.
     */
    ownVersions = new Map();
    dirty = new Set();
    queue = [];
    active = 0;
    stopped = false;
    stops = [];
    podIPs = new Map();
    /**
     * Pods that could not start: how many attempts failed, and the timer of the next one. While it
     * runs, other reasons to reconcile (their own status updates, the resync) do not try again.
     */
    retries = new Map();
    /** The last failure reported per pod UID: an unchanged one gets no new event. */
    reported = new Map();
    /** Termination messages read back, per pod and container run (they never change once read). */
    messages = new Map();
    postStart = new PostStartHooks({
        since: Date.now(),
        run: (key, container, handler) => this.hook(key, container, handler),
        onDone: (key, container, failure) => {
            if (failure)
                void this.failedPostStart(key, container, failure);
            this.schedule(key);
        },
    });
    timings = new PodStartTimings((line) => this.log(line));
    /** The engine runs no probes: the agent does, from inside the cluster network. */
    probes = new ProbeManager({
        run: (key, container, probe) => this.probe(key, container, probe),
        onChange: (key) => this.schedule(key),
        onLivenessFailure: (key, container) => void this.restartContainer(key, container),
        onError: (key, container, error) => this.log(`probe ${key} ${container}: ${error.message}`),
    });
    constructor(api, backend, config, log) {
        this.api = api;
        this.backend = backend;
        this.config = config;
        this.log = log;
    }
    /** The pods bound to this node, from `resourceVersion` on when watching. */
    podsPath(watchFrom) {
        const query = new URLSearchParams({ fieldSelector: `spec.nodeName=${this.config.node}` });
        if (watchFrom !== undefined) {
            query.set('resourceVersion', watchFrom);
            query.set('allowWatchBookmarks', 'true');
        }
        return `/api/v1/pods?${query}`;
    }
    listPods() {
        return this.api.call('GET', this.podsPath());
    }
    async start() {
        const list = await this.listPods();
        for (const pod of list.items)
            this.see(pod);
        const groups = await this.removeOrphans();
        await this.reportNotStarted(groups);
        for (const key of this.pods.keys())
            this.schedule(key);
        this.watch(list.metadata?.resourceVersion);
        this.stops.push(await this.backend.watchGroups({ [names/* TAG */.Dk.cluster]: this.config.cluster, [names/* TAG */.Dk.role]: 'pod' }, (group) => {
            for (const [key, pod] of this.pods)
                if (this.groupName(pod) === group)
                    this.schedule(key);
        }));
        const timer = setInterval(() => {
            for (const key of this.pods.keys())
                this.schedule(key);
        }, RESYNC_MS);
        this.stops.push(() => clearInterval(timer));
    }
    stop() {
        this.stopped = true;
        this.probes.stop();
        for (const stop of this.stops)
            stop();
        for (const retry of this.retries.values())
            clearTimeout(retry.timer);
    }
    /** Removes groups of this node whose pod no longer exists (deleted while the agent was down); returns the others. */
    async removeOrphans() {
        const uids = new Set([...this.pods.values()].map((p) => p.metadata?.uid));
        const groups = await this.backend.list({
            [names/* TAG */.Dk.cluster]: this.config.cluster,
            [names/* TAG */.Dk.node]: this.config.node,
        });
        for (const group of groups) {
            if (group.name && !uids.has(group.tags?.[names/* TAG */.Dk.uid])) {
                this.log(`removing orphaned container group ${group.name}`);
                await this.backend.delete(group.name, { gracePeriodSeconds: 0 });
            }
        }
        return new Set(groups.filter((g) => g.name && uids.has(g.tags?.[names/* TAG */.Dk.uid])).map((g) => g.name ?? ''));
    }
    /**
     * Pods whose group is gone (a resumed cluster: pause removed every group) still carry the status
     * they had: they are reported not started, without their old address, before any group is made
     * again, so no pod shows Running or Ready before its containers are.
     */
    async reportNotStarted(groups) {
        const stale = [...this.pods.values()].filter((pod) => !isTerminal(pod) && pod.status?.startTime && !groups.has(this.groupName(pod)));
        await Promise.all(stale.map((pod) => this.writeStatus(pod, {
            ...(0,pods/* podStatusFromGroup */.N8)(pod, undefined, new Date()),
            // null clears them in a merge patch; the new group's address comes with its status.
            podIP: null,
            podIPs: null,
        }).catch((error) => this.log(`status of ${keyOf(pod)} not reset: ${error.message}`))));
    }
    watch(resourceVersion) {
        if (this.stopped)
            return;
        const restart = () => {
            // Relist: events may have been missed while the watch was down.
            setTimeout(async () => {
                try {
                    const list = await this.listPods();
                    const seen = new Set(list.items.map(keyOf));
                    const gone = [...this.pods.keys()].filter((key) => !seen.has(key));
                    for (const key of gone)
                        this.pods.delete(key);
                    for (const pod of list.items)
                        this.see(pod);
                    for (const key of [...gone, ...seen])
                        this.schedule(key);
                    this.watch(list.metadata?.resourceVersion);
                }
                catch (error) {
                    this.log(`pod list failed: ${error.message}`);
                    restart();
                }
            }, 1000);
        };
        this.api
            .watch(this.podsPath(resourceVersion ?? ''), (phase, pod) => {
            if (phase === 'BOOKMARK' || phase === 'ERROR')
                return;
            const key = keyOf(pod);
            if (phase === 'DELETED')
                this.pods.delete(key);
            else
                this.see(pod);
            const uid = pod.metadata?.uid ?? '';
            const echo = phase === 'MODIFIED' && this.ownVersions.get(uid) === pod.metadata?.resourceVersion;
            if (!echo)
                this.schedule(key);
        }, () => restart())
            .then((stop) => this.stops.push(stop))
            .catch(() => restart());
    }
    /** Keeps the pod's latest version; one not yet started by any agent starts its timings. */
    see(pod) {
        const key = keyOf(pod);
        this.pods.set(key, pod);
        if (!pod.status?.startTime && !pod.metadata?.deletionTimestamp)
            this.timings.mark(pod.metadata?.uid ?? '', key, 'seen');
    }
    schedule(key) {
        if (this.stopped)
            return;
        if (this.busy.has(key)) {
            this.dirty.add(key);
            return;
        }
        if (!this.queue.includes(key))
            this.queue.push(key);
        this.drain();
    }
    drain() {
        while (this.active < MAX_RECONCILES && this.queue.length) {
            const key = this.queue.shift();
            this.busy.add(key);
            this.active++;
            this.reconcile(key)
                .catch((error) => this.log(`reconcile ${key}: ${error.message}`))
                .finally(() => {
                this.active--;
                this.busy.delete(key);
                if (this.dirty.delete(key))
                    this.schedule(key);
                this.drain();
            });
        }
    }
    groupName(pod) {
        return (0,pods/* podGroupName */._O)(this.config.cluster, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
    }
    async reconcile(key) {
        const pod = this.pods.get(key);
        if (!pod || pod.metadata?.deletionTimestamp) {
            this.probes.forget(key);
            this.postStart.forget(key);
            this.messages.delete(key);
            this.timings.forget(key);
            clearTimeout(this.retries.get(key)?.timer);
            this.retries.delete(key);
        }
        if (!pod) {
            const [namespace = '', name = ''] = key.split('/');
            await this.backend.delete((0,pods/* podGroupName */._O)(this.config.cluster, namespace, name), {
                gracePeriodSeconds: 0,
            });
            return;
        }
        const name = this.groupName(pod);
        if (pod.metadata?.deletionTimestamp)
            return this.terminate(pod, name);
        let group = await this.backend.get(name);
        if (group && group.tags?.[names/* TAG */.Dk.uid] !== pod.metadata?.uid) {
            // A previous pod of the same name: its group must not be mistaken for this pod's.
            await this.backend.delete(name, { gracePeriodSeconds: 0 });
            group = undefined;
        }
        if (!group && !isTerminal(pod)) {
            if (this.retries.get(key)?.timer)
                return; // backing off; its status says why it waits
            group = await this.create(pod);
            if (!group)
                return;
        }
        let node = {};
        if (group) {
            this.podIPs.set(key, group.ipAddress?.ip || undefined);
            this.probes.sync(key, group);
            node = {
                postStartRunning: this.postStart.sync(key, pod, group),
                terminationMessages: await this.terminationMessages(key, pod, group),
            };
        }
        else {
            this.probes.forget(key);
            this.podIPs.delete(key);
            // A finished pod whose group is gone (pause removes every group): its final status stands.
            if (isTerminal(pod))
                return;
        }
        const now = new Date();
        const status = applyReadiness((0,pods/* podStatusFromGroup */.N8)(pod, group, now, node), (c) => this.probes.readiness(key, c), now, pod.status);
        const uid = pod.metadata?.uid ?? '';
        if (status.containerStatuses?.every((c) => c.state?.running))
            this.timings.mark(uid, key, 'running');
        await this.writeStatus(pod, status);
        if (status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
            this.timings.mark(uid, key, 'ready');
    }
    async probe(key, container, probe) {
        const pod = this.pods.get(key);
        if (!pod)
            throw new Error('pod gone');
        const group = this.groupName(pod);
        return runProbe(probe, {
            podIP: this.podIPs.get(key),
            timeoutMs: 1000,
            userAgent: `kube-probe/${this.config.kubernetesVersion.split('.').slice(0, 2).join('.')}`,
            exec: async (command) => {
                const session = await this.backend.exec(group, container, { command, stdin: false, tty: false });
                session.stdout.resume();
                session.stderr?.resume();
                return session.exitCode();
            },
        });
    }
    /** A failed liveness probe: the container is restarted, as the kubelet does. */
    async restartContainer(key, container) {
        const pod = this.pods.get(key);
        if (!pod)
            return;
        await this.event(pod, 'Warning', 'Unhealthy', 'Liveness probe failed', container);
        await this.event(pod, 'Normal', 'Killing', `Container ${container} failed liveness probe, will be restarted`, container);
        await this.killContainer(pod, container);
        this.schedule(key);
    }
    /**
     * Kills a container as the kubelet's killContainer does: its preStop hook first, within the grace
     * period, then SIGTERM with what is left of it (at least 2 s), then SIGKILL; the backend starts it
     * again unless the pod's restartPolicy is Never.
     */
    async killContainer(pod, container) {
        const name = this.groupName(pod);
        const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
        const group = await this.backend.get(name);
        const left = group ? await this.preStop(pod, group, grace, [container]) : grace;
        await this.backend
            .restartContainer(name, container, { gracePeriodSeconds: left })
            .catch((error) => this.log(`restart ${keyOf(pod)} ${container}: ${error.message}`));
    }
    /**
     * Runs the preStop hooks of the given running containers (all by default) at once, for at most
     * `grace` seconds, and returns the grace left for SIGTERM: `grace` when no hook ran, else what the
     * hooks left of it and at least 2 s (the kubelet's minimumGracePeriodInSeconds).
     */
    async preStop(pod, group, grace, only) {
        const hooks = (pod.spec?.containers ?? []).filter((c) => {
            if (!c.lifecycle?.preStop || (only && !only.includes(c.name)))
                return false;
            const state = group.containers?.find((x) => x.name === c.name)?.instanceView?.currentState;
            return state?.state === 'Running';
        });
        if (!hooks.length || grace <= 0)
            return grace;
        const started = Date.now();
        const deadline = AbortSignal.timeout(grace * 1000);
        await Promise.all(hooks.map(async (c) => {
            const failure = await runHook(pod, c, c.lifecycle?.preStop ?? {}, {
                exec: (command) => this.execOutput(group.name ?? '', c.name, command),
                podIP: group.ipAddress?.ip,
                signal: deadline,
            });
            if (failure)
                await this.event(pod, 'Warning', 'FailedPreStopHook', failure, c.name);
        }));
        return Math.max(2, grace - Math.floor((Date.now() - started) / 1000));
    }
    /** A container's postStart hook, run against its container. */
    async hook(key, container, handler) {
        const pod = this.pods.get(key);
        const spec = pod?.spec?.containers.find((c) => c.name === container);
        if (!pod || !spec)
            return undefined;
        const group = this.groupName(pod);
        return runHook(pod, spec, handler, {
            exec: (command) => this.execOutput(group, container, command),
            podIP: this.podIPs.get(key),
        });
    }
    /** A failed postStart hook kills its container, as on a kubelet (which then restarts it per restartPolicy). */
    async failedPostStart(key, container, message) {
        const pod = this.pods.get(key);
        if (!pod || pod.metadata?.deletionTimestamp)
            return;
        await this.event(pod, 'Warning', 'FailedPostStartHook', message, container);
        await this.event(pod, 'Normal', 'Killing', 'FailedPostStartHook', container);
        await this.killContainer(pod, container);
        this.schedule(key);
    }
    /** Runs a command in a container and collects its exit code and (the start of) its output. */
    async execOutput(group, container, command) {
        const session = await this.backend.exec(group, container, { command, stdin: false, tty: false });
        const [stdout, stderr] = await Promise.all([readText(session.stdout), readText(session.stderr)]);
        return { exitCode: await session.exitCode(), stdout, stderr };
    }
    /**
     * The termination messages of the group's terminated containers, read once per run: the file at
     * terminationMessagePath, or the end of the log (FallbackToLogsOnError), as the kubelet reads them.
     */
    async terminationMessages(key, pod, group) {
        const cache = this.messages.get(key) ?? new Map();
        this.messages.set(key, cache);
        const out = {};
        for (const c of [...(group.initContainers ?? []), ...(group.containers ?? [])]) {
            const state = c.instanceView?.currentState;
            if (state?.state !== 'Terminated')
                continue;
            const run = `${c.name}/${String(state.finishTime)}`;
            let message = cache.get(run);
            if (message === undefined) {
                const spec = containersOf(pod).find((x) => x.name === c.name);
                const policy = spec?.terminationMessagePolicy;
                const exitCode = state.exitCode ?? 0;
                const file = await this.backend.terminationMessage?.(group.name ?? '', c.name).catch(() => undefined);
                let logs;
                if ((0,pods/* terminationMessageNeedsLogs */.Ms)(file, policy, exitCode)) {
                    logs = await this.backend
                        .logs(group.name ?? '', c.name, { tailLines: pods/* TERMINATION_LOG_LINES */.Er })
                        .then((stream) => readText(stream, Infinity))
                        .catch(() => undefined);
                }
                message = (0,pods/* terminationMessage */._A)(file, policy, exitCode, logs);
                cache.set(run, message);
            }
            if (message)
                out[c.name] = message;
        }
        return out;
    }
    async create(pod) {
        const key = keyOf(pod);
        const started = performance.now();
        let env;
        try {
            env = await this.environment(pod);
        }
        catch (error) {
            // The API server may refuse the node for a moment (the node authorizer learns of a pod's
            // references asynchronously): try again soon.
            this.log(`objects of ${key} not readable yet: ${error.message}`);
            this.retryLater(key, 'config');
            return undefined;
        }
        const fetched = performance.now();
        const translation = 'ok' in env ? env : (0,pods/* podToContainerGroup */.fI)(pod, env);
        if (!translation.ok) {
            await this.cannotStart(pod, translation);
            return undefined;
        }
        try {
            const group = await this.creations.run(() => {
                this.timings.mark(pod.metadata?.uid ?? '', key, 'create');
                return this.backend.createOrUpdate(translation.group);
            });
            clearTimeout(this.retries.get(key)?.timer);
            this.retries.delete(key);
            this.reported.delete(pod.metadata?.uid ?? '');
            const ms = (from, to = performance.now()) => `${Math.round(to - from)} ms`;
            this.log(`started ${key}: API ${ms(started, fetched)}, engine ${ms(fetched)}`);
            // Recorded in the background, in order: the pod's status need not wait for its events.
            void (async () => {
                for (const c of translation.group.containers) {
                    const image = `Container image "${c.image}" already present on machine`;
                    await this.event(pod, 'Normal', 'Pulled', image, c.name);
                    await this.event(pod, 'Normal', 'Created', `Created container ${c.name}`, c.name);
                    await this.event(pod, 'Normal', 'Started', `Started container ${c.name}`, c.name);
                }
            })();
            return group;
        }
        catch (error) {
            const message = error.message;
            const image = error instanceof core_backend/* BackendError */.J && error.reason === 'image-missing' ? error.image : undefined;
            await this.cannotStart(pod, image
                ? { ok: false, reason: 'ErrImagePull', message, image }
                : { ok: false, reason: 'Failed', message });
            return undefined;
        }
    }
    /**
     * A pod that cannot have its group: UnsupportedPodSpec fails it; anything else leaves it Pending
     * with the kubelet's reason on the containers concerned and its events (once per distinct
     * failure), and tries again later.
     */
    async cannotStart(pod, failure) {
        const key = keyOf(pod);
        const uid = pod.metadata?.uid ?? '';
        const now = new Date();
        if (failure.reason === 'UnsupportedPodSpec') {
            this.timings.forget(key);
            await this.event(pod, 'Warning', 'FailedCreate', failure.message);
            const base = (0,pods/* podStatusFromGroup */.N8)(pod, undefined, now);
            const waiting = { waiting: { reason: failure.reason, message: failure.message } };
            await this.writeStatus(pod, {
                ...base,
                phase: 'Failed',
                reason: failure.reason,
                message: failure.message,
                containerStatuses: base.containerStatuses?.map((c) => ({ ...c, state: waiting })),
            });
            return;
        }
        const attempts = this.retries.get(key)?.attempts ?? 0;
        const waiting = {};
        const events = [];
        const image = failure.image;
        if (image) {
            // The first failed pull shows ErrImagePull; while it waits to try again, ImagePullBackOff.
            const backOff = attempts > 0;
            const reason = backOff ? 'ImagePullBackOff' : 'ErrImagePull';
            const message = backOff ? `Back-off pulling image "${image}"` : failure.message;
            for (const c of containersOf(pod)) {
                if (c.image !== image)
                    continue;
                waiting[c.name] = { reason, message };
                if (backOff)
                    events.push(['Normal', 'BackOff', message, c.name]);
                else
                    events.push(['Warning', 'Failed', `Failed to pull image "${image}": ${failure.message}`, c.name]);
                events.push(['Warning', 'Failed', `Error: ${reason}`, c.name]);
            }
        }
        else if (failure.container) {
            waiting[failure.container] = { reason: failure.reason, message: failure.message };
            const event = failure.reason === 'InvalidImageName' ? 'InspectFailed' : 'Failed';
            events.push(['Warning', event, `Error: ${failure.message}`, failure.container]);
        }
        else if (failure.reason === 'Failed') {
            // The backend could not make the group (a port in use, an engine error): containers wait.
            for (const c of containersOf(pod))
                waiting[c.name] = { reason: 'ContainerCreating', message: failure.message };
            events.push(['Warning', 'Failed', failure.message]);
        }
        else {
            events.push(['Warning', failure.reason, failure.message]); // FailedMount, FailedCreatePodSandBox
        }
        const signature = `${failure.reason}\u0000${image ? String(attempts > 0) : ''}\u0000${failure.message}`;
        if (this.reported.get(uid) !== signature) {
            this.reported.set(uid, signature);
            for (const [type, reason, message, container] of events)
                await this.event(pod, type, reason, message, container);
        }
        await this.writeStatus(pod, (0,pods/* podStatusFromGroup */.N8)(pod, undefined, now, { waiting }));
        this.retryLater(key, image ? 'image' : 'config');
    }
    /** Reconciles the pod again after the kubelet-like back-off for its kind of failure. */
    retryLater(key, kind) {
        if (this.stopped)
            return;
        const retry = this.retries.get(key) ?? { attempts: 0 };
        clearTimeout(retry.timer);
        const delay = Math.min(RETRY[kind].maxMs, RETRY[kind].firstMs * 2 ** retry.attempts);
        retry.attempts++;
        retry.timer = setTimeout(() => {
            retry.timer = undefined;
            this.schedule(key);
        }, delay);
        retry.timer.unref();
        this.retries.set(key, retry);
    }
    /**
     * The objects a pod refers to, fetched with the node's (NodeRestriction-limited) rights, or why the
     * pod cannot have them (no token for its service account). Throws when the API server cannot answer.
     */
    async environment(pod) {
        const namespace = pod.metadata?.namespace ?? 'default';
        const refs = (0,pods/* podReferences */.iF)(pod);
        const configMaps = {};
        const secrets = {};
        const fetchOptional = async (read) => {
            try {
                return await read();
            }
            catch (error) {
                if (statusOf(error) === 404)
                    return undefined;
                throw error;
            }
        };
        for (const name of refs.configMaps) {
            const cm = await fetchOptional(() => this.api.call('GET', `/api/v1/namespaces/${seg(namespace)}/configmaps/${seg(name)}`));
            if (cm)
                configMaps[name] = cm;
        }
        for (const name of refs.secrets) {
            const secret = await fetchOptional(() => this.api.call('GET', `/api/v1/namespaces/${seg(namespace)}/secrets/${seg(name)}`));
            if (secret)
                secrets[name] = secret;
        }
        let serviceAccountToken;
        if (refs.serviceAccountToken) {
            const account = pod.spec?.serviceAccountName ?? 'default';
            const expirationSeconds = projectedTokenExpiry(pod);
            try {
                const token = await this.api.call('POST', `/api/v1/namespaces/${seg(namespace)}/serviceaccounts/${seg(account)}/token`, {
                    body: {
                        apiVersion: 'authentication.k8s.io/v1',
                        kind: 'TokenRequest',
                        spec: {
                            audiences: [],
                            expirationSeconds,
                            boundObjectRef: {
                                kind: 'Pod',
                                apiVersion: 'v1',
                                name: pod.metadata?.name,
                                uid: pod.metadata?.uid,
                            },
                        },
                    },
                });
                serviceAccountToken = token.status?.token;
            }
            catch (error) {
                const volume = tokenVolume(pod);
                const reason = error.message; // the API's Status message
                return {
                    ok: false,
                    reason: 'FailedMount',
                    volume,
                    message: `MountVolume.SetUp failed for volume "${volume}" : failed to fetch token: ${reason}`,
                };
            }
        }
        return {
            cluster: this.config.cluster,
            node: this.config.node,
            location: this.config.location,
            apiServerHost: this.config.apiServerHost,
            apiServerPort: this.config.apiServerPort,
            configMaps,
            secrets,
            serviceAccountToken,
            caCert: this.config.caCert,
            defaults: this.config.defaults,
            allocatable: {
                cpu: (0,pods/* parseQuantity */.Lf)(this.config.capacity.cpu),
                memory: (0,pods/* parseQuantity */.Lf)(this.config.capacity.memory),
            },
            backend: this.backend.kind,
        };
    }
    async terminate(pod, group) {
        const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
        const found = await this.backend.get(group);
        if (found) {
            await this.event(pod, 'Normal', 'Killing', `Stopping container group ${group} (grace period ${grace} s)`);
            // preStop hooks run first, inside the grace period; SIGTERM gets what they leave of it.
            const left = await this.preStop(pod, found, grace);
            await this.backend.delete(group, { gracePeriodSeconds: left });
        }
        try {
            // Grace 0 with a UID precondition: finishes this pod's deletion, never a newer pod of the same name.
            await this.api.call('DELETE', `${podPath(pod)}?gracePeriodSeconds=0`, {
                body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } },
            });
        }
        catch (error) {
            if (statusOf(error) !== 404 && statusOf(error) !== 409)
                throw error;
        }
        if (pod.metadata?.uid) {
            this.written.delete(pod.metadata.uid);
            this.ownVersions.delete(pod.metadata.uid);
            this.reported.delete(pod.metadata.uid);
        }
    }
    async writeStatus(pod, status) {
        const uid = pod.metadata?.uid ?? '';
        const text = JSON.stringify(status);
        if (this.written.get(uid) === text)
            return;
        const patched = await this.api.call('PATCH', `${podPath(pod)}/status`, {
            body: { status },
            contentType: MERGE_PATCH,
        });
        this.written.set(uid, text);
        if (patched.metadata?.resourceVersion)
            this.ownVersions.set(uid, patched.metadata.resourceVersion);
    }
    async event(pod, type, reason, message, container) {
        const now = new Date();
        const namespace = pod.metadata?.namespace ?? 'default';
        const body = {
            metadata: { generateName: `${pod.metadata?.name}.`, namespace },
            involvedObject: {
                kind: 'Pod',
                apiVersion: 'v1',
                namespace,
                name: pod.metadata?.name,
                uid: pod.metadata?.uid,
                ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
            },
            type,
            reason,
            message,
            source: { component: 'kubelet', host: this.config.node },
            firstTimestamp: now,
            lastTimestamp: now,
            count: 1,
        };
        await this.api.call('POST', `/api/v1/namespaces/${seg(namespace)}/events`, { body }).catch((error) => {
            this.log(`event ${reason} for ${namespace}/${pod.metadata?.name} not recorded: ${error.message}`);
        });
    }
}
/** The projected volume that holds the service-account token (kube-api-access-…). */
function tokenVolume(pod) {
    const found = pod.spec?.volumes?.find((v) => v.projected?.sources?.some((s) => s.serviceAccountToken));
    return found?.name ?? '';
}
/** A stream's text, up to `max` characters (the rest is drained and dropped). */
function readText(stream, max = MAX_OUTPUT) {
    return new Promise((resolve) => {
        if (!stream)
            return resolve('');
        let text = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk) => {
            if (text.length < max)
                text += chunk.slice(0, max - text.length);
        });
        stream.on('end', () => resolve(text));
        stream.on('close', () => resolve(text));
        stream.on('error', () => resolve(text));
    });
}
/** The projected token's requested lifetime (the API server extends the kubelet default of 3607 s). */
function projectedTokenExpiry(pod) {
    for (const volume of pod.spec?.volumes ?? []) {
        for (const source of volume.projected?.sources ?? []) {
            if (source.serviceAccountToken?.expirationSeconds)
                return source.serviceAccountToken.expirationSeconds;
        }
    }
    return 3607;
}

;// CONCATENATED MODULE: ./src/agent/run.ts







const AGENT_VERSION = names/* FRANKENETES_VERSION */.y7;
const log = (message) => process.stderr.write(`${new Date().toISOString()} agent: ${message}\n`);
/** The Frankenetes agent: a virtual kubelet that runs this node's pods as container groups. */
async function runAgent() {
    const config = configFromEnv();
    const api = loadKubeApi(config.kubeconfigPath);
    const backend = await podBackend(config);
    const id = {
        name: config.node,
        cluster: config.cluster,
        kubernetesVersion: config.kubernetesVersion,
        capacity: config.capacity,
        agentVersion: AGENT_VERSION,
    };
    await backend.ping();
    const server = await startKubeletApi(config, backend, log);
    // The API server may still be starting: retry registration until it answers.
    for (let attempt = 1;; attempt++) {
        try {
            await registerNode(api, id);
            break;
        }
        catch (error) {
            if (attempt % 20 === 1)
                log(`waiting to register the node: ${error.message.split('\n').slice(0, 3).join(' ')}`);
            await new Promise((r) => setTimeout(r, 250));
        }
    }
    log(`node ${config.node} registered`);
    const stopHeartbeat = keepNodeAlive(api, id, log);
    const pods = new PodController(api, backend, config, log);
    if (backend instanceof docker/* DockerBackend */.P)
        await backend.startStandby();
    await pods.start();
    log('watching pods');
    await new Promise((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
    });
    stopHeartbeat();
    if (backend instanceof docker/* DockerBackend */.P)
        backend.stopStandby();
    pods.stop();
    server.close();
    api.close();
    return 0;
}
/**
 * Pods run where the control plane runs. On ACI the agent signs in with the control-plane group's
 * managed identity (FRANKENETES_MANAGED_IDENTITY, set by the plan). The standby pool and secret
 * files are shortcuts of the local engine only. The Azure SDK is loaded on ACI only.
 */
async function podBackend(config) {
    if (config.azure) {
        const [{ AciBackend }, { createAzureCredential }] = await Promise.all([
            Promise.all(/* import() */[__webpack_require__.e(112), __webpack_require__.e(312), __webpack_require__.e(869)]).then(__webpack_require__.bind(__webpack_require__, 43869)),
            Promise.all(/* import() */[__webpack_require__.e(112), __webpack_require__.e(738), __webpack_require__.e(989), __webpack_require__.e(14)]).then(__webpack_require__.bind(__webpack_require__, 72633)),
        ]);
        return new AciBackend({
            subscriptionId: config.azure.subscriptionId,
            resourceGroup: config.azure.podResourceGroup,
            endpoint: config.azure.armEndpoint,
            credential: createAzureCredential({}),
        });
    }
    return new docker/* DockerBackend */.P({
        socketPath: config.engineSocket,
        standby: { cluster: config.cluster, size: config.standbyPool, log },
        secretFiles: {
            group: (0,names/* controlPlaneGroupName */.Q9)(config.cluster),
            volume: names/* POD_FILES_VOLUME */.vQ,
            mountedAt: names/* POD_FILES_DIR */.uA,
        },
    });
}


/***/ }),

/***/ 67819:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   c: () => (/* binding */ KubeHttpError),
/* harmony export */   s: () => (/* binding */ kubeHttp)
/* harmony export */ });
/* harmony import */ var hpagent__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(99611);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(44708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(77030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(38815);




class KubeHttpError extends Error {
    status;
    name = 'KubeHttpError';
    constructor(message, 
    /** The HTTP status, when the server answered. */
    status) {
        super(message);
        this.status = status;
    }
}
const fromBase64 = (value) => value ? Buffer.from(value, 'base64').toString() : undefined;
const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * A client for the current context of a kubeconfig as `renderKubeconfig` writes it: embedded CA,
 * client certificate and key, optional `tls-server-name` and HTTP `proxy-url`.
 */
function kubeHttp(kubeconfig) {
    const config = (0,yaml__WEBPACK_IMPORTED_MODULE_3__/* .parse */ .qg)(kubeconfig);
    const context = config.contexts?.find((c) => c.name === config['current-context'])?.context;
    const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster;
    const user = config.users?.find((u) => u.name === context?.user)?.user;
    if (!cluster?.server || !user)
        throw new KubeHttpError('the kubeconfig has no current cluster and user');
    const server = new URL(cluster.server);
    const tls = {
        ca: fromBase64(cluster['certificate-authority-data']),
        cert: fromBase64(user['client-certificate-data']),
        key: fromBase64(user['client-key-data']),
        // SNI takes a name, never an address (Node warns); the certificate is still checked against the host.
        servername: cluster['tls-server-name'] ?? ((0,node_net__WEBPACK_IMPORTED_MODULE_2__.isIP)(server.hostname) ? undefined : server.hostname),
        keepAlive: true,
    };
    const agent = cluster['proxy-url']
        ? new hpagent__WEBPACK_IMPORTED_MODULE_0__/* .HttpsProxyAgent */ .bW({ ...tls, proxy: cluster['proxy-url'] })
        : new node_https__WEBPACK_IMPORTED_MODULE_1__.Agent(tls);
    const url = (path) => new URL(path, server);
    const call = (method, path, options = {}) => new Promise((resolve, reject) => {
        const body = options.body === undefined ? undefined : JSON.stringify(options.body);
        const req = (0,node_https__WEBPACK_IMPORTED_MODULE_1__.request)(url(path), {
            method,
            agent,
            timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            headers: {
                accept: 'application/json',
                ...(body
                    ? {
                        'content-type': options.contentType ?? 'application/json',
                        'content-length': Buffer.byteLength(body),
                    }
                    : {}),
            },
        }, (res) => {
            readBody(res).then((text) => {
                const status = res.statusCode ?? 0;
                if (status < 200 || status >= 300)
                    return reject(failure(text, status));
                try {
                    resolve((text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text));
                }
                catch (error) {
                    reject(new KubeHttpError(`unreadable answer to ${method} ${path}: ${error.message}`, status));
                }
            }, reject);
        });
        req.on('timeout', () => req.destroy(new KubeHttpError(`${method} ${path} timed out`)));
        req.on('error', (error) => reject(asKubeHttpError(error)));
        req.end(body);
    });
    const watch = (path, onEvent, onEnd) => new Promise((resolve, reject) => {
        const target = url(path);
        target.searchParams.set('watch', '1');
        let accepted = false;
        let ended = false;
        const end = (error) => {
            if (ended)
                return;
            ended = true;
            onEnd(error);
        };
        // No timeout: the server ends a watch itself (after its --min-request-timeout), and the
        // agent's TCP keep-alive notices a dead peer.
        const req = (0,node_https__WEBPACK_IMPORTED_MODULE_1__.request)(target, { method: 'GET', agent, headers: { accept: 'application/json' } }, (res) => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) {
                readBody(res).then((text) => reject(failure(text, status)), reject);
                return;
            }
            accepted = true;
            resolve(() => {
                ended = true;
                req.destroy();
            });
            let pending = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => {
                pending += chunk;
                let newline;
                while ((newline = pending.indexOf('\n')) >= 0) {
                    const line = pending.slice(0, newline).trim();
                    pending = pending.slice(newline + 1);
                    if (!line || ended)
                        continue;
                    let event;
                    try {
                        event = JSON.parse(line);
                    }
                    catch (error) {
                        end(new KubeHttpError(`unreadable watch event on ${path}: ${error.message}`));
                        req.destroy();
                        return;
                    }
                    onEvent(event.type, event.object);
                }
            });
            res.on('end', () => end());
            res.on('error', (error) => end(error));
            res.on('close', () => end());
        });
        // Before the server accepted the watch, a failure rejects; after, it ends the watch.
        req.on('error', (error) => (accepted ? end(error) : reject(asKubeHttpError(error))));
        req.end();
    });
    return {
        call,
        watch,
        close: () => agent.destroy(),
    };
}
function readBody(res) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
    });
}
/** A failed answer: a Kubernetes Status says why in its message, other answers in their first line. */
function failure(text, status) {
    let message = text.split('\n')[0] || `HTTP ${status}`;
    try {
        message = JSON.parse(text).message ?? message;
    }
    catch {
        // not JSON
    }
    return new KubeHttpError(message, status);
}
const asKubeHttpError = (error) => error instanceof KubeHttpError ? error : new KubeHttpError(error.message);


/***/ }),

/***/ 99611:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   bW: () => (/* binding */ HttpsProxyAgent),
/* harmony export */   sH: () => (/* binding */ HttpProxyAgent)
/* harmony export */ });
/* harmony import */ var _index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(99629);


/* unused harmony default export */ var __WEBPACK_DEFAULT_EXPORT__ = ((/* unused pure expression or super */ null && (mod)));
const HttpProxyAgent = _index_js__WEBPACK_IMPORTED_MODULE_0__.HttpProxyAgent
const HttpsProxyAgent = _index_js__WEBPACK_IMPORTED_MODULE_0__.HttpsProxyAgent


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
