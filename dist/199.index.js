export const id = 199;
export const ids = [199];
export const modules = {

/***/ 43199:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Er: () => (/* binding */ TERMINATION_LOG_LINES),
/* harmony export */   Lf: () => (/* binding */ parseQuantity),
/* harmony export */   Ms: () => (/* binding */ terminationMessageNeedsLogs),
/* harmony export */   N8: () => (/* binding */ podStatusFromGroup),
/* harmony export */   _A: () => (/* binding */ terminationMessage),
/* harmony export */   _O: () => (/* binding */ podGroupName),
/* harmony export */   fI: () => (/* binding */ podToContainerGroup),
/* harmony export */   iF: () => (/* binding */ podReferences)
/* harmony export */ });
/* unused harmony exports POD_HOST_IP, CLUSTER_DOMAIN, aciCpu, aciMemoryInGB, DEFAULT_TERMINATION_MESSAGE_PATH, unsupportedFeature, expandVars, TERMINATION_MESSAGE_MAX_BYTES */
/* harmony import */ var _local_pod_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(81370);
/* harmony import */ var _names_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(22483);


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
    return (0,_names_js__WEBPACK_IMPORTED_MODULE_0__/* .shortenName */ .ty)(`${cluster}-${namespace}-${pod}`);
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
            return env.backend === 'aci' ? '' : _local_pod_js__WEBPACK_IMPORTED_MODULE_1__/* .POD_IP_PLACEHOLDER */ .gi;
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
            [_names_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.cluster]: env.cluster,
            [_names_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.role]: 'pod',
            [_names_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.node]: env.node,
            [_names_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.namespace]: namespace,
            [_names_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.pod]: podName,
            [_names_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG */ .Dk.uid]: pod.metadata?.uid ?? '',
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


/***/ })

};
