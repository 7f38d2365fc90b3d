export const id = 655;
export const ids = [655];
export const modules = {

/***/ 27655:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   waitForApiServerPort: () => (/* binding */ waitForApiServerPort)
/* harmony export */ });
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _core_names_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(22483);


/**
 * Resolves once the API server accepts connections on its port in the group's own network (it
 * listens only after most of its start-up). Nothing else is loaded meanwhile: the agent's modules
 * and the Kubernetes client cost over half a second of CPU, on the same cores the API server and
 * etcd start on, and the node cannot register before the API serves anyway.
 */
async function waitForApiServerPort(port = _core_names_js__WEBPACK_IMPORTED_MODULE_1__/* .API_SERVER_PORT */ .dp, host = '127.0.0.1', intervalMs = 100) {
    for (;;) {
        const open = await new Promise((resolve) => {
            const socket = (0,node_net__WEBPACK_IMPORTED_MODULE_0__.connect)({ host, port });
            const done = (ok) => {
                socket.destroy();
                resolve(ok);
            };
            socket.once('connect', () => done(true));
            socket.once('error', () => done(false));
            socket.setTimeout(1000, () => done(false));
        });
        if (open)
            return;
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}


/***/ })

};
