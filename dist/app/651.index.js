export const id = 651;
export const ids = [651];
export const modules = {

/***/ 38651:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   INITIAL_NAMESPACES: () => (/* binding */ INITIAL_NAMESPACES),
/* harmony export */   ensureDefaultServiceAccounts: () => (/* binding */ ensureDefaultServiceAccounts),
/* harmony export */   nodeProblem: () => (/* binding */ nodeProblem),
/* harmony export */   readyPods: () => (/* binding */ readyPods),
/* harmony export */   waitForCluster: () => (/* binding */ waitForCluster),
/* harmony export */   waitForPods: () => (/* binding */ waitForPods)
/* harmony export */ });
/* harmony import */ var _kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(70125);

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
function statusOf(error) {
    return error.code;
}
/** Creates the `default` ServiceAccount in every initial namespace that lacks one. */
async function ensureDefaultServiceAccounts(kc) {
    const core = kc.makeApiClient(_kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__.CoreV1Api);
    const missing = await Promise.all(INITIAL_NAMESPACES.map(async (namespace) => {
        try {
            await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'default' } } });
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
async function apiProblem(kc) {
    try {
        return (await new _kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__/* .Health */ .XkQ(kc).readyz({ timeout: 2000 })) ? undefined : 'API server /readyz is not ok';
    }
    catch (error) {
        return `API server not answering (${error.message})`;
    }
}
/** The controller-manager and scheduler, as the API server sees them (it probes both on localhost). */
async function componentsProblem(kc) {
    try {
        const statuses = await kc.makeApiClient(_kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__.CoreV1Api).listComponentStatus();
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
async function nodeProblem(kc, node, freshSince) {
    try {
        const n = await kc.makeApiClient(_kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__.CoreV1Api).readNode({ name: node });
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
    metadata: { name: 'frankenetes-admission-check' },
    spec: { containers: [{ name: 'check', image: 'localhost/frankenetes/pause:1' }] },
};
/**
 * Whether a pod created now would be admitted: a server-side dry run through every admission
 * plugin (the ServiceAccount plugin refuses pods until `default` exists), persisting nothing.
 */
async function admissionProblem(kc) {
    try {
        await kc
            .makeApiClient(_kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__.CoreV1Api)
            .createNamespacedPod({ namespace: 'default', body: PROBE_POD, dryRun: 'All' });
        return undefined;
    }
    catch (error) {
        const body = error.body ?? '';
        const message = /"message":"([^"]*)"/.exec(body)?.[1] ?? error.message;
        return `a new pod would not be admitted yet (${message.split('\n')[0]})`;
    }
}
/**
 * Polls until the cluster takes work; throws with the last problem on timeout. Ready means: /readyz
 * is ok, the controller-manager and scheduler are healthy, the node is Ready and schedulable, and a
 * pod created now is admitted. Once the API answers, `up` creates the default ServiceAccounts
 * itself (see INITIAL_NAMESPACES), and the remaining checks run side by side.
 */
async function waitForCluster(kubeconfig, options) {
    const kc = new _kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__.KubeConfig();
    kc.loadFromString(kubeconfig);
    const timeoutMs = options.timeoutMs ?? 180_000;
    const deadline = Date.now() + timeoutMs;
    let accountsMade = false;
    let fatalCheckedAt = 0;
    let last = 'not checked';
    while (Date.now() < deadline) {
        let problem = await apiProblem(kc);
        if (!problem && !accountsMade) {
            problem = await ensureDefaultServiceAccounts(kc);
            accountsMade = !problem;
        }
        if (!problem) {
            const found = await Promise.all([
                componentsProblem(kc),
                nodeProblem(kc, options.node, options.freshSince),
            ]);
            problem = found.find(Boolean) ?? (await admissionProblem(kc));
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
    const kc = new _kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__.KubeConfig();
    kc.loadFromString(kubeconfig);
    const list = await kc.makeApiClient(_kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__.CoreV1Api).listPodForAllNamespaces();
    return list.items
        .filter((pod) => isReady(pod))
        .map(podKey)
        .sort();
}
/**
 * Polls until every listed pod (`namespace/name`) exists and is Ready (since `freshSince`);
 * throws naming those that are not on timeout. Resume waits so for the pods that were Ready
 * before the pause.
 */
async function waitForPods(kubeconfig, pods, options) {
    if (!pods.length)
        return;
    const kc = new _kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__.KubeConfig();
    kc.loadFromString(kubeconfig);
    const core = kc.makeApiClient(_kubernetes_client_node__WEBPACK_IMPORTED_MODULE_0__.CoreV1Api);
    const timeoutMs = options.timeoutMs ?? 180_000;
    const deadline = Date.now() + timeoutMs;
    let last = '';
    let waiting = pods;
    while (Date.now() < deadline) {
        try {
            const items = (await core.listPodForAllNamespaces()).items;
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


/***/ })

};
