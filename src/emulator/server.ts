import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Docker from 'dockerode';
import { WebSocketServer } from 'ws';
import type { ContainerGroupBackend } from '../core/backend.js';
import { DockerBackend, defaultEngineSocket } from '../core/backends/docker.js';
import { createCertificateAuthority, issueCertificate, type CertKeyPair } from '../core/pki.js';
import {
  API_VERSION,
  ArmError,
  PROVIDER,
  internalError,
  missingApiVersion,
  throttled,
  unsupportedApiVersion,
} from './arm.js';
import { Sessions, serveAttach, serveExec } from './exec.js';
import { Faults, type Fault } from './faults.js';
import { GroupService, type EngineDeps, type Ids } from './groups.js';
import {
  IdentityService,
  instanceDiscovery,
  msiError,
  openIdConfiguration,
  type ServicePrincipal,
} from './identity.js';
import { normalizeLocation, type StoredGroup, type StoredOperation, type WireGroup } from './model.js';
import { ACI_LIMITS, ACI_REGIONS, schemaError, type AciLimits } from './rules.js';
import { containerInstanceValidator } from './spec.js';
import { matchOperation, type MatchedOperation, type OperationSpec, type Violation } from './swagger.js';
import { ARM_THROTTLE, Throttle, type RequestKind, type ThrottleSettings } from './throttle.js';
import { TokenSigner, secretsEqual } from './tokens.js';

export interface EmulatorOptions {
  /** Address to listen on (default 127.0.0.1) and port (default: any free one). */
  host?: string;
  port?: number;
  /** Keeps the CA, the token-signing key, credentials and every group here; in memory without it. */
  dataDir?: string;
  tenantId?: string;
  /** Service principals the token endpoint accepts (default: one, generated). */
  principals?: ServicePrincipal[];
  /** Names and addresses the serving certificate covers, besides localhost and 127.0.0.1. */
  tlsNames?: string[];
  tlsIps?: string[];
  /**
   * The URL containers reach the emulator at (e.g. https://management.azure.local:8443, when it runs
   * as a container on the engine network). Groups with a managed identity then get its token endpoint.
   */
  internalUrl?: string;
  limits?: Partial<AciLimits>;
  regions?: string[];
  /** ARM's token buckets; false turns throttling off. */
  throttle?: ThrottleSettings | false;
  /** Published image prefixes and the local prefixes they are built under. */
  imageMap?: { from: string; to: string }[];
  /** The engine; default: the docker backend on the local engine. */
  engine?: EngineDeps;
  engineSocket?: string;
  /** Names this emulator's engine objects (prefix and network); default "aci-emulator". */
  instance?: string;
  /** Extra wait at the start of each long-running operation. */
  operationDelayMs?: number;
  faults?: Fault[];
  log?: (message: string) => void;
}

export interface RecordedViolation extends Violation {
  direction: 'request' | 'response';
  operationId: string;
  method: string;
  url: string;
  status?: number;
}

