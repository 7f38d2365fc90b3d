export const id = 14;
export const ids = [14];
export const modules = {

/***/ 72633:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CredentialError: () => (/* binding */ CredentialError),
/* harmony export */   GITHUB_OIDC_AUDIENCE: () => (/* binding */ GITHUB_OIDC_AUDIENCE),
/* harmony export */   chooseCredential: () => (/* binding */ chooseCredential),
/* harmony export */   createAzureCredential: () => (/* binding */ createAzureCredential)
/* harmony export */ });
/* harmony import */ var _azure_identity__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(23989);

/** The audience GitHub's OIDC token must carry for Microsoft Entra workload identity federation. */
const GITHUB_OIDC_AUDIENCE = 'api://AzureADTokenExchange';
class CredentialError extends Error {
    name = 'CredentialError';
}
/** The known Azure clouds' authorities, which instance discovery can vouch for. */
const AZURE_AUTHORITY_HOSTS = new Set([
    'login.microsoftonline.com',
    'login.chinacloudapi.cn',
    'login.microsoftonline.us',
]);
/**
 * Which credential a context gets, as data: GitHub OIDC when an assertion source is given (it
 * needs a tenant and client id), the group's managed identity inside ACI, and otherwise
 * DefaultAzureCredential (environment service principal, workload identity, managed identity,
 * Azure CLI, …).
 */
function chooseCredential(settings, env = process.env) {
    const tenantId = settings.tenantId || env.AZURE_TENANT_ID || undefined;
    const authority = chooseAuthority(settings.authorityHost || env.AZURE_AUTHORITY_HOST || undefined);
    if (settings.getAssertion) {
        const clientId = settings.clientId || env.AZURE_CLIENT_ID || undefined;
        const missing = [
            !tenantId && 'tenant id (AZURE_TENANT_ID)',
            !clientId && 'client id (AZURE_CLIENT_ID)',
        ].filter(Boolean);
        if (!tenantId || !clientId)
            throw new CredentialError(`GitHub OIDC sign-in needs the ${missing.join(' and ')} of the Azure app registration or managed identity that trusts this repository`);
        return { kind: 'github-oidc', tenantId, clientId, authority };
    }
    const managed = settings.managedIdentity ?? parseManagedIdentity(env.FRANKENETES_MANAGED_IDENTITY);
    if (managed)
        return managed === 'system' ? { kind: 'managed-identity' } : { kind: 'managed-identity', ...managed };
    return { kind: 'default', tenantId, authority };
}
function chooseAuthority(authorityHost) {
    if (!authorityHost)
        return { disableInstanceDiscovery: false };
    let host;
    try {
        const url = new URL(authorityHost);
        if (url.protocol !== 'https:')
            throw new Error('not https');
        host = url.hostname;
    }
    catch {
        throw new CredentialError(`authority host "${authorityHost}" must be an https URL`);
    }
    return { authorityHost, disableInstanceDiscovery: !AZURE_AUTHORITY_HOSTS.has(host) };
}
/**
 * FRANKENETES_MANAGED_IDENTITY: "system", or a user-assigned identity by resource id (what `up`
 * puts in the control-plane group: it knows the identity's resource id, not its client id) or client id.
 */
function parseManagedIdentity(value) {
    if (!value)
        return undefined;
    if (value === 'system')
        return 'system';
    return value.startsWith('/subscriptions/') ? { resourceId: value } : { clientId: value };
}
/** The TokenCredential for a context (see chooseCredential). Nothing here logs a token or assertion. */
function createAzureCredential(settings, env = process.env) {
    const choice = chooseCredential(settings, env);
    const options = settings.clientOptions ?? {};
    switch (choice.kind) {
        case 'github-oidc':
            return new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .ClientAssertionCredential */ .XI(choice.tenantId, choice.clientId, settings.getAssertion, {
                ...options,
                ...authorityOptions(choice.authority),
            });
        case 'managed-identity':
            if (choice.resourceId)
                return new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .ManagedIdentityCredential */ .NC({ ...options, resourceId: choice.resourceId });
            return choice.clientId
                ? new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .ManagedIdentityCredential */ .NC({ ...options, clientId: choice.clientId })
                : new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .ManagedIdentityCredential */ .NC(options);
        case 'default':
            return new _azure_identity__WEBPACK_IMPORTED_MODULE_0__/* .DefaultAzureCredential */ .gv({
                ...options,
                ...(choice.tenantId && { tenantId: choice.tenantId }),
                ...authorityOptions(choice.authority),
            });
    }
}
function authorityOptions(authority) {
    return {
        ...(authority.authorityHost && { authorityHost: authority.authorityHost }),
        ...(authority.disableInstanceDiscovery && { disableInstanceDiscovery: true }),
    };
}


/***/ })

};
