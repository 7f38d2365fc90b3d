export const id = 352;
export const ids = [352];
export const modules = {

/***/ 94352:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readCredential: () => (/* binding */ readCredential),
/* harmony export */   runEtcdSnapshot: () => (/* binding */ runEtcdSnapshot),
/* harmony export */   snapshotChunks: () => (/* binding */ snapshotChunks),
/* harmony export */   streamEtcdSnapshot: () => (/* binding */ streamEtcdSnapshot)
/* harmony export */ });
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(44708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(46466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(57075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _core_snapshot_lines_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(48581);
// Pause on ACI (hidden command `etcd-snapshot <endpoint>`, run by exec in the agent container).
// ACI's exec runs one executable without arguments, so etcdctl cannot be run in the distroless
// etcd container; the agent's image has a shell and Node. It reads a short-lived etcd client
// certificate from stdin (never from disk or the group definition), streams etcd's snapshot from
// the member's gRPC gateway over TLS on localhost, and writes it to stdout as base64 lines.




const PEM = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;
const CREDENTIAL_TIMEOUT_MS = 30_000;
/** The CA, certificate and key, in that order, from the first three PEM blocks of the input. */
async function readCredential(input, timeoutMs = CREDENTIAL_TIMEOUT_MS) {
    let text = '';
    const blocks = () => text.replace(/\r/g, '').match(PEM) ?? [];
    const timer = setTimeout(() => input.destroy(new Error('no etcd client credential on stdin')), timeoutMs);
    try {
        for await (const chunk of input) {
            text += chunk.toString();
            if (blocks().length >= 3)
                break;
        }
    }
    finally {
        clearTimeout(timer);
    }
    const [ca, cert, key] = blocks();
    if (!ca || !cert || !key)
        throw new Error('expected the etcd CA, a client certificate and its key on stdin');
    return { ca: `${ca}\n`, cert: `${cert}\n`, key: `${key}\n` };
}
/**
 * etcd's gateway answers POST /v3/maintenance/snapshot with one JSON message per line, each with
 * a base64 chunk of the snapshot (`result.blob`), or `error` when the stream fails: lines in,
 * the snapshot's bytes out.
 */
function snapshotChunks() {
    let text = '';
    const bytesOf = (line) => {
        if (!line.trim())
            return undefined;
        const message = JSON.parse(line);
        if (message.error)
            throw new Error(`etcd: ${message.error.message ?? JSON.stringify(message.error)}`);
        return message.result?.blob ? Buffer.from(message.result.blob, 'base64') : undefined;
    };
    const emit = (stream, lines) => {
        for (const line of lines) {
            const bytes = bytesOf(line);
            if (bytes)
                stream.push(bytes);
        }
    };
    return new node_stream__WEBPACK_IMPORTED_MODULE_2__.Transform({
        transform(chunk, _encoding, done) {
            text += chunk.toString();
            const lines = text.split('\n');
            text = lines.pop() ?? '';
            try {
                emit(this, lines);
                done();
            }
            catch (error) {
                done(error);
            }
        },
        flush(done) {
            try {
                emit(this, [text]);
                done();
            }
            catch (error) {
                done(error);
            }
        },
    });
}
/** Streams the member's snapshot to `out` as snapshot lines. */
async function streamEtcdSnapshot(endpoint, credential, out) {
    const response = await new Promise((resolve, reject) => {
        const req = (0,node_https__WEBPACK_IMPORTED_MODULE_0__.request)(new URL('/v3/maintenance/snapshot', endpoint), { method: 'POST', ...credential, headers: { 'content-type': 'application/json' } }, (res) => {
            if (res.statusCode !== 200) {
                let body = '';
                res.on('data', (d) => (body += d.toString()));
                res.on('end', () => reject(new Error(`etcd answered ${res.statusCode}: ${body.trim().slice(0, 200)}`)));
                return;
            }
            resolve(res);
        });
        req.on('error', reject);
        req.end('{}');
    });
    await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_1__.pipeline)(response, snapshotChunks(), (0,_core_snapshot_lines_js__WEBPACK_IMPORTED_MODULE_3__/* .snapshotLineEncoder */ .f$)(), out, { end: false });
}
async function runEtcdSnapshot(endpoint) {
    if (!endpoint)
        throw new Error('etcd-snapshot needs the etcd client URL');
    const credential = await readCredential(process.stdin);
    await streamEtcdSnapshot(endpoint, credential, process.stdout);
    return 0;
}


/***/ })

};