export interface Emulator {
  /** The ARM endpoint for the host, e.g. https://127.0.0.1:41234. */
  url: string;
  port: number;
  /** PEM of the CA that signed the serving certificate: trust it (NODE_EXTRA_CA_CERTS), never skip checks. */
  caCert: string;
  /** Where the CA is written, when the emulator has a data directory. */
  caPath?: string;
  tenantId: string;
  /** The default service principal (its secret is the emulator's own, not a real one). */
  principal: ServicePrincipal;
  /** Sent as `x-emulator-admin-key` to the admin endpoints under /emulator/. */
  adminKey: string;
  faults: Faults;
  groups: GroupService;
  /** Responses that broke the spec (a bug in the emulator: they were answered with 500). */
  violations: RecordedViolation[];
  /** Requests that broke the spec (answered with ARM's 400). */
  requestViolations: RecordedViolation[];
  /** Every ARM request answered: method, path, status. */
  requests: { method: string; path: string; operationId?: string; status: number }[];
  stop(): Promise<void>;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const MAX_BODY = 4 * 1024 * 1024;

/** ACI's operations, as GET /providers/Microsoft.ContainerInstance/operations lists them. */
const OPERATIONS = [
  ['containerGroups/read', 'Get Container Groups', 'Get all container groups.'],
  ['containerGroups/write', 'Create or Update Container Groups', 'Create or Update any container group.'],
  ['containerGroups/delete', 'Delete Container Groups', 'Delete the container group.'],
  ['containerGroups/start/action', 'Start Container Groups', 'Starts the container group.'],
  ['containerGroups/stop/action', 'Stop Container Groups', 'Stops the container group.'],
  ['containerGroups/restart/action', 'Restart Container Groups', 'Restarts the container group.'],
  ['containerGroups/containers/logs/read', 'Get Container Logs', 'Get the logs for this container.'],
  ['containerGroups/containers/exec/action', 'Container Exec', 'Exec into a container.'],
  ['containerGroups/containers/attach/action', 'Container Attach', 'Attach to a container.'],
].map(([name, operation, description]) => ({
  name: `${PROVIDER}/${name}`,
  display: { provider: 'Microsoft Container Instance', resource: 'Container Group', operation, description },
  origin: 'User',
}));

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new ArmError(
        413,
        'RequestEntityTooLarge',
        'The request content size exceeds the maximum allowed size of 4 MB.',
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function writeSecretFile(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, path);
}

/** The docker backend per region (the region's DNS suffix) and local images for published names. */
function dockerEngine(socketPath: string, imageMap: { from: string; to: string }[]): EngineDeps {
  const backends = new Map<string, ContainerGroupBackend>();
  const docker = new Docker({ socketPath });
  const exists = async (image: string) =>
    docker
      .getImage(image)
      .inspect()
      .then(() => true)
      .catch(() => false);
  return {
    backendFor(location) {
      let backend = backends.get(location);
      if (!backend) {
        backend = new DockerBackend({ socketPath, domain: `${location}.azurecontainer.io` });
        backends.set(location, backend);
      }
      return backend;
    },
    async cachedImages() {
      const images = await docker.listImages();
      return images
        .flatMap((i) => i.RepoTags ?? [])
        .filter((t) => !t.includes('<none>'))
        .sort();
    },
    async resolveImage(image) {
      if (await exists(image)) return image;
      for (const { from, to } of imageMap) {
        if (image.startsWith(from) && (await exists(`${to}${image.slice(from.length)}`))) {
          return `${to}${image.slice(from.length)}`;
        }
      }
      return undefined;
    },
  };
}

interface Persisted {
  tenantId: string;
  principal: ServicePrincipal;
  adminKey: string;
  signingKey: string;
  ca: CertKeyPair;
}

async function loadOrCreateIdentity(
  dataDir: string | undefined,
  tenantId?: string,
  principal?: ServicePrincipal,
): Promise<Persisted> {
  const file = dataDir && join(dataDir, 'identity.json');
  if (file && existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Persisted;
  const tenant = tenantId ?? randomUUID();
  const created: Persisted = {
    tenantId: tenant,
    principal: principal ?? {
      tenantId: tenant,
      clientId: randomUUID(),
      clientSecret: randomBytes(24).toString('base64url'),
    },
    adminKey: randomBytes(24).toString('base64url'),
    signingKey: new TokenSigner().privateKeyPem(),
    ca: await createCertificateAuthority('frankenetes-aci-emulator-ca'),
  };
  if (file && dataDir) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeSecretFile(file, JSON.stringify(created, null, 2));
  }
  return created;
}

/** Starts the emulator: an HTTPS server at ARM's paths for Microsoft.ContainerInstance 2023-05-01. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const log = options.log ?? ((m: string) => process.stderr.write(`emulator: ${m}\n`));
  const persisted = await loadOrCreateIdentity(options.dataDir, options.tenantId, options.principals?.[0]);
  const tenantId = persisted.tenantId;
  const principals = options.principals ?? [persisted.principal];
  const serving = await issueCertificate(persisted.ca, {
    subject: { cn: 'frankenetes-aci-emulator' },
    usage: 'server',
    dnsNames: ['localhost', 'management.azure.local', ...(options.tlsNames ?? [])],
    ips: ['127.0.0.1', ...(options.tlsIps ?? [])],
    lifetimeMs: 365 * 24 * 3600_000,
    now: new Date(),
  });
  const caPath = options.dataDir ? join(options.dataDir, 'ca.crt') : undefined;
  if (caPath) await writeFile(caPath, persisted.ca.cert, { mode: 0o644 });

  const signer = new TokenSigner(persisted.signingKey);
  const validator = containerInstanceValidator();
  const faults = new Faults();
  for (const f of options.faults ?? []) faults.add(f);
  const throttle = options.throttle === false ? undefined : new Throttle(options.throttle ?? ARM_THROTTLE);
  const instance = options.instance ?? 'aci-emulator';
  const engine =
    options.engine ??
    dockerEngine(
      options.engineSocket ?? defaultEngineSocket(),
      options.imageMap ?? [{ from: 'ghcr.io/frankenetes/', to: 'localhost/frankenetes/' }],
    );
  const stateFile = options.dataDir ? join(options.dataDir, 'state.json') : undefined;
  let saving: Promise<void> = Promise.resolve();
  const groups: GroupService = new GroupService(engine, {
    tenantId,
    limits: { ...ACI_LIMITS, ...options.limits },
    regions: options.regions ?? ACI_REGIONS,
    engineCluster: instance,
    enginePrefix: instance,
    faults,
    log,
    changed: () => {
      if (!stateFile) return;
      const snapshot = JSON.stringify({
        groups: [...groups.groups.values()],
        operations: [...groups.operations.values()],
      });
      saving = saving
        .then(() => writeSecretFile(stateFile, snapshot))
        .catch((e: unknown) => log(`could not save state: ${String(e)}`));
    },
    callback: options.internalUrl
      ? { url: options.internalUrl.replace(/\/$/, ''), caPem: persisted.ca.cert }
      : undefined,
    operationDelayMs: options.operationDelayMs ?? 0,
  });
  if (stateFile && existsSync(stateFile)) {
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as {
      groups: StoredGroup[];
      operations: StoredOperation[];
    };
    for (const g of state.groups) groups.groups.set(g.id.toLowerCase(), g);
    for (const op of state.operations) groups.operations.set(op.id, op);
    groups.recover();
  }

  const sessions = new Sessions();
  const violations: RecordedViolation[] = [];
  const requestViolations: RecordedViolation[] = [];
  const requests: Emulator['requests'] = [];
  let port = 0;
  const hostUrl = () => `https://127.0.0.1:${port}`;
  const baseOf = (req: IncomingMessage) => `https://${req.headers.host ?? `127.0.0.1:${port}`}`;
  // Entra's v1 issuer, as real ARM and storage tokens carry it (Azurite checks it, too).
  const identity = new IdentityService(signer, principals, 'https://sts.windows.net');

  const send = (res: ServerResponse, reply: Reply, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = { ...extra, ...reply.headers };
    let payload: string | undefined;
    if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers['Content-Type'] = 'application/json; charset=utf-8';
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  };

  /** Checks a response against the operation's declared responses; a mismatch is the emulator's bug. */
  const checkResponse = (
    m: MatchedOperation | { operation: OperationSpec; method: string },
    reply: Reply,
    url: string,
  ): Reply => {
    const declared =
      m.operation.responses[String(reply.status)] ??
      (reply.status >= 400 ? m.operation.responses.default : undefined);
    const found: Violation[] = [];
    if (!declared) {
      found.push({
        kind: 'type',
        path: '(status)',
        message: `status ${reply.status} is not a declared response of ${m.operation.operationId}`,
      });
    } else if (declared.schema) {
      found.push(
        ...validator.validate(
          declared.schema,
          reply.body,
          m.method === 'POST' ? 'action-response' : 'response',
        ),
      );
    } else if (reply.body !== undefined) {
      found.push({
        kind: 'type',
        path: '(body)',
        message: `${m.operation.operationId} ${reply.status} declares no body`,
      });
    }
    if (!found.length) return reply;
    for (const v of found) {
      violations.push({
        ...v,
        direction: 'response',
        operationId: m.operation.operationId,
        method: m.method,
        url,
        status: reply.status,
      });
    }
    log(`BUG: response of ${m.operation.operationId} broke the spec: ${found[0]?.message}`);
    return {
      status: 500,
      body: internalError(`The emulator's response broke the spec: ${found[0]?.message}`).body(),
    };
  };

