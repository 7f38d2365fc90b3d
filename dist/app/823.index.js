export const id = 823;
export const ids = [823];
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

/***/ 73823:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  INITIAL_NAMESPACES: () => (/* binding */ INITIAL_NAMESPACES),
  ensureDefaultServiceAccounts: () => (/* binding */ ensureDefaultServiceAccounts),
  nodeProblem: () => (/* binding */ nodeProblem),
  readyPods: () => (/* binding */ readyPods),
  waitForCluster: () => (/* binding */ waitForCluster),
  waitForPods: () => (/* binding */ waitForPods)
});

// EXTERNAL MODULE: ./node_modules/hpagent/index.mjs
var hpagent = __webpack_require__(99611);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./src/core/kube-http.ts




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
    const config = (0,dist.parse)(kubeconfig);
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
        servername: cluster['tls-server-name'] ?? ((0,external_node_net_.isIP)(server.hostname) ? undefined : server.hostname),
        keepAlive: true,
    };
    const agent = cluster['proxy-url']
        ? new hpagent/* HttpsProxyAgent */.bW({ ...tls, proxy: cluster['proxy-url'] })
        : new external_node_https_.Agent(tls);
    const url = (path) => new URL(path, server);
    const call = (method, path, options = {}) => new Promise((resolve, reject) => {
        const body = options.body === undefined ? undefined : JSON.stringify(options.body);
        const req = (0,external_node_https_.request)(url(path), {
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
        const req = (0,external_node_https_.request)(target, { method: 'GET', agent, headers: { accept: 'application/json' } }, (res) => {
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

;// CONCATENATED MODULE: ./src/core/readiness.ts

/** Whether an API timestamp (whole seconds) is later than `since`. */
function isAfter(time, since) {
    if (!since)
        return true;
    if (!time)
        return false;
    return new Date(time).getTime() > Math.floor(since.getTime() / 1000) * 1000;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The fatal check asks the backend (an ARM read on ACI): not on every poll. */
const FATAL_CHECK_MS = 2000;
/**
 * The namespaces the API server creates itself. Each gets its `default` ServiceAccount from the
 * controller-manager only once all its controllers are built (about 8 s after the API answers on
 * 2 cores); until then no pod is admitted there. `up` creates them at once instead: the
 * controller accepts a ServiceAccount that already exists.
 */
const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const statusOf = (error) => error.status;
/** Creates the `default` ServiceAccount in every initial namespace that lacks one. */
async function ensureDefaultServiceAccounts(api) {
    const missing = await Promise.all(INITIAL_NAMESPACES.map(async (namespace) => {
        try {
            await api.call('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, {
                body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
            });
        }
        catch (error) {
            if (statusOf(error) === 409)
                return undefined; // made by the controller, or by an earlier up
            return `${namespace} (${statusOf(error) ?? error.message})`;
        }
        return undefined;
    }));
    const failed = missing.filter(Boolean);
    return failed.length ? `creating default service accounts in ${failed.join(', ')}` : undefined;
}
async function apiProblem(api) {
    try {
        await api.call('GET', '/readyz', { timeoutMs: 2000 });
        return undefined;
    }
    catch (error) {
        if (statusOf(error))
            return 'API server /readyz is not ok';
        return `API server not answering (${error.message})`;
    }
}
/** The controller-manager and scheduler, as the API server sees them (it probes both on localhost). */
async function componentsProblem(api) {
    try {
        const statuses = await api.call('GET', '/api/v1/componentstatuses');
        const unhealthy = statuses.items
            .filter((s) => !s.conditions?.some((c) => c.type === 'Healthy' && c.status === 'True'))
            .map((s) => s.metadata?.name ?? '?');
        return unhealthy.length ? `waiting for ${unhealthy.join(', ')}` : undefined;
    }
    catch (error) {
        return `component status not available (${error.message})`;
    }
}
/** Taints the node controller sets while a node is not Ready, and lifts once it is. */
const NODE_CONTROLLER_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
/** What keeps the virtual node from taking pods, or undefined when it is Ready and untainted. */
async function nodeProblem(api, node, freshSince) {
    try {
        const n = await api.call('GET', `/api/v1/nodes/${encodeURIComponent(node)}`);
        const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
        if (ready?.status !== 'True')
            return `node ${node} not Ready yet`;
        if (!isAfter(ready.lastHeartbeatTime, freshSince))
            return `waiting for node ${node} to register again`;
        const taint = n.spec?.taints?.find((t) => NODE_CONTROLLER_TAINTS.has(t.key));
        return taint ? `node ${node} still has the ${taint.key} taint` : undefined;
    }
    catch {
        return `waiting for node ${node} to register`;
    }
}
/** A pod as a user's first `kubectl run` makes it, for a server-side dry run. */
const PROBE_POD = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'frankenetes-admission-check' },
    spec: { containers: [{ name: 'check', image: 'localhost/frankenetes/pause:1' }] },
};
/**
 * Whether a pod created now would be admitted: a server-side dry run through every admission
 * plugin (the ServiceAccount plugin refuses pods until `default` exists), persisting nothing.
 */
async function admissionProblem(api) {
    try {
        await api.call('POST', '/api/v1/namespaces/default/pods?dryRun=All', { body: PROBE_POD });
        return undefined;
    }
    catch (error) {
        return `a new pod would not be admitted yet (${error.message.split('\n')[0]})`;
    }
}
/**
 * Polls until the cluster takes work; throws with the last problem on timeout. Ready means: /readyz
 * is ok, the controller-manager and scheduler are healthy, the node is Ready and schedulable, and a
 * pod created now is admitted. Once the API answers, `up` creates the default ServiceAccounts
 * itself (see INITIAL_NAMESPACES), and the remaining checks run side by side.
 */
async function waitForCluster(kubeconfig, options) {
    const api = kubeHttp(kubeconfig);
    try {
        await pollUntilReady(api, options);
    }
    finally {
        api.close();
    }
}
async function pollUntilReady(api, options) {
    const timeoutMs = options.timeoutMs ?? 180_000;
    const deadline = Date.now() + timeoutMs;
    let accountsMade = false;
    let fatalCheckedAt = 0;
    let last = 'not checked';
    while (Date.now() < deadline) {
        let problem = await apiProblem(api);
        if (!problem && !accountsMade) {
            problem = await ensureDefaultServiceAccounts(api);
            accountsMade = !problem;
        }
        if (!problem) {
            const found = await Promise.all([
                componentsProblem(api),
                nodeProblem(api, options.node, options.freshSince),
            ]);
            problem = found.find(Boolean) ?? (await admissionProblem(api));
        }
        if (!problem)
            return;
        if (options.fatal && Date.now() - fatalCheckedAt >= FATAL_CHECK_MS) {
            fatalCheckedAt = Date.now();
            const fatal = await options.fatal();
            if (fatal)
                throw new Error(`cluster cannot become ready: ${fatal}`);
        }
        if (problem !== last)
            options.progress?.(problem);
        last = problem;
        await sleep(options.intervalMs ?? 100);
    }
    throw new Error(`cluster not ready after ${Math.round(timeoutMs / 1000)} s: ${last}`);
}
/** Ready, and (with freshSince) with every container started since: ready again, not as restored. */
const isReady = (pod, freshSince) => (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false) &&
    (!freshSince ||
        (pod.status?.containerStatuses ?? []).every((c) => isAfter(c.state?.running?.startedAt, freshSince)));
const podKey = (pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;
/** The pods that are Ready now, as `namespace/name`, sorted (pause records them with its snapshot). */
async function readyPods(kubeconfig) {
    const api = kubeHttp(kubeconfig);
    try {
        const list = await api.call('GET', '/api/v1/pods');
        return list.items
            .filter((pod) => isReady(pod))
            .map(podKey)
            .sort();
    }
    finally {
        api.close();
    }
}
/**
 * Polls until every listed pod (`namespace/name`) exists and is Ready (since `freshSince`);
 * throws naming those that are not on timeout. Resume waits so for the pods that were Ready
 * before the pause.
 */
async function waitForPods(kubeconfig, pods, options) {
    if (!pods.length)
        return;
    const api = kubeHttp(kubeconfig);
    try {
        await pollUntilPodsReady(api, pods, options);
    }
    finally {
        api.close();
    }
}
async function pollUntilPodsReady(api, pods, options) {
    const timeoutMs = options.timeoutMs ?? 180_000;
    const deadline = Date.now() + timeoutMs;
    let last = '';
    let waiting = pods;
    while (Date.now() < deadline) {
        try {
            const items = (await api.call('GET', '/api/v1/pods')).items;
            const ready = new Set(items.filter((pod) => isReady(pod, options.freshSince)).map(podKey));
            waiting = pods.filter((p) => !ready.has(p));
        }
        catch (error) {
            waiting = pods;
            last = `pods not listed (${error.message})`;
        }
        if (!waiting.length)
            return;
        const problem = `${waiting.length} of ${pods.length} pods not Ready again (${waiting.slice(0, 3).join(', ')}${waiting.length > 3 ? ', …' : ''})`;
        if (problem !== last)
            options.progress?.(problem);
        last = problem;
        await sleep(options.intervalMs ?? 250);
    }
    throw new Error(`pods not Ready again after ${Math.round(timeoutMs / 1000)} s: ${waiting.join(', ')}`);
}


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


/***/ })

};
