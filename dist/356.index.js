export const id = 356;
export const ids = [356];
export const modules = {

/***/ 4356:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bo: () => (/* binding */ clusterGroups),
/* harmony export */   gw: () => (/* binding */ readPreviewRecord),
/* harmony export */   ho: () => (/* binding */ costOf),
/* harmony export */   lH: () => (/* binding */ readCandidates),
/* harmony export */   sweep: () => (/* binding */ sweep),
/* harmony export */   sweepDecision: () => (/* binding */ sweepDecision),
/* harmony export */   zL: () => (/* binding */ writePreviewRecord)
/* harmony export */ });
/* unused harmony exports PREVIEW_KEY, ACTION_KEEP_KEY, AUDIT_LOG_PATH, isUserRequest, lastUserRequest, readLastActivity */
/* harmony import */ var node_readline__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(80481);
/* harmony import */ var node_readline__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_readline__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _names_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(22483);
/* harmony import */ var _snapshot_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(52091);
/* harmony import */ var _cost_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(24022);
// The sweeper: pauses clusters idle past their timeout and removes those past their TTL or over
// their cost cap. Decisions are pure (sweepDecision); what a cluster's record, phase, API activity
// and cost are is read from the state store and the backend (readCandidate). Shared by the app's
// timer and `frankenetes sweep`.




/** What the app records beside a cluster it made for a PR (the sweeper's policy for it). */
const PREVIEW_KEY = 'preview.json';
/** What the Action records for a cluster it keeps (`keep: true`); its TTL is honoured too. */
const ACTION_KEEP_KEY = 'keep.json';
async function readPreviewRecord(store, cluster) {
    const data = await store.get(cluster, PREVIEW_KEY);
    if (data)
        return JSON.parse(data.toString('utf8'));
    const kept = await store.get(cluster, ACTION_KEEP_KEY);
    if (!kept)
        return undefined;
    const { expiresAt } = JSON.parse(kept.toString('utf8'));
    return expiresAt
        ? { repository: '', pullRequest: 0, createdAt: new Date(0).toISOString(), expiresAt }
        : undefined;
}
async function writePreviewRecord(store, cluster, record) {
    await store.put(cluster, PREVIEW_KEY, `${JSON.stringify(record, null, 2)}\n`);
}
// ---------------------------------------------------------------------------------------------
// Activity from the API server's audit log
/** Where the API server writes its audit log (plan.ts), in the kube-apiserver container. */
const AUDIT_LOG_PATH = '/var/log/kubernetes/audit/audit.log';
const HEALTH = /^\/(livez|readyz|healthz|version)(\/|\?|$)/;
/**
 * Whether an audit event is a user's request: not a health probe, not the agent (the node), not
 * the control plane's own components (controller-manager, scheduler, the API server itself and the
 * kube-system controllers' service accounts) and not anonymous.
 */
function isUserRequest(event, cluster) {
    const user = event.user?.username ?? '';
    const uri = event.requestURI ?? '';
    if (HEALTH.test(uri))
        return false;
    if (user === `system:node:${(0,_names_js__WEBPACK_IMPORTED_MODULE_1__/* .nodeName */ .qp)(cluster)}` || user.startsWith('system:node:'))
        return false;
    if (user === 'system:anonymous' || user === 'system:apiserver')
        return false;
    if (user.startsWith('system:kube-') || user.startsWith('system:serviceaccount:kube-system:'))
        return false;
    return user !== '';
}
/** The time of the last user request in audit-log lines (JSON per line), or undefined. */
function lastUserRequest(lines, cluster) {
    let last;
    for (const line of lines) {
        const at = userRequestTime(line, cluster);
        if (at !== undefined && (last === undefined || at > last))
            last = at;
    }
    return last === undefined ? undefined : new Date(last);
}
function userRequestTime(line, cluster) {
    if (!line.startsWith('{'))
        return undefined;
    let event;
    try {
        event = JSON.parse(line);
    }
    catch {
        return undefined;
    }
    if (!isUserRequest(event, cluster))
        return undefined;
    const at = Date.parse(event.stageTimestamp ?? '');
    return Number.isFinite(at) ? at : undefined;
}
/**
 * The last user request the running API server logged, read from its audit log file. Undefined
 * when the backend cannot read files (ACI) or the log is empty. Only the current file is read, not
 * the rotated ones (the log rotates at 50 MB): a cluster busy enough to rotate is not idle.
 */