  const idsOf = (params: Record<string, string>): Ids => ({
    subscriptionId: params.subscriptionId ?? '',
    resourceGroup: params.resourceGroupName ?? '',
    name: params.containerGroupName ?? '',
  });

  const operationUrls = (req: IncomingMessage, g: StoredGroup, op: StoredOperation) => {
    const prefix = `${baseOf(req)}/subscriptions/${g.subscriptionId}/resourceGroups/${g.resourceGroup}/providers/${PROVIDER}/locations/${g.location}`;
    return {
      asyncOperation: `${prefix}/operations/${op.id}?api-version=${API_VERSION}`,
      location: `${prefix}/operationResults/${op.id}?api-version=${API_VERSION}`,
    };
  };

  /** The handlers, by the spec's operation ids. */
  const handle = async (
    m: MatchedOperation,
    req: IncomingMessage,
    query: URLSearchParams,
    body: unknown,
  ): Promise<Reply> => {
    const ids = idsOf(m.params);
    switch (m.operation.operationId) {
      case 'ContainerGroups_List':
      case 'ContainerGroups_ListByResourceGroup': {
        const list = groups.list(ids.subscriptionId, m.params.resourceGroupName);
        return { status: 200, body: { value: await Promise.all(list.map((g) => groups.render(g, 'list'))) } };
      }
      case 'ContainerGroups_Get':
        return { status: 200, body: await groups.render(groups.require(ids)) };
      case 'ContainerGroups_CreateOrUpdate': {
        const { created, group, operation } = groups.createOrUpdate(ids, body as WireGroup);
        return {
          status: created ? 201 : 200,
          body: await groups.render(group, 'put'),
          headers: { 'Azure-AsyncOperation': operationUrls(req, group, operation).asyncOperation },
        };
      }
      case 'ContainerGroups_Update': {
        const g = groups.updateTags(ids, (body as { tags?: Record<string, string> }).tags);
        return { status: 200, body: await groups.render(g) };
      }
      case 'ContainerGroups_Delete': {
        const g = groups.find(ids);
        const op = groups.delete(ids);
        if (!g || !op) return { status: 204 };
        const urls = operationUrls(req, g, op);
        return {
          status: 202,
          headers: { 'Azure-AsyncOperation': urls.asyncOperation, Location: urls.location },
        };
      }
      case 'ContainerGroups_Start': {
        const op = groups.start(ids);
        return {
          status: 202,
          headers: { 'Azure-AsyncOperation': operationUrls(req, groups.require(ids), op).asyncOperation },
        };
      }
      case 'ContainerGroups_Restart': {
        const op = groups.restart(ids);
        return {
          status: 204,
          headers: { 'Azure-AsyncOperation': operationUrls(req, groups.require(ids), op).asyncOperation },
        };
      }
      case 'ContainerGroups_Stop':
        await groups.stop(ids);
        return { status: 204 };
      case 'Containers_ListLogs': {
        const tail = query.get('tail');
        const content = await groups.logs(
          ids,
          m.params.containerName ?? '',
          tail === null ? undefined : Number(tail),
          query.get('timestamps')?.toLowerCase() === 'true',
        );
        return { status: 200, body: { content } };
      }
      case 'Containers_ExecuteCommand': {
        const container = m.params.containerName ?? '';
        const g = groups.requireRunningContainer(ids, container);
        const request = body as { command?: string; terminalSize?: { rows?: number; cols?: number } };
        const command = request.command ?? '/bin/sh';
        const size = { cols: request.terminalSize?.cols ?? 80, rows: request.terminalSize?.rows ?? 24 };
        const { id, password } = sessions.addExec(() => groups.exec(g, container, command, size));
        log(`exec ${command} in ${g.name}/${container}`);
        return {
          status: 200,
          body: { webSocketUri: `${baseOf(req).replace(/^https/, 'wss')}/exec/${id}`, password },
        };
      }
      case 'Containers_Attach': {
        const container = m.params.containerName ?? '';
        const g = groups.requireRunningContainer(ids, container);
        const backend = engine.backendFor(g.location);
        const { id, password } = sessions.addAttach(() =>
          backend.logs(g.engineName, container, { follow: true, tailLines: 0 }),
        );
        return {
          status: 200,
          body: { webSocketUri: `${baseOf(req).replace(/^https/, 'wss')}/attach/${id}`, password },
        };
      }
      case 'Operations_List':
        return { status: 200, body: { value: OPERATIONS } };
      case 'Location_ListUsage': {
        const location = normalizeLocation(m.params.location ?? '');
        const inRegion = groups.list(ids.subscriptionId).filter((g) => g.location === location);
        const limits = { ...ACI_LIMITS, ...options.limits };
        const cores = inRegion
          .filter((g) => !g.stopped)
          .reduce(
            (sum, g) =>
              sum + g.properties.containers.reduce((s, c) => s + c.properties.resources.requests.cpu, 0),
            0,
          );
        return {
          status: 200,
          body: {
            value: [
              {
                unit: 'Count',
                currentValue: inRegion.length,
                limit: limits.groupsPerRegion,
                name: { value: 'ContainerGroups', localizedValue: 'Container Groups' },
              },
              {
                unit: 'Count',
                currentValue: Math.ceil(cores),
                limit: limits.coresPerRegion,
                name: { value: 'StandardCores', localizedValue: 'Standard Cores' },
              },
            ],
          },
        };
      }
      case 'Location_ListCachedImages': {
        const images = (await engine.cachedImages?.()) ?? [];
        return { status: 200, body: { value: images.map((image) => ({ osType: 'Linux', image })) } };
      }
      case 'Location_ListCapabilities': {
        const limits = { ...ACI_LIMITS, ...options.limits };
        return {
          status: 200,
          body: {
            value: [
              {
                resourceType: 'containerGroups',
                osType: 'Linux',
                location: normalizeLocation(m.params.location ?? ''),
                ipAddressType: 'Public',
                gpu: 'None',
                capabilities: {
                  maxMemoryInGB: limits.memoryInGBPerGroup,
                  maxCpu: limits.cpuPerGroup,
                  maxGpuCount: 0,
                },
              },
            ],
          },
        };
      }
      case 'ContainerGroups_GetOutboundNetworkDependenciesEndpoints':
        groups.require(ids);
        return { status: 200, body: [] };
      case 'SubnetServiceAssociationLink_Delete':
        return { status: 204 };
      default:
        throw new ArmError(
          501,
          'NotImplemented',
          `The emulator does not implement ${m.operation.operationId}.`,
        );
    }
  };

