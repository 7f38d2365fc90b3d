export const id = 43;
export const ids = [43];
export const modules = {

/***/ 57043:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  AGENT_VERSION: () => (/* binding */ AGENT_VERSION),
  runAgent: () => (/* binding */ runAgent)
});

// EXTERNAL MODULE: ./src/core/backends/aci.ts + 3 modules
var aci = __webpack_require__(43869);
// EXTERNAL MODULE: ./src/core/backends/docker.ts + 1 modules
var docker = __webpack_require__(23880);
// EXTERNAL MODULE: ./src/core/credentials.ts + 158 modules
var credentials = __webpack_require__(48919);
// EXTERNAL MODULE: ./src/core/names.ts
var names = __webpack_require__(22483);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./node_modules/@kubernetes/client-node/dist/index.js + 805 modules
var dist = __webpack_require__(54852);
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
function leaseObject(node, now) {
    return {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: node, namespace: 'kube-node-lease' },
        spec: {
            holderIdentity: node,
            leaseDurationSeconds: LEASE_SECONDS,
            // MicroTime needs exactly six fractional digits on the wire.
            renewTime: new dist/* V1MicroTime */.Nun(now.getTime()),
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

// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
;// CONCATENATED MODULE: ./src/agent/kube.ts


/**
 * A raw JSON request with the agent's credentials. Needed where @kubernetes/client-node would drop
 * fields it does not know yet (node.status.declaredFeatures).
 */
async function rawRequest(kc, method, path, body, contentType = 'application/json') {
    const server = new URL(kc.getCurrentCluster()?.server ?? '');
    const options = {
        method,
        host: server.hostname,
        port: server.port,
        path,
        headers: { 'Content-Type': contentType, Accept: 'application/json' },
    };
    await kc.applyToHTTPSOptions(options);
    return new Promise((resolve, reject) => {
        const req = (0,external_node_https_.request)(options, (res) => {
            let data = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => (data += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        });
        req.on('error', reject);
        req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
        req.end(body === undefined ? undefined : JSON.stringify(body));
    });
}
function loadKubeConfig(path) {
    const kc = new dist/* KubeConfig */.ypW();
    kc.loadFromFile(path);
    return kc;
}
/** HTTP status of a client-node error, if any. */
function statusOf(error) {
    const e = error;
    return e.code ?? e.statusCode ?? e.response?.statusCode;
}

// EXTERNAL MODULE: ./node_modules/ws/wrapper.mjs
var wrapper = __webpack_require__(52977);
// EXTERNAL MODULE: ./src/core/backend.ts
var core_backend = __webpack_require__(96667);
// EXTERNAL MODULE: ./src/core/local-pod.ts
var local_pod = __webpack_require__(81370);
;// CONCATENATED MODULE: ./src/core/pods.ts


/**
 * The address pods see as their node's (status.hostIP and the downward API's `status.hostIP`): a
 * Frankenetes node is virtual, its only address is the agent's loopback, where the kubelet API listens.
 */
const POD_HOST_IP = '127.0.0.1';
/** Published by kube-controller-manager in every namespace; read by the default service-account volume. */
const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const GiB = 2 ** 30;
/** The DNS domain of every cluster (the kubelet's clusterDomain, and the API server's service names). */
const CLUSTER_DOMAIN = 'cluster.local';
/** A pod the node cannot run as given; `reason` ends up in the pod's status / events. */
class PodError extends Error {
    reason;
    where;
    constructor(reason, message, where = {}) {
        super(message);
        this.reason = reason;
        this.where = where;
    }
}
const notSupported = (what) => `${what} is not supported by Frankenetes nodes`;
const notSupportedOnAci = (what, why) => `${what} is not supported by Frankenetes nodes on ACI (${why})`;
const unsupported = (what) => new PodError('UnsupportedPodSpec', notSupported(what));
const configError = (message) => new PodError('CreateContainerConfigError', message);
const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');
const fromB64 = (text) => Buffer.from(text, 'base64').toString('utf8');
/** Drops undefined properties, so results compare and snapshot cleanly. */
function defined(value) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
function sortedKeys(record) {
    return Object.keys(record ?? {}).sort();
}
/** Go's `%s` of a []string, as in the kubelet's condition messages: `[a b]`. */
const goList = (names) => `[${names.join(' ')}]`;
// ---------------------------------------------------------------------------------------------
// Names
/** The container group of a pod. Collisions between e.g. ns "a-b"/pod "c" and ns "a"/pod "b-c" are told apart by TAG.uid. */
function podGroupName(cluster, namespace, pod) {
    return (0,names/* shortenName */.ty)(`${cluster}-${namespace}-${pod}`);
}
function namespaceOf(pod) {
    return pod.metadata?.namespace || 'default';
}
function podId(pod) {
    return `${namespaceOf(pod)}/${pod.metadata?.name ?? ''}`;
}
// ---------------------------------------------------------------------------------------------
// Quantities
const BINARY_SI = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};
const DECIMAL_SI = {
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
};
/**
 * A Kubernetes quantity in base units (cores, bytes): "100m" → 0.1, "128Mi" → 134217728,
 * "1e3" → 1000, "500M" → 5e8. Throws on anything else (the API server validates, so that is rare).
 */
function parseQuantity(quantity) {
    const text = String(quantity).trim();
    const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/.exec(text);
    if (!match)
        throw new PodError('UnsupportedPodSpec', `invalid quantity "${text}"`);
    const number = Number(match[1]);
    const suffix = match[2] ?? '';
    if (!suffix)
        return number;
    if (suffix in BINARY_SI)
        return number * (BINARY_SI[suffix] ?? 1);
    if (/^[eE][+-]?\d+$/.test(suffix))
        return number * 10 ** Number(suffix.slice(1));
    return number * (DECIMAL_SI[suffix] ?? 1);
}
/** Rounds up to 1/steps (with a little slack for binary floating point: 0.1 * 100 is 10.000000000000002). */
function roundUp(value, steps) {
    return Math.ceil(value * steps - 1e-9) / steps;
}
/** ACI CPU: cores, rounded up to 0.01, at least 0.01 (so "1m" still asks for something). */
function aciCpu(cores) {
    return Math.max(0.01, roundUp(cores, 100));
}
/**
 * ACI memory: GB of 2^30 bytes, rounded up to 0.1 (ACI's granularity), at least 0.1. Rounding up so
 * a container never gets less than it asked for: "128Mi" → 0.2, "500M" → 0.5, "1Gi" → 1.
 */
function aciMemoryInGB(bytes) {
    return Math.max(0.1, roundUp(bytes / GiB, 10));
}
const SUPPORTED_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
/**
 * A container's CPU (cores) and memory (bytes) as Kubernetes defaults them: a missing request takes
 * the limit, then the node's default. ephemeral-storage is accepted and not enforced (ACI has no
 * such setting; it only matters to scheduling and eviction).
 */
function effectiveResources(c, env) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    const q = (v) => (v === undefined ? undefined : parseQuantity(v));
    const cpuLimit = q(limits.cpu);
    const memoryLimit = q(limits.memory);
    return {
        cpu: { request: q(requests.cpu) ?? cpuLimit ?? env.defaults.cpu, limit: cpuLimit },
        memory: {
            request: q(requests.memory) ?? memoryLimit ?? env.defaults.memoryInGB * GiB,
            limit: memoryLimit,
        },
    };
}
function aciResources(e) {
    const requests = { cpu: aciCpu(e.cpu.request), memoryInGB: aciMemoryInGB(e.memory.request) };
    const limits = defined({
        cpu: e.cpu.limit === undefined ? undefined : aciCpu(e.cpu.limit),
        memoryInGB: e.memory.limit === undefined ? undefined : aciMemoryInGB(e.memory.limit),
    });
    return Object.keys(limits).length ? { requests, limits } : { requests };
}
const RESOURCE_FIELDS = new Set([
    'requests.cpu',
    'limits.cpu',
    'requests.memory',
    'limits.memory',
    'requests.ephemeral-storage',
    'limits.ephemeral-storage',
]);
/**
 * The downward API's resourceFieldRef, as the kubelet computes it (pkg/api/v1/resource
 * ExtractContainerResourceValue): ceil(value / divisor). A missing request is the limit, as the API
 * server defaults it, else 0; a missing limit is the node's allocatable (the kubelet's
 * defaultPodLimitsForDownwardAPI), 0 for what the node does not advertise.
 */
function resourceFieldValue(pod, sel, container, env) {
    const name = sel.containerName || container;
    const c = allContainers(pod).find((x) => x.name === name);
    if (!c)
        throw configError(`resourceFieldRef ${sel.resource} refers to unknown container "${name ?? ''}"`);
    // The API server defaults the divisor to 0, which means 1 (as in the kubelet).
    const divisor = sel.divisor === undefined ? 1 : parseQuantity(sel.divisor) || 1;
    if (!(divisor > 0))
        throw configError(`resourceFieldRef ${sel.resource} has an invalid divisor "${sel.divisor ?? ''}"`);
    const [kind, resource] = sel.resource.split('.', 2);
    const given = (list) => list?.[resource] === undefined ? undefined : parseQuantity(list[resource]);
    const limit = given(c.resources?.limits);
    const allocatable = {
        cpu: env.allocatable.cpu,
        memory: env.allocatable.memory,
        'ephemeral-storage': env.allocatable.ephemeralStorage,
    }[resource];
    const value = kind === 'requests' ? (given(c.resources?.requests) ?? limit ?? 0) : (limit ?? allocatable ?? 0);
    if (resource === 'cpu') {
        const milli = (cores) => Math.ceil(cores * 1000 - 1e-9);
        return String(Math.ceil(milli(value) / milli(divisor)));
    }
    return String(Math.ceil(Math.ceil(value) / divisor - 1e-9));
}
function allContainers(pod) {
    return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}
function containersWithKind(pod) {
    return [
        ...(pod.spec?.initContainers ?? []).map((c) => ['init container', c]),
        ...(pod.spec?.containers ?? []).map((c) => ['container', c]),
    ];
}
const SUPPORTED_VOLUMES = new Set(['emptyDir', 'secret', 'configMap', 'projected', 'downwardAPI']);
const PROJECTED_SOURCES = new Set(['serviceAccountToken', 'configMap', 'secret', 'downwardAPI']);
const FIELD_PATHS = new Set([
    'metadata.name',
    'metadata.namespace',
    'metadata.uid',
    'metadata.labels',
    'metadata.annotations',
    'spec.nodeName',
    'spec.serviceAccountName',
    'status.hostIP',
    'status.hostIPs',
    'status.podIP',
    'status.podIPs',
]);
const SUBSCRIPTED_FIELD = /^metadata\.(labels|annotations)\[(['"])(.*)\2\]$/;
const WHOLE_MAPS = /^metadata\.(labels|annotations)$/;
function isSupportedFieldPath(path) {
    return FIELD_PATHS.has(path) || SUBSCRIPTED_FIELD.test(path);
}
/** The volume source of a pod volume: the one set field besides `name`. */
function volumeType(v) {
    return (Object.keys(v).find((k) => k !== 'name' && v[k] != null) ??
        'unknown');
}
function itemsProblem(items, where) {
    for (const item of items ?? []) {
        if ('fieldRef' in item && item.fieldRef && !isSupportedFieldPath(item.fieldRef.fieldPath)) {
            return notSupported(`${where}: fieldRef "${item.fieldRef.fieldPath}"`);
        }
        if ('resourceFieldRef' in item &&
            item.resourceFieldRef &&
            !RESOURCE_FIELDS.has(item.resourceFieldRef.resource)) {
            return notSupported(`${where}: resourceFieldRef "${item.resourceFieldRef.resource}"`);
        }
    }
    return undefined;
}
function volumeProblem(v) {
    const type = volumeType(v);
    if (!SUPPORTED_VOLUMES.has(type))
        return notSupported(`${type} volume "${v.name}"`);
    const where = `${type} volume "${v.name}"`;
    if (v.secret)
        return itemsProblem(v.secret.items, where);
    if (v.configMap)
        return itemsProblem(v.configMap.items, where);
    if (v.downwardAPI)
        return itemsProblem(v.downwardAPI.items, where);
    for (const source of v.projected?.sources ?? []) {
        const kind = Object.keys(source).find((k) => source[k] != null) ?? 'unknown';
        if (!PROJECTED_SOURCES.has(kind))
            return notSupported(`${kind} source of projected volume "${v.name}"`);
        const token = source.serviceAccountToken;
        if (token?.audience) {
            // The agent gets one token with the API server's audiences; handing it to a pod that asked for
            // another audience would be silently wrong.
            return notSupported(`projected volume "${v.name}": a serviceAccountToken for audience "${token.audience}"`);
        }
        const p = itemsProblem(source.configMap?.items, where) ||
            itemsProblem(source.secret?.items, where) ||
            itemsProblem(source.downwardAPI?.items, where);
        if (p)
            return p;
    }
    return undefined;
}
function profileProblem(profile, what, where) {
    // RuntimeDefault is what the engine applies anyway; Localhost and Unconfined cannot be honoured.
    if (profile && profile.type !== 'RuntimeDefault')
        return notSupported(`${what} ${profile.type} ${where}`);
    return undefined;
}
function probeProblem(probe, name, where) {
    if (!probe)
        return undefined;
    if (probe.tcpSocket)
        return notSupported(`tcpSocket ${name} ${where}`);
    if (probe.grpc)
        return notSupported(`grpc ${name} ${where}`);
    if (probe.httpGet?.host)
        return notSupported(`httpGet.host in the ${name} ${where}`);
    if (!probe.exec && !probe.httpGet)
        return notSupported(`${name} without exec or httpGet ${where}`);
    return undefined;
}
/** postStart / preStop: exec, httpGet and sleep, run by the agent (src/agent/lifecycle.ts). */
function hookProblem(handler, name, where) {
    if (!handler)
        return undefined;
    // The API keeps tcpSocket for compatibility only; a kubelet fails such a hook at run time.
    if (handler.tcpSocket)
        return notSupported(`a tcpSocket ${name} hook ${where}`);
    // The agent shares the control plane's network namespace: it only calls the pod's own address.
    if (handler.httpGet?.host)
        return notSupported(`httpGet.host in the ${name} hook ${where}`);
    if (!handler.exec && !handler.httpGet && !handler.sleep)
        return notSupported(`a ${name} hook without exec, httpGet or sleep ${where}`);
    return undefined;
}
function containerProblem(c, kind) {
    const where = `of ${kind} "${c.name}"`;
    const sc = c.securityContext;
    if (sc?.privileged)
        return notSupported(`securityContext.privileged ${where}`);
    if (sc?.capabilities?.add?.length) {
        return notSupported(`securityContext.capabilities.add (${sc.capabilities.add.join(', ')}) ${where}`);
    }
    if (sc?.procMount && sc.procMount !== 'Default')
        return notSupported(`procMount ${sc.procMount} ${where}`);
    const profile = profileProblem(sc?.seccompProfile, 'seccompProfile', where) ||
        profileProblem(sc?.appArmorProfile, 'appArmorProfile', where);
    if (profile)
        return profile;
    if (c.startupProbe)
        return notSupported(`startupProbe ${where}`);
    const probe = probeProblem(c.livenessProbe, 'livenessProbe', where) ||
        probeProblem(c.readinessProbe, 'readinessProbe', where);
    if (probe)
        return probe;
    const hook = hookProblem(c.lifecycle?.postStart, 'postStart', where) ||
        hookProblem(c.lifecycle?.preStop, 'preStop', where);
    if (hook)
        return hook;
    if (c.lifecycle?.stopSignal)
        return notSupported(`lifecycle.stopSignal ${where}`);
    if (c.restartPolicy)
        return notSupported(`restartPolicy ${c.restartPolicy} ${where} (sidecar containers)`);
    if (c.stdin || c.tty)
        return notSupported(`stdin/tty ${where}`);
    if (c.volumeDevices?.length)
        return notSupported(`volumeDevices ${where}`);
    for (const p of c.ports ?? []) {
        const protocol = (p.protocol ?? 'TCP').toUpperCase();
        if (protocol !== 'TCP' && protocol !== 'UDP')
            return notSupported(`${protocol} port ${p.containerPort} ${where}`);
        if (p.hostIP)
            return notSupported(`hostIP ${p.hostIP} on port ${p.containerPort} ${where}`);
    }
    for (const m of c.volumeMounts ?? []) {
        const mount = `volumeMount "${m.name}" ${where}`;
        if (m.mountPropagation && m.mountPropagation !== 'None')
            return notSupported(`mountPropagation ${m.mountPropagation} in ${mount}`);
        if (m.recursiveReadOnly === 'Enabled')
            return notSupported(`recursiveReadOnly in ${mount}`);
    }
    for (const name of [
        ...Object.keys(c.resources?.requests ?? {}),
        ...Object.keys(c.resources?.limits ?? {}),
    ]) {
        if (!SUPPORTED_RESOURCES.has(name))
            return notSupported(`resource "${name}" ${where}`);
    }
    if (c.resources?.claims?.length)
        return notSupported(`resources.claims ${where}`);
    for (const e of c.env ?? []) {
        const field = e.valueFrom?.fieldRef?.fieldPath;
        // Whole label / annotation maps are for files only.
        if (field !== undefined && (!isSupportedFieldPath(field) || WHOLE_MAPS.test(field))) {
            return notSupported(`fieldRef "${field}" in env ${e.name} ${where}`);
        }
        const resource = e.valueFrom?.resourceFieldRef?.resource;
        if (resource !== undefined && !RESOURCE_FIELDS.has(resource)) {
            return notSupported(`resourceFieldRef "${resource}" in env ${e.name} ${where}`);
        }
    }
    return undefined;
}
const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log';
/** Every item of a volume that lands in a file, with the mode it asks for. */
function volumeItems(v) {
    const sources = [
        v.secret,
        v.configMap,
        v.downwardAPI,
        ...(v.projected?.sources ?? []).flatMap((s) => [s.secret, s.configMap, s.downwardAPI]),
    ];
    return sources.flatMap((s) => s?.items ?? []);
}
/**
 * What ACI's container groups cannot express, though a local engine can: ACI mounts whole volumes
 * (no subPath, no single files), keeps secret volumes flat with fixed modes, has no working
 * directory, hostname or hosts-file setting, no way to read a file of a stopped container, and
 * assigns the group's address only once its containers' environment is fixed.
 */
function aciProblem(pod) {
    const spec = pod.spec ?? { containers: [] };
    if (spec.hostname)
        return notSupportedOnAci('spec.hostname', "ACI names the group's host itself");
    if (spec.subdomain)
        return notSupportedOnAci('spec.subdomain', 'ACI keeps its own /etc/hosts');
    if (spec.hostAliases?.length)
        return notSupportedOnAci('hostAliases', 'ACI keeps its own /etc/hosts');
    for (const v of spec.volumes ?? []) {
        for (const item of volumeItems(v)) {
            if (item.path.includes('/'))
                return notSupportedOnAci(`path "${item.path}" in volume "${v.name}"`, 'its secret volumes are flat');
        }
        const modes = [
            v.secret?.defaultMode,
            v.configMap?.defaultMode,
            v.downwardAPI?.defaultMode,
            v.projected?.defaultMode,
            ...volumeItems(v).map((i) => i.mode),
        ];
        const executable = modes.find((m) => m !== undefined && (m & 0o111) !== 0);
        if (executable !== undefined) {
            return notSupportedOnAci(`file mode ${octal(executable)} in volume "${v.name}"`, 'its volume files cannot be made executable');
        }
    }
    for (const [kind, c] of containersWithKind(pod)) {
        const where = `of ${kind} "${c.name}"`;
        if (c.workingDir)
            return notSupportedOnAci(`workingDir ${where}`, 'its containers have no such setting');
        for (const m of c.volumeMounts ?? []) {
            if (m.subPath || m.subPathExpr)
                return notSupportedOnAci(`subPath in volumeMount "${m.name}" ${where}`, 'ACI mounts whole volumes');
        }
        const path = c.terminationMessagePath;
        if (path && path !== DEFAULT_TERMINATION_MESSAGE_PATH)
            return notSupportedOnAci(`terminationMessagePath ${path} ${where}`, 'files of a stopped container cannot be read');
        for (const e of c.env ?? []) {
            const field = e.valueFrom?.fieldRef?.fieldPath;
            if (field === 'status.podIP' || field === 'status.podIPs')
                return notSupportedOnAci(`fieldRef "${field}" in env ${e.name} ${where}`, 'the group gets its address after its environment is fixed');
        }
    }
    return undefined;
}
const octal = (mode) => `0${mode.toString(8)}`;
/**
 * The first thing in a pod that a Frankenetes node cannot do, as a sentence; undefined when none.
 * Checked before anything is looked up, so a pod that can never run says so at once. `backend` adds
 * what only a local engine can do (see aciProblem).
 *
 * Accepted though not enforced (they only harden, or only matter to scheduling): readOnlyRootFilesystem,
 * runAsNonRoot without runAsUser (the image's user is not inspected here), seLinuxOptions, emptyDir
 * medium/sizeLimit, ephemeral-storage, imagePullPolicy, imagePullSecrets (see podReferences),
 * activeDeadlineSeconds, dnsPolicy.
 */
function unsupportedFeature(pod, backend = 'docker') {
    const spec = pod.spec;
    if (!spec)
        return notSupported('a pod without spec');
    if (spec.hostNetwork)
        return notSupported('hostNetwork');
    if (spec.hostPID)
        return notSupported('hostPID');
    if (spec.hostIPC)
        return notSupported('hostIPC');
    if (spec.hostUsers === false)
        return notSupported('hostUsers: false (user namespaces)');
    if (spec.shareProcessNamespace)
        return notSupported('shareProcessNamespace');
    if (spec.ephemeralContainers?.length)
        return notSupported('ephemeral containers');
    if (spec.dnsConfig)
        return notSupported('dnsConfig');
    if (spec.os?.name && spec.os.name !== 'linux')
        return notSupported(`os ${spec.os.name}`);
    if (spec.runtimeClassName)
        return notSupported(`runtimeClassName ${spec.runtimeClassName}`);
    if (spec.resourceClaims?.length)
        return notSupported('resourceClaims');
    if (spec.resources)
        return notSupported('pod-level resources');
    const psc = spec.securityContext;
    if (psc?.sysctls?.length)
        return notSupported('sysctls');
    const profile = profileProblem(psc?.seccompProfile, 'seccompProfile', 'of the pod') ||
        profileProblem(psc?.appArmorProfile, 'appArmorProfile', 'of the pod');
    if (profile)
        return profile;
    for (const v of spec.volumes ?? []) {
        const p = volumeProblem(v);
        if (p)
            return p;
    }
    for (const [kind, c] of containersWithKind(pod)) {
        const p = containerProblem(c, kind);
        if (p)
            return p;
    }
    return backend === 'aci' ? aciProblem(pod) : undefined;
}
// ---------------------------------------------------------------------------------------------
// Objects the pod refers to
/** ConfigMaps and Secrets as the translation sees them; kube-root-ca.crt falls back to the cluster CA. */
class Lookups {
    pod;
    env;
    constructor(pod, env) {
        this.pod = pod;
        this.env = env;
    }
    configMap(name) {
        const found = this.env.configMaps[name];
        if (found)
            return found;
        // Published asynchronously by kube-controller-manager: a pod created right after its namespace
        // may come before it. The content is the cluster CA, which the node knows.
        if (name === ROOT_CA_CONFIGMAP)
            return { data: { 'ca.crt': this.env.caCert } };
        return undefined;
    }
    secret(name) {
        return this.env.secrets[name];
    }
    /** The value of `key`, or undefined when optional and missing; throws as the kubelet does otherwise. */
    key(kind, name, key, optional) {
        const ns = namespaceOf(this.pod);
        if (kind === 'ConfigMap') {
            const cm = this.configMap(name);
            if (!cm) {
                if (optional)
                    return undefined;
                throw configError(`configmap "${name}" not found`);
            }
            const value = cm.data?.[key]; // binaryData is for files only, as on a kubelet
            if (value === undefined && !optional)
                throw configError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
            return value;
        }
        const secret = this.secret(name);
        if (!secret) {
            if (optional)
                return undefined;
            throw configError(`secret "${name}" not found`);
        }
        const value = secret.data?.[key];
        if (value === undefined && !optional)
            throw configError(`couldn't find key ${key} in Secret ${ns}/${name}`);
        return value === undefined ? undefined : fromB64(value);
    }
}
/** Every key of a ConfigMap / Secret as file content (base64), or undefined when the object is missing. */
function objectFiles(lookups, kind, name) {
    const files = new Map();
    if (kind === 'ConfigMap') {
        const cm = lookups.configMap(name);
        if (!cm)
            return undefined;
        for (const key of sortedKeys(cm.data))
            files.set(key, b64(cm.data?.[key] ?? ''));
        for (const key of sortedKeys(cm.binaryData))
            files.set(key, cm.binaryData?.[key] ?? '');
        return files;
    }
    const secret = lookups.secret(name);
    if (!secret)
        return undefined;
    for (const key of sortedKeys(secret.data))
        files.set(key, secret.data?.[key] ?? '');
    return files;
}
const DEFAULT_FILE_MODE = 0o644;
/** Why a volume cannot be set up: the kubelet's FailedMount wording. */
const mountError = (volume, message) => new PodError('FailedMount', `MountVolume.SetUp failed for volume "${volume}" : ${message}`, { volume });
/** Adds a ConfigMap's / Secret's keys (all, or `items` key → path) to a volume's files. */
function projectObject(lookups, volume, kind, source, defaultMode, out) {
    const name = source.name ?? '';
    const all = objectFiles(lookups, kind, name);
    if (!all) {
        if (source.optional)
            return; // an optional object that does not exist: an empty volume, as on a kubelet
        throw mountError(volume, `${kind.toLowerCase()} "${name}" not found`);
    }
    if (!source.items?.length) {
        for (const [key, content] of all) {
            out.files[key] = content;
            out.modes[key] = defaultMode;
        }
        return;
    }
    for (const item of source.items) {
        const content = all.get(item.key);
        if (content === undefined) {
            if (source.optional)
                continue;
            throw mountError(volume, kind === 'ConfigMap'
                ? `configmap references non-existent config key: ${item.key}`
                : `references non-existent secret key: ${item.key}`);
        }
        out.files[item.path] = content;
        out.modes[item.path] = item.mode ?? defaultMode;
    }
}
/** The downward API's `key="value"` lines (sorted, like the kubelet's fieldpath.FormatMap). */
function formatMap(map) {
    return sortedKeys(map)
        .map((k) => `${k}=${JSON.stringify(map?.[k] ?? '')}`)
        .join('\n');
}
/**
 * A downward-API field of the pod. status.podIP is POD_IP_PLACEHOLDER: the address exists only once
 * the group has its sandbox, after this translation; the local backend puts it in before creating
 * containers (ACI assigns it at creation, after the environment is fixed: refused there).
 * status.hostIP is POD_HOST_IP, what the node reports as its address.
 */
function fieldValue(pod, path, env) {
    const meta = pod.metadata ?? {};
    switch (path) {
        case 'metadata.name':
            return meta.name ?? '';
        case 'metadata.namespace':
            return namespaceOf(pod);
        case 'metadata.uid':
            return meta.uid ?? '';
        case 'metadata.labels':
            return formatMap(meta.labels);
        case 'metadata.annotations':
            return formatMap(meta.annotations);
        case 'spec.nodeName':
            return pod.spec?.nodeName ?? env.node;
        case 'spec.serviceAccountName':
            return pod.spec?.serviceAccountName ?? '';
        case 'status.hostIP':
        case 'status.hostIPs':
            return POD_HOST_IP;
        case 'status.podIP':
        case 'status.podIPs':
            return env.backend === 'aci' ? '' : local_pod/* POD_IP_PLACEHOLDER */.gi;
    }
    const m = SUBSCRIPTED_FIELD.exec(path);
    if (m) {
        const map = m[1] === 'labels' ? meta.labels : meta.annotations;
        return map?.[m[3] ?? ''] ?? '';
    }
    throw unsupported(`fieldRef "${path}"`);
}
// ---------------------------------------------------------------------------------------------
// Volumes
/** Kubernetes mounts these read-only, ACI too. */
function isFileVolume(v) {
    return Boolean(v.secret || v.configMap || v.projected || v.downwardAPI);
}
function downwardFiles(lookups, items, defaultMode, out) {
    for (const item of items ?? []) {
        let value;
        if (item.fieldRef)
            value = fieldValue(lookups.pod, item.fieldRef.fieldPath, lookups.env);
        else if (item.resourceFieldRef)
            value = resourceFieldValue(lookups.pod, item.resourceFieldRef, undefined, lookups.env);
        if (value === undefined)
            continue;
        out.files[item.path] = b64(value);
        out.modes[item.path] = item.mode ?? defaultMode;
    }
}
/**
 * A pod volume as an ACI volume: emptyDir stays emptyDir; secret, configMap (ACI has no such volume),
 * projected and downwardAPI volumes become secret volumes (file name → base64 content, keys sorted so
 * equal inputs give equal groups), with the modes their files ask for.
 */
function toVolume(v, lookups) {
    if (v.emptyDir)
        return { volume: { name: v.name, emptyDir: {} }, modes: {} };
    const out = { files: {}, modes: {} };
    if (v.secret) {
        const { secretName, items, optional, defaultMode } = v.secret;
        projectObject(lookups, v.name, 'Secret', { name: secretName, items, optional }, defaultMode ?? DEFAULT_FILE_MODE, out);
    }
    else if (v.configMap) {
        projectObject(lookups, v.name, 'ConfigMap', v.configMap, v.configMap.defaultMode ?? DEFAULT_FILE_MODE, out);
    }
    else if (v.downwardAPI) {
        downwardFiles(lookups, v.downwardAPI.items, v.downwardAPI.defaultMode ?? DEFAULT_FILE_MODE, out);
    }
    else if (v.projected) {
        const mode = v.projected.defaultMode ?? DEFAULT_FILE_MODE;
        for (const source of v.projected.sources ?? []) {
            if (source.serviceAccountToken) {
                const token = lookups.env.serviceAccountToken;
                if (!token)
                    throw mountError(v.name, 'failed to fetch token: no service account token was issued');
                out.files[source.serviceAccountToken.path] = b64(token);
                out.modes[source.serviceAccountToken.path] = mode;
            }
            else if (source.configMap) {
                projectObject(lookups, v.name, 'ConfigMap', source.configMap, mode, out);
            }
            else if (source.secret) {
                projectObject(lookups, v.name, 'Secret', source.secret, mode, out);
            }
            else if (source.downwardAPI) {
                downwardFiles(lookups, source.downwardAPI.items, mode, out);
            }
        }
    }
    else {
        throw unsupported(`${volumeType(v)} volume "${v.name}"`);
    }
    const fsGroup = lookups.pod.spec?.securityContext?.fsGroup;
    const modes = {};
    for (const path of sortedKeys(out.files)) {
        // With an fsGroup the kubelet makes the files group-readable (SetVolumeOwnership's read-only mask).
        const mode = (out.modes[path] ?? DEFAULT_FILE_MODE) | (fsGroup === undefined ? 0 : 0o440);
        if (mode !== DEFAULT_FILE_MODE)
            modes[path] = mode;
    }
    const secret = Object.fromEntries(sortedKeys(out.files).map((k) => [k, out.files[k] ?? '']));
    return { volume: { name: v.name, secret }, modes };
}
// ---------------------------------------------------------------------------------------------
// Environment
/**
 * Kubernetes' `$(VAR)` expansion (k8s.io/kubernetes third_party/forked/golang/expansion): `$$` is a
 * literal `$`, an unknown or unterminated reference stays as written.
 */
function expandVars(input, lookup) {
    let out = '';
    let i = 0;
    while (i < input.length) {
        const ch = input[i];
        if (ch !== '$' || i + 1 >= input.length) {
            out += ch;
            i += 1;
            continue;
        }
        const next = input[i + 1];
        if (next === '$') {
            out += '$';
            i += 2;
        }
        else if (next === '(') {
            const close = input.indexOf(')', i + 2);
            if (close < 0) {
                out += '$(';
                i += 2;
            }
            else {
                const name = input.slice(i + 2, close);
                out += lookup(name) ?? `$(${name})`;
                i = close + 1;
            }
        }
        else {
            out += `$${next}`;
            i += 2;
        }
    }
    return out;
}
/** The master service's variables the kubelet gives every container, pointing at the API server's DNS name. */
function serviceEnv(env) {
    const port = String(env.apiServerPort);
    return [
        ['KUBERNETES_SERVICE_HOST', env.apiServerHost],
        ['KUBERNETES_SERVICE_PORT', port],
        ['KUBERNETES_SERVICE_PORT_HTTPS', port],
        ['KUBERNETES_PORT', `tcp://${env.apiServerHost}:${port}`],
    ];
}
/** Keys the kubelet skips in envFrom (with an event): empty, or not printable ASCII without '='. */
const INVALID_ENV_NAME = /^$|[^\x20-\x3c\x3e-\x7e]/;
/**
 * A container's environment as the kubelet builds it: the master service's variables, then envFrom
 * (in order, keys sorted), then env (in order, later wins, `$(VAR)` expanded against what came
 * before). Values from Secrets — and literals that expand one — become `secureValue`.
 */
function containerEnv(c, lookups) {
    const { pod, env } = lookups;
    const values = new Map(serviceEnv(env));
    const secure = new Set();
    const own = new Map();
    const set = (name, value, isSecret) => {
        own.delete(name); // the last definition wins, at its own position
        own.set(name, value);
        values.set(name, value);
        if (isSecret)
            secure.add(name);
        else
            secure.delete(name);
    };
    for (const from of c.envFrom ?? []) {
        const prefix = from.prefix ?? '';
        if (from.configMapRef) {
            const ref = from.configMapRef;
            const cm = lookups.configMap(ref.name ?? '');
            if (!cm) {
                if (ref.optional)
                    continue;
                throw configError(`configmap "${ref.name ?? ''}" not found`);
            }
            for (const key of sortedKeys(cm.data)) {
                if (!INVALID_ENV_NAME.test(prefix + key))
                    set(prefix + key, cm.data?.[key] ?? '', false);
            }
        }
        if (from.secretRef) {
            const ref = from.secretRef;
            const secret = lookups.secret(ref.name ?? '');
            if (!secret) {
                if (ref.optional)
                    continue;
                throw configError(`secret "${ref.name ?? ''}" not found`);
            }
            for (const key of sortedKeys(secret.data)) {
                if (!INVALID_ENV_NAME.test(prefix + key))
                    set(prefix + key, fromB64(secret.data?.[key] ?? ''), true);
            }
        }
    }
    for (const e of c.env ?? []) {
        const from = e.valueFrom;
        if (!from) {
            let usesSecret = false;
            const value = expandVars(e.value ?? '', (name) => {
                if (secure.has(name))
                    usesSecret = true;
                return values.get(name);
            });
            set(e.name, value, usesSecret);
        }
        else if (from.configMapKeyRef) {
            const ref = from.configMapKeyRef;
            const value = lookups.key('ConfigMap', ref.name ?? '', ref.key, ref.optional);
            if (value !== undefined)
                set(e.name, value, false);
        }
        else if (from.secretKeyRef) {
            const ref = from.secretKeyRef;
            const value = lookups.key('Secret', ref.name ?? '', ref.key, ref.optional);
            if (value !== undefined)
                set(e.name, value, true);
        }
        else if (from.fieldRef) {
            set(e.name, fieldValue(pod, from.fieldRef.fieldPath, env), false);
        }
        else if (from.resourceFieldRef) {
            set(e.name, resourceFieldValue(pod, from.resourceFieldRef, c.name, env), false);
        }
        else {
            throw unsupported(`valueFrom of env ${e.name} in container "${c.name}"`);
        }
    }
    const variables = [...own].map(([name, value]) => secure.has(name) ? { name, secureValue: value } : { name, value });
    for (const [name, value] of serviceEnv(env))
        if (!own.has(name))
            variables.push({ name, value });
    return { variables, values };
}
// ---------------------------------------------------------------------------------------------
// Containers
function resolvePort(c, port, where) {
    if (typeof port === 'number')
        return port;
    if (/^\d+$/.test(port))
        return Number(port);
    const found = c.ports?.find((p) => p.name === port);
    if (!found)
        throw configError(`${where} of container "${c.name}" refers to port "${port}", which the container does not declare`);
    return found.containerPort;
}
/** Liveness / readiness probes; exec commands get the kubelet's static `$(VAR)` expansion (literal env only). */
function toProbe(c, probe, which) {
    if (!probe)
        return undefined;
    const timing = {
        initialDelaySeconds: probe.initialDelaySeconds,
        periodSeconds: probe.periodSeconds,
        failureThreshold: probe.failureThreshold,
        successThreshold: probe.successThreshold,
        timeoutSeconds: probe.timeoutSeconds,
    };
    if (probe.exec) {
        const literal = new Map((c.env ?? []).filter((e) => !e.valueFrom).map((e) => [e.name, e.value ?? '']));
        const command = (probe.exec.command ?? []).map((arg) => expandVars(arg, (n) => literal.get(n)));
        return defined({ exec: { command }, ...timing });
    }
    if (probe.httpGet) {
        const get = probe.httpGet;
        const httpGet = defined({
            path: get.path,
            port: resolvePort(c, get.port, which),
            scheme: get.scheme?.toLowerCase(),
            httpHeaders: get.httpHeaders?.length
                ? get.httpHeaders.map((h) => ({ name: h.name, value: h.value }))
                : undefined,
        });
        return defined({ httpGet, ...timing });
    }
    throw unsupported(`${which} of container "${c.name}"`); // tcpSocket / grpc, caught by unsupportedFeature first
}
/** runAsUser / runAsGroup (container over pod), allowPrivilegeEscalation, dropped capabilities. */
function toSecurityContext(pod, c) {
    const podSc = pod.spec?.securityContext;
    const sc = c.securityContext;
    const runAsUser = sc?.runAsUser ?? podSc?.runAsUser;
    const runAsNonRoot = sc?.runAsNonRoot ?? podSc?.runAsNonRoot;
    if (runAsNonRoot && runAsUser === 0) {
        throw configError(`container's runAsUser breaks non-root policy (container: ${c.name})`);
    }
    const drop = sc?.capabilities?.drop;
    const out = defined({
        runAsUser,
        runAsGroup: sc?.runAsGroup ?? podSc?.runAsGroup,
        allowPrivilegeEscalation: sc?.allowPrivilegeEscalation,
        capabilities: drop?.length ? { drop: [...drop] } : undefined,
    });
    return Object.keys(out).length ? out : undefined;
}
function toMounts(c, fileVolumes) {
    if (!c.volumeMounts?.length)
        return undefined;
    return c.volumeMounts.map((m) => ({
        name: m.name,
        mountPath: m.mountPath,
        readOnly: Boolean(m.readOnly) || fileVolumes.has(m.name),
    }));
}
/**
 * A mount's path inside its volume: subPath, or subPathExpr with `$(VAR)` taken from the
 * container's environment, checked as the kubelet's makeMounts does (kubelet_pods.go).
 */
function subPathOf(m, values) {
    let path = m.subPath;
    if (m.subPathExpr) {
        const missing = new Set();
        path = expandVars(m.subPathExpr, (name) => {
            const value = values.get(name);
            if (!value)
                missing.add(name);
            return value ?? '';
        });
        if (missing.size)
            throw configError(`missing value for ${[...missing].sort().join(', ')}`);
    }
    if (!path)
        return undefined;
    if (path.startsWith('/'))
        throw configError(`error SubPath \`${path}\` must not be an absolute path`);
    if (path.split('/').includes('..'))
        throw configError(`unable to provision SubPath \`${path}\`: must not contain '..'`);
    return path;
}
/** The parts init and regular containers share: image, command / args, environment, mounts, securityContext. */
function commonParts(c, lookups, fileVolumes) {
    try {
        if (!c.image?.trim())
            throw new PodError('InvalidImageName', `container "${c.name}" has no image`);
        const { variables, values } = containerEnv(c, lookups);
        const expand = (list) => (list ?? []).map((s) => expandVars(s, (n) => values.get(n)));
        const command = c.command?.length ? [...expand(c.command), ...expand(c.args)] : undefined;
        const args = !command && c.args?.length ? expand(c.args) : undefined;
        const base = defined({
            name: c.name,
            image: c.image,
            command,
            environmentVariables: variables,
            volumeMounts: toMounts(c, fileVolumes),
            securityContext: toSecurityContext(lookups.pod, c),
        });
        const subPaths = {};
        for (const m of c.volumeMounts ?? []) {
            const path = subPathOf(m, values);
            if (path)
                subPaths[m.mountPath] = path;
        }
        const local = defined({
            subPaths: Object.keys(subPaths).length ? subPaths : undefined,
            terminationMessagePath: c.terminationMessagePath ?? DEFAULT_TERMINATION_MESSAGE_PATH,
            workingDir: c.workingDir || undefined,
            readOnlyRootFilesystem: c.securityContext?.readOnlyRootFilesystem || undefined,
        });
        return { base, args, local };
    }
    catch (error) {
        // What is wrong with a container's own configuration is reported on that container.
        if (error instanceof PodError && error.reason !== 'UnsupportedPodSpec' && !error.where.container)
            throw new PodError(error.reason, error.message, { container: c.name });
        throw error;
    }
}
function toInitContainer(c, lookups, fileVolumes) {
    // ACI init containers have no resources, ports or probes: they run with the group's resources, and
    // Kubernetes allows no probes on them; their ports are informational only.
    const { base, args, local } = commonParts(c, lookups, fileVolumes);
    return { definition: base, args, local };
}
function toContainer(c, lookups, fileVolumes) {
    const { base, args, local } = commonParts(c, lookups, fileVolumes);
    const ports = (c.ports ?? []).map((p) => ({
        port: p.containerPort,
        protocol: (p.protocol ?? 'TCP').toUpperCase(),
    }));
    const definition = defined({
        name: base.name,
        image: base.image,
        command: base.command,
        ports: ports.length ? ports : undefined,
        environmentVariables: base.environmentVariables,
        resources: aciResources(effectiveResources(c, lookups.env)),
        volumeMounts: base.volumeMounts,
        livenessProbe: toProbe(c, c.livenessProbe, 'livenessProbe'),
        readinessProbe: toProbe(c, c.readinessProbe, 'readinessProbe'),
        securityContext: base.securityContext,
    });
    return { definition, args, local };
}
const HOSTNAME_MAX = 63;
/**
 * The pod's hostname and the names /etc/hosts gives its address, as the kubelet's
 * GeneratePodHostNameAndDomain: spec.hostname or the pod's name (cut to 63 characters, without a
 * trailing '-' or '.'), `<hostname>.<subdomain>.<namespace>.svc.cluster.local` with a subdomain,
 * which setHostnameAsFQDN makes the hostname itself.
 */
function podHostname(pod) {
    const spec = pod.spec;
    let short = spec?.hostname || pod.metadata?.name || '';
    if (short.length > HOSTNAME_MAX)
        short = short.slice(0, HOSTNAME_MAX).replace(/[-.]+$/, '');
    const fqdn = spec?.subdomain
        ? `${short}.${spec.subdomain}.${namespaceOf(pod)}.svc.${CLUSTER_DOMAIN}`
        : undefined;
    let hostname = short;
    if (spec?.setHostnameAsFQDN && fqdn) {
        if (fqdn.length > HOSTNAME_MAX + 1) {
            throw new PodError('FailedCreatePodSandBox', `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`);
        }
        hostname = fqdn;
    }
    const aliases = (spec?.hostAliases ?? []).map((a) => ({ ip: a.ip, hostnames: [...(a.hostnames ?? [])] }));
    return {
        hostname,
        etcHosts: defined({
            names: fqdn ? [fqdn, short] : [short],
            aliases: aliases.length ? aliases : undefined,
        }),
    };
}
const RESTART_POLICIES = new Set(['Always', 'OnFailure', 'Never']);
function buildGroup(pod, env) {
    const spec = pod.spec ?? { containers: [] };
    const namespace = namespaceOf(pod);
    const podName = pod.metadata?.name ?? '';
    const name = podGroupName(env.cluster, namespace, podName);
    const lookups = new Lookups(pod, env);
    const { hostname, etcHosts } = podHostname(pod);
    const podVolumes = spec.volumes ?? [];
    const fileVolumes = new Set(podVolumes.filter(isFileVolume).map((v) => v.name));
    const fileModes = {};
    const volumes = podVolumes.map((v) => {
        const { volume, modes } = toVolume(v, lookups);
        if (Object.keys(modes).length)
            fileModes[v.name] = modes;
        return volume;
    });
    const args = {};
    const localContainers = {};
    const collect = (c, t) => {
        if (t.args)
            args[c.name] = t.args;
        if (Object.keys(t.local).length)
            localContainers[c.name] = t.local;
        return t.definition;
    };
    const initContainers = (spec.initContainers ?? []).map((c) => collect(c, toInitContainer(c, lookups, fileVolumes)));
    const containers = spec.containers.map((c) => collect(c, toContainer(c, lookups, fileVolumes)));
    // The group's address: every distinct (port, protocol) of its containers. Locally each is published
    // on 127.0.0.1 — at the pod's hostPort when it asks for one, else at any free port (0).
    const ports = [];
    const hostPorts = {};
    for (const c of spec.containers) {
        for (const p of c.ports ?? []) {
            const protocol = (p.protocol ?? 'TCP').toUpperCase();
            if (!ports.some((x) => x.port === p.containerPort && x.protocol === protocol)) {
                ports.push({ port: p.containerPort, protocol });
            }
            if (!hostPorts[p.containerPort])
                hostPorts[p.containerPort] = p.hostPort ?? 0;
        }
    }
    const restartPolicy = spec.restartPolicy ?? 'Always';
    if (!RESTART_POLICIES.has(restartPolicy))
        throw unsupported(`restartPolicy ${restartPolicy}`);
    const psc = spec.securityContext;
    const local = defined({
        hostPorts: ports.length ? hostPorts : undefined,
        args: Object.keys(args).length ? args : undefined,
        hostname,
        etcHosts,
        containers: Object.keys(localContainers).length ? localContainers : undefined,
        fileModes: Object.keys(fileModes).length ? fileModes : undefined,
        fsGroup: psc?.fsGroup ?? undefined,
        supplementalGroups: psc?.supplementalGroups?.length ? [...psc.supplementalGroups] : undefined,
    });
    return defined({
        name,
        location: env.location,
        tags: {
            [names/* TAG */.Dk.cluster]: env.cluster,
            [names/* TAG */.Dk.role]: 'pod',
            [names/* TAG */.Dk.node]: env.node,
            [names/* TAG */.Dk.namespace]: namespace,
            [names/* TAG */.Dk.pod]: podName,
            [names/* TAG */.Dk.uid]: pod.metadata?.uid ?? '',
        },
        osType: 'Linux',
        restartPolicy,
        ipAddress: ports.length ? { type: 'Public', ports, dnsNameLabel: name } : undefined,
        initContainers: initContainers.length ? initContainers : undefined,
        containers,
        volumes: volumes.length ? volumes : undefined,
        local,
    });
}
/**
 * One container group for a pod bound to this node, or why the node cannot run it (yet): see
 * `Translation`. UnsupportedPodSpec messages name the pod; the others are the kubelet's wording for
 * the container or volume they name.
 */
function podToContainerGroup(pod, env) {
    try {
        const problem = unsupportedFeature(pod, env.backend);
        if (problem)
            return { ok: false, reason: 'UnsupportedPodSpec', message: `pod ${podId(pod)}: ${problem}` };
        return { ok: true, group: buildGroup(pod, env) };
    }
    catch (error) {
        if (!(error instanceof PodError))
            throw error;
        const message = error.reason === 'UnsupportedPodSpec' ? `pod ${podId(pod)}: ${error.message}` : error.message;
        return defined({ ok: false, reason: error.reason, message, ...error.where });
    }
}
/**
 * Names of ConfigMaps / Secrets a pod refers to (env, envFrom, volumes, projected sources), so the
 * agent knows what to fetch — optional ones included (fetch, tolerate absence); and whether it needs a
 * service-account token. imagePullSecrets are not included: registry credentials are not translated yet.
 */
function podReferences(pod) {
    const configMaps = new Set();
    const secrets = new Set();
    let serviceAccountToken = false;
    for (const c of [...allContainers(pod), ...(pod.spec?.ephemeralContainers ?? [])]) {
        for (const from of c.envFrom ?? []) {
            if (from.configMapRef?.name)
                configMaps.add(from.configMapRef.name);
            if (from.secretRef?.name)
                secrets.add(from.secretRef.name);
        }
        for (const e of c.env ?? []) {
            if (e.valueFrom?.configMapKeyRef?.name)
                configMaps.add(e.valueFrom.configMapKeyRef.name);
            if (e.valueFrom?.secretKeyRef?.name)
                secrets.add(e.valueFrom.secretKeyRef.name);
        }
    }
    for (const v of pod.spec?.volumes ?? []) {
        if (v.configMap?.name)
            configMaps.add(v.configMap.name);
        if (v.secret?.secretName)
            secrets.add(v.secret.secretName);
        for (const source of v.projected?.sources ?? []) {
            if (source.configMap?.name)
                configMaps.add(source.configMap.name);
            if (source.secret?.name)
                secrets.add(source.secret.name);
            if (source.serviceAccountToken)
                serviceAccountToken = true;
        }
    }
    return { configMaps: [...configMaps].sort(), secrets: [...secrets].sort(), serviceAccountToken };
}
/** Dates as backends hand them over: Date from the SDK, string after a JSON round trip. */
function asDate(value) {
    if (value === undefined || value === null)
        return undefined;
    const date = value instanceof Date ? value : new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
}
/** detailStatus "CrashLoopBackOff: back-off 10s …" → reason + message; free text → message only. */
function parseDetail(detail) {
    const text = detail?.trim();
    if (!text)
        return {};
    const m = /^([A-Z][A-Za-z0-9]*)(?::\s*([\s\S]*))?$/.exec(text);
    if (m)
        return defined({ reason: m[1], message: m[2] || undefined });
    return { message: text };
}
/** Details that only say "not started yet". */
const NOT_STARTED = new Set(['Created', 'Pending', 'Waiting', 'Creating', 'Accepted', 'Pulling', 'Pulled']);
function terminatedState(cs) {
    const detail = parseDetail(cs.detailStatus);
    const exitCode = cs.exitCode ?? (detail.reason && detail.reason !== 'Completed' ? 1 : 0);
    const startedAt = asDate(cs.startTime);
    const finishedAt = asDate(cs.finishTime);
    const reason = detail.reason ?? (exitCode === 0 ? 'Completed' : 'Error');
    return {
        state: { terminated: defined({ exitCode, reason, message: detail.message, startedAt, finishedAt }) },
        exitCode,
        startedAt,
        finishedAt,
    };
}
/**
 * One container's status from the backend's instance view. A container the engine is restarting
 * (ACI: Waiting after a termination; Docker: Running/"Restarting") shows as the kubelet shows it:
 * waiting, CrashLoopBackOff, with the previous termination as lastState when known.
 */
function observeContainer(spec, view, containerID, defaultReason, isInit) {
    const current = view?.currentState;
    const previous = view?.previousState?.state === 'Terminated' ? terminatedState(view.previousState) : undefined;
    let state;
    let observed;
    let exitCode;
    let startedAt;
    let finishedAt;
    const crashLoop = () => ({
        waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${spec.name}` },
    });
    if (current?.state === 'Running' && current.detailStatus === 'Restarting') {
        observed = 'restarting';
        state = crashLoop();
    }
    else if (current?.state === 'Running') {
        observed = 'running';
        startedAt = asDate(current.startTime);
        state = { running: defined({ startedAt }) };
    }
    else if (current?.state === 'Terminated') {
        observed = 'terminated';
        ({ state, exitCode, startedAt, finishedAt } = terminatedState(current));
    }
    else {
        const detail = parseDetail(current?.detailStatus);
        observed = previous ? 'restarting' : 'waiting';
        if (detail.reason && !NOT_STARTED.has(detail.reason)) {
            state = { waiting: defined({ reason: detail.reason, message: detail.message }) };
        }
        else if (!detail.reason && detail.message) {
            state = { waiting: { reason: 'CreateContainerError', message: detail.message } };
        }
        else if (previous) {
            state = crashLoop();
        }
        else {
            state = { waiting: { reason: defaultReason } };
        }
    }
    const running = observed === 'running';
    const status = defined({
        name: spec.name,
        state,
        lastState: previous ? previous.state : {},
        // Init containers are "ready" once they completed; regular ones while they run (readiness
        // probes are the agent's business and it overrides this when one fails).
        ready: isInit ? observed === 'terminated' && exitCode === 0 : running,
        restartCount: view?.restartCount ?? 0,
        image: spec.image ?? '',
        imageID: '',
        containerID,
        started: running,
    });
    return { status, observed, exitCode, lastExitCode: previous?.exitCode, startedAt, finishedAt };
}
/** The kubelet's getPhase (pkg/kubelet/kubelet_pods.go), for pods without sidecars. */
function podPhase(restartPolicy, inits, containers) {
    let pendingInitialization = 0;
    let failedInitialization = 0;
    for (const c of inits) {
        if (c.observed === 'terminated') {
            if (c.exitCode !== 0)
                failedInitialization++;
        }
        else if (c.observed === 'restarting') {
            // Init containers are only restarted after failing.
            if (c.lastExitCode !== 0)
                failedInitialization++;
        }
        else {
            pendingInitialization++;
        }
    }
    let unknown = 0;
    let running = 0;
    let waiting = 0;
    let stopped = 0;
    let succeeded = 0;
    for (const c of containers) {
        if (c.observed === 'running')
            running++;
        else if (c.observed === 'terminated') {
            stopped++;
            if (c.exitCode === 0)
                succeeded++;
        }
        else if (c.observed === 'restarting')
            stopped++;
        else if (c.observed === 'waiting')
            waiting++;
        else
            unknown++;
    }
    if (failedInitialization > 0 && restartPolicy === 'Never')
        return 'Failed';
    if ((pendingInitialization > 0 && !anyStarted(containers)) || waiting > 0)
        return 'Pending';
    if (running > 0 && unknown === 0)
        return 'Running';
    if (running === 0 && stopped > 0 && unknown === 0) {
        if (restartPolicy === 'Always')
            return 'Running'; // all restarting
        if (stopped === succeeded)
            return 'Succeeded';
        if (restartPolicy === 'Never')
            return 'Failed';
        return 'Running'; // OnFailure: the failed ones are restarting
    }
    return 'Pending';
}
function anyStarted(containers) {
    return containers.some((c) => c.observed === 'running' || c.observed === 'terminated');
}
function earliest(dates) {
    return dates.reduce((a, d) => (d && (!a || d < a) ? d : a), undefined);
}
function latest(dates) {
    return dates.reduce((a, d) => (d && (!a || d > a) ? d : a), undefined);
}
function sameQuantity(a, b) {
    try {
        return parseQuantity(a) === parseQuantity(b);
    }
    catch {
        return a === b; // status reporting never throws over a quantity the API server let through
    }
}
/** kubelet-style QoS class, for pods whose status does not carry one yet (the API server sets it on create). */
function qosClass(pod) {
    let any = false;
    let guaranteed = true;
    for (const c of allContainers(pod)) {
        const requests = c.resources?.requests ?? {};
        const limits = c.resources?.limits ?? {};
        for (const r of ['cpu', 'memory']) {
            const request = requests[r] ?? limits[r];
            const limit = limits[r];
            if (request !== undefined || limit !== undefined)
                any = true;
            if (limit === undefined || request === undefined || !sameQuantity(request, limit))
                guaranteed = false;
        }
    }
    if (!any)
        return 'BestEffort';
    return guaranteed ? 'Guaranteed' : 'Burstable';
}
const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);
/** Per container, the end of its termination message file the kubelet reads (MaxContainerTerminationMessageLength). */
const TERMINATION_MESSAGE_MAX_BYTES = 4096;
/** FallbackToLogsOnError takes the last 80 lines of the log, at most 2048 bytes of them. */
const TERMINATION_LOG_LINES = 80;
const TERMINATION_LOG_BYTES = 2048;
/** All termination messages of a pod together (MaxPodTerminationMessageLogLength), shared equally. */
const POD_TERMINATION_MESSAGES_BYTES = 12 * 1024;
const lastBytes = (text, max) => {
    const bytes = Buffer.from(text, 'utf8');
    return bytes.length <= max ? text : bytes.subarray(bytes.length - max).toString('utf8');
};
const firstBytes = (text, max) => {
    const bytes = Buffer.from(text, 'utf8');
    return bytes.length <= max ? text : bytes.subarray(0, max).toString('utf8');
};
/** Whether a terminated container's message comes from its log: FallbackToLogsOnError, an empty file and a failure. */
function terminationMessageNeedsLogs(file, policy, exitCode) {
    return policy === 'FallbackToLogsOnError' && exitCode !== 0 && !file;
}
/**
 * A terminated container's message as the kubelet makes it (kuberuntime getTerminationMessage): the
 * end of its terminationMessagePath file; when `terminationMessageNeedsLogs`, the end of its log.
 */
function terminationMessage(file, policy, exitCode, logs) {
    if (terminationMessageNeedsLogs(file, policy, exitCode)) {
        const lines = (logs ?? '').split('\n');
        if (lines.at(-1) === '')
            lines.pop();
        const tail = lines.slice(-TERMINATION_LOG_LINES).join('\n') + (lines.length ? '\n' : '');
        return lastBytes(tail, TERMINATION_LOG_BYTES);
    }
    return lastBytes(file ?? '', TERMINATION_MESSAGE_MAX_BYTES);
}
/** Applies what the node knows (postStart hooks running, messages, reasons to wait) to a container's status. */
function observedByNode(o, node, maxMessageBytes) {
    const name = o.status.name;
    if (o.observed === 'running' && node.postStartRunning?.includes(name)) {
        const state = { waiting: { reason: 'ContainerCreating' } };
        return {
            ...o,
            observed: 'waiting',
            startedAt: undefined,
            status: { ...o.status, state, ready: false, started: false },
        };
    }
    const waiting = node.waiting?.[name];
    if (waiting && o.observed !== 'running' && o.observed !== 'terminated' && !o.status.lastState?.terminated) {
        return { ...o, status: { ...o.status, state: { waiting: defined({ ...waiting }) } } };
    }
    const terminated = o.status.state?.terminated;
    const message = node.terminationMessages?.[name];
    if (o.observed === 'terminated' && terminated && message) {
        const full = terminated.message ? `${terminated.message}: ${message}` : message;
        const state = { terminated: { ...terminated, message: firstBytes(full, maxMessageBytes) } };
        return { ...o, status: { ...o.status, state } };
    }
    return o;
}
/**
 * A pod's status from its container group (undefined: not created yet), as the kubelet would
 * report it. Conditions keep their previous lastTransitionTime while their status is unchanged; a
 * new transition is dated from the group (container start/finish times) when it can be, else `now`.
 *
 * Before the group exists, containers wait with reason ContainerCreating (PodInitializing for pods
 * with init containers), and Initialized is True for pods without init containers — both as a kubelet.
 */
function podStatusFromGroup(pod, group, now, node = {}) {
    const spec = pod.spec ?? { containers: [] };
    const previous = pod.status;
    const generation = pod.metadata?.generation;
    const initSpecs = spec.initContainers ?? [];
    const hasInit = initSpecs.length > 0;
    const views = new Map();
    for (const c of [...(group?.initContainers ?? []), ...(group?.containers ?? [])])
        views.set(c.name, c.instanceView);
    const idOf = (name) => (group ? `frankenetes://${group.name ?? ''}/${name}` : undefined);
    const maxMessageBytes = Math.floor(POD_TERMINATION_MESSAGES_BYTES / Math.max(1, initSpecs.length + spec.containers.length));
    const inits = initSpecs.map((c) => observedByNode(group && !views.has(c.name)
        ? unknownContainer(c, 'PodInitializing', true)
        : observeContainer(c, views.get(c.name), idOf(c.name), 'PodInitializing', true), node, maxMessageBytes));
    const initDone = inits.every((c) => c.observed === 'terminated' && c.exitCode === 0);
    const waitingReason = hasInit && !initDone ? 'PodInitializing' : 'ContainerCreating';
    const containers = spec.containers.map((c) => observedByNode(group && !views.has(c.name)
        ? unknownContainer(c, waitingReason, false)
        : observeContainer(c, views.get(c.name), idOf(c.name), waitingReason, false), node, maxMessageBytes));
    const restartPolicy = spec.restartPolicy ?? 'Always';
    const phase = podPhase(restartPolicy, inits, containers);
    const all = [...inits, ...containers];
    const firstStart = earliest(all.flatMap((c) => [c.startedAt, asDate(c.status.lastState?.terminated?.startedAt)]));
    const startTime = earliest([asDate(previous?.startTime), firstStart]) ?? asDate(pod.metadata?.creationTimestamp) ?? now;
    // Kubelet-owned conditions (pkg/kubelet/status/generate.go).
    const sandboxReady = Boolean(group) && group?.instanceView?.state !== 'Stopped';
    const unknownInits = inits.filter((c) => c.observed === 'unknown').map((c) => c.status.name);
    const incompleteInits = inits
        .filter((c) => c.observed !== 'unknown' && !c.status.ready)
        .map((c) => c.status.name);
    let initialized;
    if (!hasInit)
        initialized = { status: 'True' };
    else if (phase === 'Succeeded' && unknownInits.length === 0)
        initialized = { status: 'True', reason: 'PodCompleted' };
    else if (anyStarted(containers))
        initialized = { status: 'True' };
    else {
        const messages = [
            unknownInits.length ? `containers with unknown status: ${goList(unknownInits)}` : '',
            incompleteInits.length ? `containers with incomplete status: ${goList(incompleteInits)}` : '',
        ].filter(Boolean);
        initialized = messages.length
            ? { status: 'False', reason: 'ContainersNotInitialized', message: messages.join(', ') }
            : { status: 'True' };
    }
    const unknown = containers.filter((c) => c.observed === 'unknown').map((c) => c.status.name);
    const unready = containers
        .filter((c) => c.observed !== 'unknown' && !c.status.ready)
        .map((c) => c.status.name);
    let containersReady;
    if (phase === 'Succeeded' && unknown.length === 0)
        containersReady = { status: 'False', reason: 'PodCompleted' };
    else if (phase === 'Failed')
        containersReady = { status: 'False', reason: 'PodFailed' };
    else {
        const messages = [
            unknown.length ? `containers with unknown status: ${goList(unknown)}` : '',
            unready.length ? `containers with unready status: ${goList(unready)}` : '',
        ].filter(Boolean);
        containersReady = messages.length
            ? { status: 'False', reason: 'ContainersNotReady', message: messages.join(', ') }
            : { status: 'True' };
    }
    let ready = containersReady;
    if (containersReady.status === 'True') {
        const gates = (spec.readinessGates ?? []).flatMap((gate) => {
            const c = previous?.conditions?.find((x) => x.type === gate.conditionType);
            if (!c)
                return [`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`];
            if (c.status !== 'True')
                return [`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`];
            return [];
        });
        if (gates.length)
            ready = { status: 'False', reason: 'ReadinessGatesNotReady', message: gates.join(', ') };
    }
    const lastFinish = latest(containers.map((c) => c.finishedAt));
    const runningSince = latest(containers.filter((c) => c.observed === 'running').map((c) => c.startedAt));
    const condition = (type, value, since) => {
        const before = previous?.conditions?.find((c) => c.type === type);
        const kept = before && before.status === value.status ? asDate(before.lastTransitionTime) : undefined;
        return defined({
            type,
            status: value.status ?? 'False',
            observedGeneration: generation,
            lastTransitionTime: kept ?? since ?? now,
            reason: value.reason,
            message: value.message,
        });
    };
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const conditions = [
        condition('PodReadyToStartContainers', { status: sandboxReady ? 'True' : 'False' }, sandboxReady ? firstStart : undefined),
        condition('Initialized', initialized, initialized.status === 'True'
            ? hasInit
                ? latest(inits.map((c) => c.finishedAt))
                : startTime
            : undefined),
        condition('Ready', ready, ready.status === 'True' ? runningSince : terminal ? lastFinish : undefined),
        condition('ContainersReady', containersReady, containersReady.status === 'True' ? runningSince : terminal ? lastFinish : undefined),
    ];
    const scheduled = previous?.conditions?.find((c) => c.type === 'PodScheduled');
    conditions.push(scheduled ?? {
        type: 'PodScheduled',
        status: 'True',
        lastTransitionTime: asDate(pod.metadata?.creationTimestamp) ?? now,
    });
    // Conditions others own (readiness gates, DisruptionTarget…) stay as they are.
    for (const c of previous?.conditions ?? []) {
        if (!KUBELET_CONDITIONS.has(c.type) && c.type !== 'PodScheduled')
            conditions.push(c);
    }
    const podIP = group?.ipAddress?.ip || undefined;
    return defined({
        observedGeneration: generation,
        phase,
        conditions,
        hostIP: POD_HOST_IP,
        hostIPs: [{ ip: POD_HOST_IP }],
        podIP,
        podIPs: podIP ? [{ ip: podIP }] : undefined,
        startTime,
        initContainerStatuses: hasInit ? inits.map((c) => c.status) : undefined,
        containerStatuses: containers.map((c) => c.status),
        qosClass: previous?.qosClass ?? qosClass(pod),
    });
}
/** A container the group does not know (its definition predates the pod's): the kubelet's "unknown". */
function unknownContainer(spec, reason, isInit) {
    const o = observeContainer(spec, undefined, undefined, reason, isInit);
    return { ...o, observed: 'unknown' };
}

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
    const groupOf = (r) => podGroupName(config.cluster, r.namespace, r.pod);
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
/** Registers the node (create, or adopt after a restart) and writes its full status. */
async function registerNode(kc, id) {
    const core = kc.makeApiClient(dist/* CoreV1Api */.f5Y);
    try {
        await core.createNode({ body: nodeObject(id, new Date()) });
    }
    catch (error) {
        if (statusOf(error) !== 409)
            throw error;
    }
    await writeNodeStatus(kc, id);
}
/** A merge patch of the status subresource, raw so that `declaredFeatures` survives. */
async function writeNodeStatus(kc, id) {
    const res = await rawRequest(kc, 'PATCH', `/api/v1/nodes/${id.name}/status`, { status: nodeStatus(id, new Date()) }, 'application/merge-patch+json');
    if (res.status >= 300)
        throw new Error(`node status update failed (${res.status}): ${res.body.slice(0, 300)}`);
}
async function renewLease(kc, node) {
    const api = kc.makeApiClient(dist/* CoordinationV1Api */.hSW);
    const lease = leaseObject(node, new Date());
    try {
        const current = await api.readNamespacedLease({ name: node, namespace: 'kube-node-lease' });
        lease.metadata = { ...lease.metadata, resourceVersion: current.metadata?.resourceVersion };
        await api.replaceNamespacedLease({ name: node, namespace: 'kube-node-lease', body: lease });
    }
    catch (error) {
        if (statusOf(error) !== 404)
            throw error;
        await api.createNamespacedLease({ namespace: 'kube-node-lease', body: lease });
    }
}
/** Renews the node's Lease every 10 s and refreshes its status every minute; returns a stopper. */
function keepNodeAlive(kc, id, log) {
    let tick = 0;
    const beat = async () => {
        try {
            await renewLease(kc, id.name);
            if (++tick % STATUS_EVERY === 0)
                await writeNodeStatus(kc, id);
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
const lifecycle_goList = (items) => `[${items.join(' ')}]`;
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
            return `Exec lifecycle hook (${lifecycle_goList(command)}) ${where} failed - error: ${error}, message: ${JSON.stringify(stdout + stderr)}`;
        }
        catch (error) {
            return `Exec lifecycle hook (${lifecycle_goList(command)}) ${where} failed - error: ${error.message}, message: ""`;
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
function probes_asDate(value) {
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
                        ? (probes_asDate(prior.lastTransitionTime) ?? now)
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
            const priorTime = probes_asDate(prior?.lastTransitionTime);
            if (!prior || prior.status === 'True' || !priorTime)
                return c;
            const given = probes_asDate(c.lastTransitionTime);
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

;// CONCATENATED MODULE: ./src/agent/pods.ts







// Engine events drive most updates; the resync only catches what they missed (each pass inspects every group).
const RESYNC_MS = 30_000;
// Pod starts are CPU-bound on the engine: fewer at once finish the first pods sooner, same throughput.
const MAX_PARALLEL = 4;
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
/**
 * The virtual kubelet's pod loop (virtual-kubelet's PodLifecycleHandler, in one class): watches
 * the pods bound to this node and makes the backend's container groups and the pods' status agree.
 * Each pod is reconciled by one worker at a time; events, engine changes and a periodic resync
 * all just mark a pod dirty.
 */
class PodController {
    kc;
    backend;
    config;
    log;
    core;
    pods = new Map();
    /** Last status written per pod UID, so an unchanged status is not patched again. */
    written = new Map();
    busy = new Set();
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
    /** The engine runs no probes: the agent does, from inside the cluster network. */
    probes = new ProbeManager({
        run: (key, container, probe) => this.probe(key, container, probe),
        onChange: (key) => this.schedule(key),
        onLivenessFailure: (key, container) => void this.restartContainer(key, container),
        onError: (key, container, error) => this.log(`probe ${key} ${container}: ${error.message}`),
    });
    constructor(kc, backend, config, log) {
        this.kc = kc;
        this.backend = backend;
        this.config = config;
        this.log = log;
        this.core = kc.makeApiClient(dist/* CoreV1Api */.f5Y);
    }
    get fieldSelector() {
        return `spec.nodeName=${this.config.node}`;
    }
    async start() {
        const list = await this.core.listPodForAllNamespaces({ fieldSelector: this.fieldSelector });
        for (const pod of list.items)
            this.pods.set(keyOf(pod), pod);
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
            ...podStatusFromGroup(pod, undefined, new Date()),
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
                    const list = await this.core.listPodForAllNamespaces({ fieldSelector: this.fieldSelector });
                    const seen = new Set(list.items.map(keyOf));
                    const gone = [...this.pods.keys()].filter((key) => !seen.has(key));
                    for (const key of gone)
                        this.pods.delete(key);
                    for (const pod of list.items)
                        this.pods.set(keyOf(pod), pod);
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
        new dist/* Watch */.ox1(this.kc)
            .watch('/api/v1/pods', { fieldSelector: this.fieldSelector, resourceVersion, allowWatchBookmarks: true }, (phase, pod) => {
            if (phase === 'BOOKMARK' || phase === 'ERROR')
                return;
            const key = keyOf(pod);
            if (phase === 'DELETED')
                this.pods.delete(key);
            else
                this.pods.set(key, pod);
            this.schedule(key);
        }, () => restart())
            .then((controller) => this.stops.push(() => controller.abort()))
            .catch(() => restart());
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
        while (this.active < MAX_PARALLEL && this.queue.length) {
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
        return podGroupName(this.config.cluster, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
    }
    async reconcile(key) {
        const pod = this.pods.get(key);
        if (!pod || pod.metadata?.deletionTimestamp) {
            this.probes.forget(key);
            this.postStart.forget(key);
            this.messages.delete(key);
            clearTimeout(this.retries.get(key)?.timer);
            this.retries.delete(key);
        }
        if (!pod) {
            const [namespace = '', name = ''] = key.split('/');
            await this.backend.delete(podGroupName(this.config.cluster, namespace, name), {
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
        const status = podStatusFromGroup(pod, group, now, node);
        await this.writeStatus(pod, applyReadiness(status, (c) => this.probes.readiness(key, c), now, pod.status));
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
                if (terminationMessageNeedsLogs(file, policy, exitCode)) {
                    logs = await this.backend
                        .logs(group.name ?? '', c.name, { tailLines: TERMINATION_LOG_LINES })
                        .then((stream) => readText(stream, Infinity))
                        .catch(() => undefined);
                }
                message = terminationMessage(file, policy, exitCode, logs);
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
        const translation = 'ok' in env ? env : podToContainerGroup(pod, env);
        if (!translation.ok) {
            await this.cannotStart(pod, translation);
            return undefined;
        }
        try {
            const group = await this.backend.createOrUpdate(translation.group);
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
            await this.event(pod, 'Warning', 'FailedCreate', failure.message);
            const base = podStatusFromGroup(pod, undefined, now);
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
        await this.writeStatus(pod, podStatusFromGroup(pod, undefined, now, { waiting }));
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
        const refs = podReferences(pod);
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
            const cm = await fetchOptional(() => this.core.readNamespacedConfigMap({ name, namespace }));
            if (cm)
                configMaps[name] = cm;
        }
        for (const name of refs.secrets) {
            const secret = await fetchOptional(() => this.core.readNamespacedSecret({ name, namespace }));
            if (secret)
                secrets[name] = secret;
        }
        let serviceAccountToken;
        if (refs.serviceAccountToken) {
            const account = pod.spec?.serviceAccountName ?? 'default';
            const expirationSeconds = projectedTokenExpiry(pod);
            try {
                const token = await this.core.createNamespacedServiceAccountToken({
                    name: account,
                    namespace,
                    body: {
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
                const reason = error.body?.message ?? error.message;
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
                cpu: parseQuantity(this.config.capacity.cpu),
                memory: parseQuantity(this.config.capacity.memory),
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
            await this.core.deleteNamespacedPod({
                name: pod.metadata?.name ?? '',
                namespace: pod.metadata?.namespace ?? '',
                gracePeriodSeconds: 0,
                body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } },
            });
        }
        catch (error) {
            if (statusOf(error) !== 404 && statusOf(error) !== 409)
                throw error;
        }
        if (pod.metadata?.uid) {
            this.written.delete(pod.metadata.uid);
            this.reported.delete(pod.metadata.uid);
        }
    }
    async writeStatus(pod, status) {
        const uid = pod.metadata?.uid ?? '';
        const text = JSON.stringify(status);
        if (this.written.get(uid) === text)
            return;
        await this.core.patchNamespacedPodStatus({ name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', body: { status } }, (0,dist/* setHeaderOptions */.OkF)('Content-Type', dist/* PatchStrategy */.Qve.MergePatch));
        this.written.set(uid, text);
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
        await this.core.createNamespacedEvent({ namespace, body }).catch((error) => {
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
    const kc = loadKubeConfig(config.kubeconfigPath);
    const backend = podBackend(config);
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
            await registerNode(kc, id);
            break;
        }
        catch (error) {
            if (attempt % 20 === 1)
                log(`waiting to register the node: ${error.message.split('\n').slice(0, 3).join(' ')}`);
            await new Promise((r) => setTimeout(r, 250));
        }
    }
    log(`node ${config.node} registered`);
    const stopHeartbeat = keepNodeAlive(kc, id, log);
    const pods = new PodController(kc, backend, config, log);
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
    return 0;
}
/**
 * Pods run where the control plane runs. On ACI the agent signs in with the control-plane group's
 * managed identity (FRANKENETES_MANAGED_IDENTITY, set by the plan). The standby pool and secret
 * files are shortcuts of the local engine only.
 */
function podBackend(config) {
    if (config.azure) {
        return new aci/* AciBackend */._({
            subscriptionId: config.azure.subscriptionId,
            resourceGroup: config.azure.podResourceGroup,
            endpoint: config.azure.armEndpoint,
            credential: (0,credentials.createAzureCredential)({}),
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


/***/ })

};
