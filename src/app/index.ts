// The GitHub App's entry (dist/app/index.js): `node dist/app/index.js` with APP_ID, PRIVATE_KEY (or
// PRIVATE_KEY_PATH) and WEBHOOK_SECRET; see README "The GitHub App" for the other settings.
import '../shared/cjs-globals.js';
import { readFileSync } from 'node:fs';
import { Probot } from 'probot';
import { armEndpointFrom, openBackend, openStore, type HostSettings } from '../core/connect.js';
import { BACKENDS, type BackendKind } from '../core/spec.js';
import { frankenetesApp } from './app.js';
import { startAppServer } from './server.js';
import { coreVerbs } from './verbs.js';

class SettingsError extends Error {}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new SettingsError(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const appId = Number(required('APP_ID'));
  if (!Number.isInteger(appId) || appId <= 0) throw new SettingsError("APP_ID must be the app's numeric id");
  const privateKey = process.env.PRIVATE_KEY_PATH
    ? readFileSync(process.env.PRIVATE_KEY_PATH, 'utf8')
    : required('PRIVATE_KEY');
  const secret = required('WEBHOOK_SECRET');
  const backend = (process.env.FRANKENETES_BACKEND || 'docker') as BackendKind;
  if (!(BACKENDS as readonly string[]).includes(backend))
    throw new SettingsError(`FRANKENETES_BACKEND must be one of ${BACKENDS.join(', ')}`);
  const sweepMinutes = Number(process.env.FRANKENETES_SWEEP_MINUTES ?? '5');
  if (!(sweepMinutes >= 0)) throw new SettingsError('FRANKENETES_SWEEP_MINUTES must be a number of minutes');
  const host: HostSettings = { armEndpoint: armEndpointFrom() };
  const store = await openStore(process.env.FRANKENETES_STATE || undefined, host);
  const probot = new Probot({
    appId,
    // Multi-line keys may come base64-encoded or with literal \n (as Probot accepts them).
    privateKey: privateKey.includes('BEGIN')
      ? privateKey.replace(/\\n/g, '\n')
      : Buffer.from(privateKey, 'base64').toString('utf8'),
    secret,
  });
  const frankenetes = frankenetesApp({
    verbs: coreVerbs({
      store,
      backendFor: (target) => openBackend(target, host),
      apiProxy: process.env.FRANKENETES_API_PROXY || undefined,
      progress: (message) => probot.log.info(message),
    }),
    appId,
    defaults: { backend },
    stateLocation: store.location,
    sweepIntervalMs: sweepMinutes * 60_000,
  });
  const server = await startAppServer({
    probot,
    app: frankenetes.app,
    secret,
    port: Number(process.env.PORT ?? '3000'),
    host: process.env.HOST,
  });
  probot.log.info(
    `Frankenetes app listening on ${server.url} (state store ${store.location}, backend ${backend})`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      frankenetes.stop();
      probot.log.info(`${signal}: finishing queued work`);
      void server
        .close()
        .then(() => frankenetes.queue.idle())
        .then(() => process.exit(0));
    });
}

main().catch((error: unknown) => {
  process.stderr.write(`frankenetes app: error: ${(error as Error).message.split('\n')[0]}\n`);
  process.exit(error instanceof SettingsError ? 2 : 1);
});