  const operationStatusSpec: OperationSpec = {
    operationId: 'EmulatorOperationStatus',
    responses: {
      200: { schema: { $ref: '#/definitions/EmulatorOperationStatus' } },
      default: { schema: { $ref: '#/definitions/CloudError' } },
    },
  };
  const operationResultSpec: OperationSpec = {
    operationId: 'EmulatorOperationResult',
    responses: { 202: {}, 204: {}, default: { schema: { $ref: '#/definitions/CloudError' } } },
  };

  /** GET …/locations/{l}/operations/{id} (Azure-AsyncOperation) and …/operationResults/{id} (Location). */
  const operationRoute = (path: string) => {
    const match =
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerInstance\/locations\/[^/]+\/(operations|operationResults)\/([^/]+)$/i.exec(
        path,
      );
    if (!match) return undefined;
    return { kind: match[1]?.toLowerCase() === 'operations' ? 'status' : 'result', id: match[2] ?? '' };
  };

  const handleArm = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const record = (status: number, operationId?: string) =>
      requests.push({ method, path, operationId, status });
    const base: Record<string, string> = {
      'x-ms-request-id': randomUUID(),
      'x-ms-correlation-request-id': (req.headers['x-ms-correlation-request-id'] as string) ?? randomUUID(),
    };
    const opRoute = operationRoute(path);
    const matched = opRoute ? undefined : matchOperation(validator.document, method, path);
    const spec: { operation: OperationSpec; method: string } | undefined = opRoute
      ? { operation: opRoute.kind === 'status' ? operationStatusSpec : operationResultSpec, method }
      : matched;
    try {
      identity.authenticate(req.headers.authorization);
      const fault = faults.forRequest(method, path);
      if (fault?.kind === 'throttle') {
        throw throttled('write', subscriptionOf(path), fault.retryAfterSeconds ?? 1);
      }
      if (fault?.kind === 'error') {
        throw new ArmError(fault.status ?? 500, fault.code ?? 'InternalServerError', 'Injected failure.');
      }
      const kind: RequestKind = method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : 'write';
      const sub = subscriptionOf(path);
      if (throttle) {
        const taken = throttle.take(sub, kind);
        if ('retryAfterSeconds' in taken) throw throttled(kind, sub, taken.retryAfterSeconds);
        const bucket = { read: 'reads', write: 'writes', delete: 'deletes' }[kind];
        base[`x-ms-ratelimit-remaining-subscription-${bucket}`] = String(taken.remaining);
      }
      if (!spec) {
        const provider = path.toLowerCase().includes(`/providers/${PROVIDER.toLowerCase()}/`);
        throw provider
          ? new ArmError(
              404,
              'InvalidResourceType',
              `The resource type could not be found in the namespace '${PROVIDER}' for api version '${url.searchParams.get('api-version') ?? ''}'.`,
            )
          : new ArmError(404, 'NotFound', `The path '${path}' is not served by the ACI emulator.`);
      }
      const version = url.searchParams.get('api-version');
      if (!version) throw missingApiVersion();
      if (version !== API_VERSION) throw unsupportedApiVersion(version);
      if (opRoute) {
        const op = groups.operations.get(opRoute.id);
        if (!op) throw new ArmError(404, 'OperationNotFound', `The operation '${opRoute.id}' was not found.`);
        let reply: Reply;
        if (opRoute.kind === 'status') {
          const body: Record<string, unknown> = {
            id: path,
            name: op.id,
            status: op.status,
            startTime: op.startTime,
          };
          if (op.endTime) body.endTime = op.endTime;
          if (op.error) body.error = op.error;
          reply = { status: 200, body };
        } else if (op.status === 'InProgress') {
          reply = {
            status: 202,
            headers: { Location: `${baseOf(req)}${path}?api-version=${API_VERSION}`, 'Retry-After': '1' },
          };
        } else if (op.status === 'Failed') {
          reply = { status: 500, body: { error: op.error } };
        } else {
          reply = { status: 204 };
        }
        reply = checkResponse(spec, reply, path);
        record(reply.status, spec.operation.operationId);
        send(res, reply, base);
        return;
      }
      const m = matched as MatchedOperation;
      // The request against the spec: path and query parameters, then the body.
      let body: unknown;
      const problems: Violation[] = [];
      const raw = await readBody(req);
      for (const p of m.operation.parameters ?? []) {
        const param = validator.parameter(p);
        if (param.in === 'query' && param.name !== 'api-version')
          problems.push(...validator.validateParameter(param, url.searchParams.get(param.name) ?? undefined));
        if (param.in === 'body') {
          if (!raw.length) {
            if (param.required)
              problems.push({
                kind: 'required',
                path: '(body)',
                message: `the request body (${param.name}) is required`,
              });
            continue;
          }
          const type = req.headers['content-type'] ?? '';
          if (!/^application\/json/i.test(type)) {
            throw new ArmError(
              415,
              'UnsupportedMediaType',
              `The content media type '${type}' is not supported. Only 'application/json' is supported.`,
            );
          }
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch (error) {
            throw new ArmError(
              400,
              'InvalidRequestContent',
              `The request content was invalid and could not be deserialized: '${(error as Error).message}'.`,
            );
          }
          if (param.schema) {
            problems.push(...validator.validate(param.schema, body, 'request'));
            body = validator.canonicalize(param.schema, body);
          }
        }
      }
      if (problems.length) {
        for (const v of problems)
          requestViolations.push({
            ...v,
            direction: 'request',
            operationId: m.operation.operationId,
            method,
            url: path,
          });
        throw schemaError(problems, m.params.containerGroupName);
      }
      const reply = checkResponse(m, await handle(m, req, url.searchParams, body), path);
      record(reply.status, m.operation.operationId);
      send(res, reply, base);
    } catch (error) {
      const e =
        error instanceof ArmError
          ? error
          : internalError(`Encountered an internal server error: ${(error as Error).message}`);
      if (!(error instanceof ArmError))
        log(`internal error on ${method} ${path}: ${(error as Error).stack ?? String(error)}`);
      let reply: Reply = { status: e.status, body: e.body(), headers: e.extra.headers };
      if (spec) reply = checkResponse(spec, reply, path);
      record(reply.status, spec?.operation.operationId);
      send(res, reply, base);
    }
  };

  const handleIdentity = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname;
    const json = (status: number, body: unknown) => send(res, { status, body });
    let m = /^\/([^/]+)(?:\/v2\.0)?\/\.well-known\/openid-configuration$/.exec(path);
    if (m?.[1] && req.method === 'GET') {
      json(200, openIdConfiguration(baseOf(req), m[1]));
      return true;
    }
    if (/^\/[^/]+\/discovery\/(v2\.0\/)?keys$/.test(path)) {
      json(200, signer.jwks());
      return true;
    }
    if (/^\/common\/discovery\/instance$/.test(path)) {
      json(200, instanceDiscovery(baseOf(req), req.headers.host ?? ''));
      return true;
    }
    m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (m?.[1] && req.method === 'POST') {
      const answer = identity.token(m[1], new URLSearchParams((await readBody(req)).toString('utf8')));
      json(answer.status, answer.body);
      return true;
    }
    if (path === '/msi/token' && req.method === 'GET') {
      try {
        const secret = req.headers['x-identity-header'];
        const g =
          typeof secret === 'string'
            ? [...groups.groups.values()].find((x) => x.identitySecret === secret)
            : undefined;
        if (!g?.identity)
          throw msiError(
            401,
            'The X-IDENTITY-HEADER is missing or does not belong to a container group with a managed identity.',
          );
        const resource = url.searchParams.get('resource');
        if (!resource) throw msiError(400, "The 'resource' query parameter is required.");
        const wanted =
          url.searchParams.get('client_id') ??
          url.searchParams.get('mi_res_id') ??
          url.searchParams.get('object_id') ??
          url.searchParams.get('principal_id');
        const assigned = Object.entries(g.identity.userAssignedIdentities ?? {});
        let principalId = g.identity.principalId;
        let clientId = g.identity.principalId;
        if (wanted) {
          const hit = assigned.find(([rid, v]) =>
            [rid.toLowerCase(), v.clientId, v.principalId].includes(wanted.toLowerCase()),
          );
          if (!hit)
            throw msiError(
              400,
              `No user-assigned identity '${wanted}' is assigned to container group '${g.name}'.`,
            );
          principalId = hit[1].principalId;
          clientId = hit[1].clientId;
        } else if (!principalId && assigned.length === 1) {
          principalId = assigned[0]?.[1].principalId;
          clientId = assigned[0]?.[1].clientId;
        }
        if (!principalId || !clientId)
          throw msiError(
            400,
            `Container group '${g.name}' has no system-assigned identity; name a user-assigned one with client_id.`,
          );
        json(200, identity.managedIdentityToken(tenantId, principalId, clientId, resource));
      } catch (error) {
        const e = error instanceof ArmError ? error : msiError(500, String(error));
        json(e.status, { statusCode: e.status, message: e.message, correlationId: randomUUID() });
      }
      return true;
    }
    return false;
  };

  const handleAdmin = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const path = url.pathname;
    if (path === '/emulator/health') return send(res, { status: 200, body: { status: 'ok' } });
    if (req.headers['x-emulator-admin-key'] !== persisted.adminKey) {
      return send(res, {
        status: 401,
        body: {
          error: { code: 'Unauthorized', message: 'The x-emulator-admin-key header is missing or wrong.' },
        },
      });
    }
    if (path === '/emulator/faults' && req.method === 'POST') {
      const list = JSON.parse((await readBody(req)).toString('utf8') || '[]') as Fault | Fault[];
      for (const f of Array.isArray(list) ? list : [list]) faults.add(f);
      return send(res, { status: 200, body: { faults: faults.pending() } });
    }
    if (path === '/emulator/faults' && req.method === 'DELETE') {
      faults.clear();
      return send(res, { status: 204 });
    }
    if (path === '/emulator/faults') return send(res, { status: 200, body: { faults: faults.pending() } });
    if (path === '/emulator/violations')
      return send(res, { status: 200, body: { responses: violations, requests: requestViolations } });
    if (path === '/emulator/groups') {
      // What ARM does not say: where each group runs on the engine, and its ports on 127.0.0.1.
      const list = await Promise.all(
        [...groups.groups.values()].map(async (g) => {
          const view = g.stopped ? undefined : await engine.backendFor(g.location).get(g.engineName);
          return {
            id: g.id,
            engineName: g.engineName,
            provisioningState: g.provisioningState,
            stopped: g.stopped,
            ip: g.ip,
            hostPorts:
              (view as { local?: { hostPorts?: Record<number, number> } } | undefined)?.local?.hostPorts ??
              {},
            localImages: g.localImages,
          };
        }),
      );
      return send(res, { status: 200, body: { groups: list } });
    }
    return send(res, {
      status: 404,
      body: { error: { code: 'NotFound', message: `no admin endpoint ${path}` } },
    });
  };

  const server: Server = createServer(
    { cert: serving.cert, key: serving.key, minVersion: 'TLSv1.2' },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://emulator.invalid');
      const route = async () => {
        if (url.pathname.startsWith('/emulator/')) return handleAdmin(req, res, url);
        if (await handleIdentity(req, res, url)) return;
        return handleArm(req, res, url);
      };
      route().catch((error: unknown) => {
        log(`unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
        if (!res.headersSent) send(res, { status: 500, body: internalError().body() });
        else res.end();
      });
    },
  );

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'https://emulator.invalid');
    const exec = /^\/exec\/([^/]+)$/.exec(url.pathname);
    const attach = /^\/attach\/([^/]+)$/.exec(url.pathname);
    const execSession = exec?.[1] ? sessions.takeExec(exec[1]) : undefined;
    const attachSession = attach?.[1] ? sessions.takeAttach(attach[1]) : undefined;
    if (attachSession && !secretsEqual(req.headers.authorization ?? '', attachSession.password)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    if (!execSession && !attachSession) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (execSession) serveExec(ws, execSession, log);
      else if (attachSession) serveAttach(ws, attachSession, log);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  log(`ARM endpoint ${hostUrl()} (tenant ${tenantId})`);

  return {
    url: hostUrl(),
    port,
    caCert: persisted.ca.cert,
    caPath,
    tenantId,
    principal: principals[0] as ServicePrincipal,
    adminKey: persisted.adminKey,
    faults,
    groups,
    violations,
    requestViolations,
    requests,
    async stop() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await groups.settle();
      await saving;
    },
  };
}

/** The subscription a path names (the throttling key), or "tenant" for provider-wide paths. */
function subscriptionOf(path: string): string {
  return /^\/subscriptions\/([^/]+)/i.exec(path)?.[1]?.toLowerCase() ?? 'tenant';
}
