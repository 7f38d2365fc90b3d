export const id = 310;
export const ids = [310];
export const modules = {

/***/ 2310:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   fetchSettingsFromEnv: () => (/* binding */ fetchSettingsFromEnv),
/* harmony export */   fetchSnapshot: () => (/* binding */ fetchSnapshot),
/* harmony export */   runFetchSnapshot: () => (/* binding */ runFetchSnapshot)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(46466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _core_snapshot_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(52091);
/* harmony import */ var _core_state_fs_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(72646);
// The control plane's first init container on resume (hidden command `fetch-snapshot`): copies the
// snapshot from the state store into etcd's emptyDir and checks it against pause's record, so
// etcdutl never restores a corrupt or truncated file.






function fetchSettingsFromEnv(env = process.env) {
    const required = (name) => {
        const value = env[name];
        if (!value)
            throw new Error(`fetch-snapshot needs ${name} in its environment`);
        return value;
    };
    const size = Number(required('FRANKENETES_SNAPSHOT_SIZE'));
    if (!Number.isInteger(size) || size < 0)
        throw new Error('FRANKENETES_SNAPSHOT_SIZE must be a byte count');
    return {
        cluster: required('FRANKENETES_CLUSTER'),
        store: required('FRANKENETES_SNAPSHOT_STORE'),
        key: required('FRANKENETES_SNAPSHOT_KEY'),
        sha256: required('FRANKENETES_SNAPSHOT_SHA256'),
        size,
        out: required('FRANKENETES_SNAPSHOT_OUT'),
    };
}
async function openStore(location) {
    if (!/^https?:\/\//i.test(location))
        return new _core_state_fs_js__WEBPACK_IMPORTED_MODULE_5__/* .LocalStateStore */ .M(location);
    // Inside ACI: the group's managed identity (FRANKENETES_MANAGED_IDENTITY); no key in the group.
    const [{ openStateStore }, { createAzureCredential }] = await Promise.all([
        Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 44117)),
        Promise.all(/* import() */[__webpack_require__.e(112), __webpack_require__.e(738), __webpack_require__.e(989), __webpack_require__.e(14)]).then(__webpack_require__.bind(__webpack_require__, 72633)),
    ]);
    return openStateStore(location, createAzureCredential({}));
}
/** Copies and checks the snapshot; throws one line naming the snapshot when it is missing or does not match. */
async function fetchSnapshot(settings, store) {
    const source = store ?? (await openStore(settings.store));
    const stream = await source.getStream(settings.cluster, settings.key);
    const expected = { key: settings.key, sha256: settings.sha256, size: settings.size };
    if (!stream)
        throw new Error((0,_core_snapshot_js__WEBPACK_IMPORTED_MODULE_4__/* .snapshotMismatch */ .Pt)(expected, undefined));
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(settings.out), { recursive: true, mode: 0o700 });
    const part = `${settings.out}.part`;
    const digesting = (0,_core_snapshot_js__WEBPACK_IMPORTED_MODULE_4__/* .digestingStream */ .Nx)();
    try {
        await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_3__.pipeline)(stream, digesting, (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.createWriteStream)(part, { mode: 0o600 }));
        const problem = (0,_core_snapshot_js__WEBPACK_IMPORTED_MODULE_4__/* .snapshotMismatch */ .Pt)(expected, digesting.digest());
        if (problem)
            throw new Error(problem);
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rename)(part, settings.out);
    }
    finally {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(part, { force: true });
    }
}
async function runFetchSnapshot() {
    const settings = fetchSettingsFromEnv();
    await fetchSnapshot(settings);
    process.stderr.write(`fetch-snapshot: ${settings.key} (${settings.size} bytes) matches its SHA-256\n`);
    return 0;
}


/***/ })

};
