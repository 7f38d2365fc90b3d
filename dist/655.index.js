export const id = 655;
export const ids = [655];
export const modules = {

/***/ 27655:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   waitForApiServerPort: () => (/* binding */ waitForApiServerPort)
/* harmony export */ });
/* harmony import */ var _core_names_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(22483);
/* harmony import */ var _core_serving_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(11674);


/**
 * Resolves once the API server serves on its port in the group's own network (it listens only
 * after most of its start-up). Nothing else is loaded meanwhile: the agent's modules cost CPU on
 * the same cores the API server and etcd start on, and the node cannot register before the API
 * serves anyway.
 */
async function waitForApiServerPort(port = _core_names_js__WEBPACK_IMPORTED_MODULE_0__/* .API_SERVER_PORT */ .dp, host = '127.0.0.1', intervalMs = 100) {
    while (!(await (0,_core_serving_js__WEBPACK_IMPORTED_MODULE_1__/* .servesTls */ ._)(host, port)))
        await new Promise((r) => setTimeout(r, intervalMs));
}


/***/ })

};