async function readLastActivity(backend, cluster) {
    if (!backend.readFile)
        return undefined;
    let stream;
    try {
        stream = await backend.readFile((0,_names_js__WEBPACK_IMPORTED_MODULE_1__/* .controlPlaneGroupName */ .Q9)(cluster), _names_js__WEBPACK_IMPORTED_MODULE_1__/* .API_SERVER_CONTAINER */ .Jn, AUDIT_LOG_PATH);
    }
    catch {
        return undefined;
    }
    let last;
    const lines = (0,node_readline__WEBPACK_IMPORTED_MODULE_0__.createInterface)({ input: stream, crlfDelay: Infinity });
    for await (const line of lines) {
        const at = userRequestTime(line, cluster);
        if (at !== undefined && (last === undefined || at > last))
            last = at;
    }
    return last === undefined ? undefined : new Date(last);
}
function costOf(groups, spentBefore, now, prices = _cost_js__WEBPACK_IMPORTED_MODULE_3__/* .ACI_PRICES */ .$y) {
    const running = groups.filter((g) => !['Stopped', 'Succeeded', 'Failed'].includes(g.instanceView?.state ?? ''));
    const current = groups.reduce((sum, g) => sum + (0,_cost_js__WEBPACK_IMPORTED_MODULE_3__/* .groupCost */ .ZW)((0,_cost_js__WEBPACK_IMPORTED_MODULE_3__/* .groupResources */ .xo)(g), (0,_cost_js__WEBPACK_IMPORTED_MODULE_3__/* .billedSeconds */ .oC)(g, now), prices).total, 0);
    const perDay = running.reduce((sum, g) => sum + (0,_cost_js__WEBPACK_IMPORTED_MODULE_3__/* .groupCost */ .ZW)((0,_cost_js__WEBPACK_IMPORTED_MODULE_3__/* .groupResources */ .xo)(g), 86400, prices).total, 0);
    return { soFar: spentBefore + current, perDay, currency: prices.currency };
}
async function clusterGroups(backend, cluster) {
    return backend.list({ [_names_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.cluster]: cluster });
}
const minutes = (seconds) => seconds % 86400 === 0
    ? `${seconds / 86400}d`
    : seconds % 3600 === 0
        ? `${seconds / 3600}h`
        : `${Math.round(seconds / 60)}m`;
/** What the sweeper does with a cluster now: TTL and cost cap first (down), then idleness (pause). */
function sweepDecision(candidate, now) {
    const { record } = candidate;
    const expires = Date.parse(record.expiresAt);
    if (Number.isFinite(expires) && now.getTime() >= expires)
        return { action: 'down', reason: `its TTL ended at ${record.expiresAt}` };
    if (record.costCapUsd !== undefined && candidate.costSoFar >= record.costCapUsd)
        return {
            action: 'down',
            reason: `its cost so far ($${candidate.costSoFar.toFixed(4)}) reached the cap of $${record.costCapUsd}`,
        };
    if (candidate.phase !== 'Running' || record.idleTimeoutSeconds === undefined)
        return { action: 'none' };
    const since = Math.max(Date.parse(candidate.since) || 0, Date.parse(record.createdAt) || 0, candidate.lastActivity?.getTime() ?? 0);
    const idleSeconds = (now.getTime() - since) / 1000;
    if (idleSeconds >= record.idleTimeoutSeconds)
        return {
            action: 'pause',
            reason: `its API had no request for ${minutes(Math.floor(idleSeconds))} (idle timeout ${minutes(record.idleTimeoutSeconds)})`,
        };
    return { action: 'none' };
}
/** The clusters the sweeper looks after (those with a record), as they stand now. */
async function readCandidates(store, backendFor, now, prices = _cost_js__WEBPACK_IMPORTED_MODULE_3__/* .ACI_PRICES */ .$y) {
    const candidates = [];
    for (const name of await store.clusters()) {
        const record = await readPreviewRecord(store, name).catch(() => undefined);
        if (!record)
            continue;
        const lifecycle = await (0,_snapshot_js__WEBPACK_IMPORTED_MODULE_2__/* .readLifecycle */ .DO)(store, name);
        const backend = await backendFor(name);
        const groups = await clusterGroups(backend, name);
        const running = lifecycle.phase === 'Running' && groups.length > 0;
        candidates.push({
            name,
            record,
            phase: lifecycle.phase,
            since: lifecycle.phase === 'Running' && lifecycle.since === new Date(0).toISOString()
                ? record.createdAt
                : lifecycle.since,
            lastActivity: running ? await readLastActivity(backend, name) : undefined,
            costSoFar: costOf(groups, record.spentBefore ?? 0, now, prices).soFar,
        });
    }
    return candidates;
}
/** One sweep: every candidate's decision carried out through the verbs given; failures are reported, not thrown. */
async function sweep(candidates, verbs, now) {
    const outcomes = [];
    for (const candidate of candidates) {
        const decision = sweepDecision(candidate, now);
        if (decision.action === 'none')
            continue;
        const outcome = {
            cluster: candidate.name,
            record: candidate.record,
            action: decision.action,
            reason: decision.reason,
        };
        try {
            await (decision.action === 'pause' ? verbs.pause(candidate.name) : verbs.down(candidate.name));
        }
        catch (error) {
            outcome.error = error.message.split('\n')[0];
        }
        outcomes.push(outcome);
    }
    return outcomes;
}


/***/ })

};
