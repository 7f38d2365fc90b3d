// A separate process that takes a cluster's lock and holds it until it is killed: tests SIGKILL it
// to prove a crashed holder does not block others for ever.
// Usage: node --import tsx hold-lock.ts fs <dir> <cluster> <owner> | blob <connection string> <container> <cluster> <owner>
import { BlobStateStore } from '../../src/core/state/blob.js';
import { LocalStateStore } from '../../src/core/state/fs.js';
import type { StateStore } from '../../src/core/state/store.js';

const [kind, ...args] = process.argv.slice(2);
let store: StateStore;
let cluster: string;
let owner: string;
if (kind === 'fs') {
  const [dir, c, o] = args as [string, string, string];
  store = new LocalStateStore(dir, { lockTtlMs: 60_000 });
  [cluster, owner] = [c, o];
} else {
  const [connectionString, container, c, o] = args as [string, string, string, string];
  store = BlobStateStore.fromConnectionString(connectionString, container, { leaseSeconds: 15 });
  [cluster, owner] = [c, o];
}
await store.lock(cluster, { owner, timeoutMs: 0 });
process.stdout.write(`locked ${process.pid}\n`);
setInterval(() => undefined, 60_000);
