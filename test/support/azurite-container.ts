// A real Azurite as a storage account of the emulated cloud: a container on the ACI emulator's
// engine network, under the production-style name <account>.blob.core.windows.net, over HTTPS
// with a certificate of the emulator's CA and OAuth on (Azure AD tokens from the emulator's
// identity endpoints: its service principal's, and groups' managed identities'). Groups reach it
// by that name on the network; this machine reaches it through the emulator's edge proxy
// (HTTPS_PROXY), so both use the one URL, as on Azure. It runs this repository's Azurite
// (node_modules, mounted read-only) on the agent image's Node.js.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificate, type CertKeyPair } from '../../src/core/pki.js';
import { ROOT, docker } from '../e2e/harness.js';

const NODE_IMAGE = 'localhost/frankenetes/agent:0.1.0';
const PORT = 10000;

export interface AzuriteAccount {
  account: string;
  /** https://<account>.blob.core.windows.net:10000 */
  accountUrl: string;
  /** For clients on this machine: HTTPS_PROXY through the edge, nothing else proxied. */
  clientEnv: Record<string, string>;
  stop(): Promise<void>;
}

export async function startAzuriteAccount(options: {
  /** The emulator's instance name (its network is frankenetes-<instance>). */
  instance: string;
  dataDir: string;
  edgeUrl: string;
  account: string;
}): Promise<AzuriteAccount> {
  const { account, instance } = options;
  const host = `${account}.blob.core.windows.net`;
  const identity = JSON.parse(readFileSync(join(options.dataDir, 'identity.json'), 'utf8')) as {
    ca: CertKeyPair;
  };
  const serving = await issueCertificate(identity.ca, {
    subject: { cn: host },
    usage: 'server',
    dnsNames: [host],
    lifetimeMs: 24 * 3600_000,
    now: new Date(),
  });
  const certs = mkdtempSync(join(tmpdir(), 'frankenetes-azurite-tls-'));
  writeFileSync(join(certs, 'cert.pem'), serving.cert);
  writeFileSync(join(certs, 'key.pem'), serving.key, { mode: 0o644 });
  const name = `${instance}-azurite-${account}`;
  await docker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
  const key = Buffer.from(`${account}-key`).toString('base64');
  const container = await docker.createContainer({
    name,
    Image: NODE_IMAGE,
    Entrypoint: ['/usr/local/bin/node'],
    Cmd: [
      '/azurite/node_modules/azurite/dist/src/blob/main.js',
      '--blobHost',
      '0.0.0.0',
      '--blobPort',
      String(PORT),
      '--oauth',
      'basic',
      '--cert',
      '/certs/cert.pem',
      '--key',
      '/certs/key.pem',
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--skipApiVersionCheck',
    ],
    Env: [`AZURITE_ACCOUNTS=${account}:${key}`],
    WorkingDir: '/tmp',
    // Removed with the emulator's other containers (they carry its instance as the cluster label).
    Labels: { 'frankenetes.managed': 'true', 'frankenetes.cluster': instance },
    HostConfig: {
      NetworkMode: `frankenetes-${instance}`,
      Binds: [`${join(ROOT, 'node_modules')}:/azurite/node_modules:ro`, `${certs}:/certs:ro`],
    },
    NetworkingConfig: { EndpointsConfig: { [`frankenetes-${instance}`]: { Aliases: [host] } } },
  });
  await container.start();
  const deadline = Date.now() + 30_000;
  let logs = '';
  while (Date.now() < deadline) {
    logs = (await container.logs({ stdout: true, stderr: true })).toString();
    if (/successfully listens on https:/.test(logs)) break;
    if (!(await container.inspect()).State.Running) throw new Error(`Azurite exited:\n${logs}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!/successfully listens on https:/.test(logs))
    throw new Error(`Azurite did not start in 30 s:\n${logs}`);
  return {
    account,
    accountUrl: `https://${host}:${PORT}`,
    clientEnv: { HTTPS_PROXY: options.edgeUrl, NO_PROXY: '127.0.0.1,localhost' },
    stop: async () => {
      await container.remove({ force: true }).catch(() => undefined);
      rmSync(certs, { recursive: true, force: true });
    },
  };
}
