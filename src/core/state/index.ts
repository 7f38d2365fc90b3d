// The state store without its Azure Blob implementation, which hosts import from ./blob.js or
// ./open.js when they need it (it brings the Azure SDK along).
export * from './store.js';
export * from './fs.js';
