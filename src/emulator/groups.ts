import { randomBytes, randomUUID } from 'node:crypto';
import type { ContainerGroup } from '@azure/arm-containerinstance';
import { BackendError, type ContainerGroupBackend, type ExecSession } from '../core/backend.js';
import { shortenName } from '../core/names.js';
import { ArmError, groupNotFound, transitioning } from './arm.js';
import type { Faults } from './faults.js';
import {
  effectiveDnsLabel,
  event,
  groupId,
  normalizeLocation,
  renderGroup,
  toPlannedGroup,
  type EngineSettings,
  type StoredGroup,
  type StoredOperation,
  type WireGroup,
} from './model.js';
import {
  checkDefinition,
  checkGroupName,
  checkLocation,
  checkRegionQuota,
  checkUpdate,
  type AciLimits,
} from './rules.js';
import { uuidFrom } from './tokens.js';

/** What the emulator needs from the machine: an engine per region and the images it holds. */
export interface EngineDeps {
  backendFor(location: string): ContainerGroupBackend;
  /** The local image to run for a published name, or undefined when none is there. */
  resolveImage(image: string): Promise<string | undefined>;
  /** Images that start without a pull: ACI's cached images, here the engine's local ones. */
  cachedImages?(): Promise<string[]>;
}

export interface GroupServiceOptions {
  tenantId: string;
  limits: AciLimits;
  regions: string[];
  /** Cluster tag value (and so engine network) that every emulated group shares. */
  engineCluster: string;
  /** Prefix of engine names, so two emulators on one engine never collide. */
  enginePrefix: string;
  faults: Faults;
  log: (message: string) => void;
  /** Called after every change, to persist the state. */
  changed: () => void;
  /** Set when containers can reach the emulator: groups with an identity get its endpoint. */
  callback?: { url: string; caPem: string };
  /** Extra wait before each long-running operation does its work (tests of 409s). */
  operationDelayMs: number;
}

export interface Ids {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const key = (id: string) => id.toLowerCase();
const now = () => new Date().toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The container groups the emulator holds, their operations, and their life on the engine. */
export class GroupService {
  readonly groups = new Map<string, StoredGroup>();
  readonly operations = new Map<string, StoredOperation>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly engine: EngineDeps,
    private readonly o: GroupServiceOptions,
  ) {}

  find(ids: Ids): StoredGroup | undefined {
    return this.groups.get(key(groupId(ids.subscriptionId, ids.resourceGroup, ids.name)));
  }

  require(ids: Ids): StoredGroup {
    const g = this.find(ids);
    if (!g) throw groupNotFound(ids.resourceGroup, ids.name);
    return g;
  }

  private requireIdle(ids: Ids): StoredGroup {
    const g = this.require(ids);
    if (g.operation) throw transitioning(g.name);
    return g;
  }

  list(subscriptionId: string, resourceGroup?: string): StoredGroup[] {
    return [...this.groups.values()]
      .filter(
        (g) =>
          g.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
          (!resourceGroup || g.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()),
      )
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The engine's view of a group (container states, address), or undefined while none runs. */
  async view(g: StoredGroup): Promise<ContainerGroup | undefined> {
    if (g.stopped) return undefined;
    const view = await this.engine.backendFor(g.location).get(g.engineName);
    if (view?.ipAddress?.ip && view.ipAddress.ip !== g.ip) {
      g.ip = view.ipAddress.ip;
      this.o.changed();
    }
    return view;
  }

  async render(g: StoredGroup, mode: 'get' | 'list' | 'put' = 'get'): Promise<Record<string, unknown>> {
    const view = mode === 'get' ? await this.view(g) : undefined;
    return renderGroup(g, { view, mode, tenantId: this.o.tenantId });
  }

  /** PUT: creates the group or updates it in place; its realisation runs as an operation. */
  createOrUpdate(
    ids: Ids,
    body: WireGroup,
  ): { created: boolean; group: StoredGroup; operation: StoredOperation } {
    const nameError = checkGroupName(ids.name);
    if (nameError) throw nameError;
    const location = normalizeLocation(body.location ?? '');
    const locationError = checkLocation(location, this.o.regions);
    if (locationError) throw locationError;
    const definitionError = checkDefinition(ids.name, location, body.properties, this.o.limits);
    if (definitionError) throw definitionError;
    const existing = this.find(ids);
    if (existing?.operation) throw transitioning(existing.name);
    if (existing && !existing.stopped) {
      const updateError = checkUpdate(existing, body.properties);
      if (updateError) throw updateError;
    }
    if (existing && existing.location !== location) {
      throw new ArmError(
        400,
        'InvalidResourceLocation',
        `The resource '${ids.name}' already exists in location '${existing.location}' in resource group '${ids.resourceGroup}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`,
      );
    }
    if (!existing) {
      const others = [...this.groups.values()].filter(
        (g) => g.subscriptionId.toLowerCase() === ids.subscriptionId.toLowerCase() && g.location === location,
      );
      const quotaError = checkRegionQuota(others, body.properties, location, this.o.limits);
      if (quotaError) throw quotaError;
    }
    const id = groupId(ids.subscriptionId, ids.resourceGroup, ids.name);
    const group: StoredGroup = {
      id,
      subscriptionId: ids.subscriptionId,
      resourceGroup: existing?.resourceGroup ?? ids.resourceGroup,
      name: ids.name,
      location,
      tags: body.tags,
      zones: body.zones,
      identity: this.identity(id, body.identity, existing?.identity),
      properties: body.properties,
      provisioningState: 'Pending',
      engineName:
        existing?.engineName ??
        shortenName(`${this.o.enginePrefix}-${ids.name}-${uuidFrom(key(id)).slice(0, 6)}`),
      stopped: existing?.stopped ?? false,
      ip: existing?.ip,
      events: existing?.events ?? [],
      containerEvents: existing?.containerEvents ?? {},
      localImages: existing?.localImages ?? {},
      identitySecret: existing?.identitySecret,
    };
    if (group.identity && !group.identitySecret) group.identitySecret = randomBytes(24).toString('base64url');
    const label = effectiveDnsLabel(group, this.o.tenantId);
    const taken =
      label &&
      [...this.groups.values()].find(
        (g) =>
          g.id !== group.id && g.location === location && effectiveDnsLabel(g, this.o.tenantId) === label,
      );
    if (taken) {
      throw new ArmError(
        400,
        'DnsNameLabelNotAvailable',
        `The DNS name label '${body.properties.ipAddress?.dnsNameLabel}' is already used by another container group in location '${location}'.`,
      );
    }
    this.groups.set(key(id), group);
    const operation = this.run(group, existing ? 'update' : 'create', () => this.realise(group, true));
    return { created: !existing, group, operation };
  }

  /** Identities get object ids: a system-assigned one per group, user-assigned ones per resource id. */
  private identity(id: string, requested?: StoredGroup['identity'], existing?: StoredGroup['identity']) {
    if (!requested?.type || requested.type === 'None') return undefined;
    const out: NonNullable<StoredGroup['identity']> = { type: requested.type, tenantId: this.o.tenantId };
    if (requested.type.includes('SystemAssigned')) out.principalId = existing?.principalId ?? randomUUID();
    if (requested.userAssignedIdentities) {
      out.userAssignedIdentities = Object.fromEntries(
        Object.keys(requested.userAssignedIdentities).map((uid) => [
          uid,
          {
            principalId: uuidFrom(`principal:${uid.toLowerCase()}`),
            clientId: uuidFrom(`client:${uid.toLowerCase()}`),
          },
        ]),
      );
    }
    return out;
  }

  /** PATCH: only tags change (ACI's update operation). */
  updateTags(ids: Ids, tags: Record<string, string> | undefined): StoredGroup {
    const g = this.require(ids);
    if (tags !== undefined) g.tags = tags;
    this.o.changed();
    return g;
  }

  delete(ids: Ids): StoredOperation | undefined {
    const g = this.find(ids);
    if (!g) return undefined;
    if (g.operation) throw transitioning(g.name);
    g.provisioningState = 'Deleting';
    return this.run(g, 'delete', async () => {
      await this.engine.backendFor(g.location).delete(g.engineName, { gracePeriodSeconds: 0 });
      this.groups.delete(key(g.id));
      this.o.log(`deleted container group ${g.id}`);
    });
  }

  start(ids: Ids): StoredOperation {
    const g = this.requireIdle(ids);
    return this.run(g, 'start', async () => {
      const backend = this.engine.backendFor(g.location);
      if (g.stopped || !(await backend.get(g.engineName))) await this.realise(g, false);
      else await backend.start(g.engineName);
      g.events.push(event('Started', `Started container group ${g.name}`));
    });
  }

  /** Restart recreates the containers: fresh processes, the same definition, maybe a new IP. */
  restart(ids: Ids): StoredOperation {
    const g = this.requireIdle(ids);
    return this.run(g, 'restart', async () => {
      await this.engine.backendFor(g.location).delete(g.engineName, { gracePeriodSeconds: 0 });
      await this.realise(g, false);
      g.events.push(event('Restarted', `Restarted container group ${g.name}`));
    });
  }

  /** Stop is synchronous: the containers are killed and removed, their state is gone. */
  async stop(ids: Ids): Promise<void> {
    const g = this.requireIdle(ids);
    await this.engine.backendFor(g.location).delete(g.engineName, { gracePeriodSeconds: 0 });
    g.stopped = true;
    g.ip = undefined;
    for (const c of g.properties.containers)
      this.containerEvent(g, c.name, 'Killing', `Killing container ${c.name}`);
    this.o.changed();
  }

  async logs(ids: Ids, container: string, tail?: number, timestamps?: boolean): Promise<string> {
    const g = this.require(ids);
    this.requireContainer(g, container);
    if (g.operation) throw transitioning(g.name);
    if (g.stopped || !(await this.engine.backendFor(g.location).get(g.engineName))) {
      throw new ArmError(
        400,
        'ContainerLogNotAvailable',
        `The logs of container '${container}' in container group '${g.name}' are not available: the container group is not running.`,
      );
    }
    const stream = await this.engine
      .backendFor(g.location)
      .logs(g.engineName, container, { tailLines: tail, timestamps });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
    const all = Buffer.concat(chunks);
    // ACI returns at most 4 MB: the newest part.
    return all.subarray(Math.max(0, all.length - 4 * 1024 * 1024)).toString('utf8');
  }

  async exec(
    g: StoredGroup,
    container: string,
    command: string,
    size: { cols: number; rows: number },
  ): Promise<ExecSession> {
    const session = await this.engine.backendFor(g.location).exec(g.engineName, container, {
      // ACI runs the command as one executable, never split into arguments.
      command: [command],
      stdin: true,
      tty: true,
    });
    await session.resize(size.cols, size.rows);
    return session;
  }

  requireRunningContainer(ids: Ids, container: string): StoredGroup {
    const g = this.require(ids);
    this.requireContainer(g, container);
    if (g.operation) throw transitioning(g.name);
    if (g.stopped) {
      throw new ArmError(
        400,
        'ContainerGroupNotRunning',
        `The container group '${g.name}' is stopped; start it to run commands in its containers.`,
      );
    }
    return g;
  }

  private requireContainer(g: StoredGroup, container: string): void {
    const names = [...g.properties.containers, ...(g.properties.initContainers ?? [])].map((c) => c.name);
    if (!names.includes(container)) {
      throw new ArmError(
        404,
        'ContainerNotFound',
        `The container '${container}' is not found in container group '${g.name}'.`,
      );
    }
  }

  private containerEvent(g: StoredGroup, container: string, name: string, message: string): void {
    (g.containerEvents[container] ??= []).push(event(name, message));
  }

  /** Brings the engine to the stored definition: images resolved, containers created and started. */
  private async realise(g: StoredGroup, provisioning: boolean): Promise<void> {
    if (provisioning) g.provisioningState = 'Creating';
    this.o.changed();
    const images: Record<string, string> = {};
    for (const c of [...(g.properties.initContainers ?? []), ...g.properties.containers]) {
      const image = c.properties.image;
      if (!image) continue;
      this.containerEvent(g, c.name, 'Pulling', `pulling image "${image}"`);
      const local = await this.engine.resolveImage(image);
      if (!local) {
        throw new ArmError(
          400,
          'InaccessibleImage',
          `The image '${image}' in container group '${g.name}' is not accessible. Please check the image and registry credential.`,
        );
      }
      images[c.name] = local;
      const note = local === image ? '' : ` (emulator: local image ${local})`;
      this.containerEvent(g, c.name, 'Pulled', `Successfully pulled image "${image}"${note}`);
      if (local !== image) this.o.log(`${g.name}/${c.name}: ${image} runs as local image ${local}`);
    }
    g.localImages = images;
    const settings: EngineSettings = { cluster: this.o.engineCluster, images, tenantId: this.o.tenantId };
    if (this.o.callback && g.identity && g.identitySecret) {
      settings.inject = {
        env: {
          IDENTITY_ENDPOINT: `${this.o.callback.url}/msi/token`,
          IDENTITY_HEADER: g.identitySecret,
          FRANKENETES_ARM_ENDPOINT: this.o.callback.url,
          NODE_EXTRA_CA_CERTS: '/etc/frankenetes-emulator/ca.crt',
        },
        caPem: this.o.callback.caPem,
        caDir: '/etc/frankenetes-emulator',
      };
    }
    const view = await this.engine.backendFor(g.location).createOrUpdate(toPlannedGroup(g, settings));
    g.stopped = false;
    g.ip = view.ipAddress?.ip;
    for (const c of g.properties.containers)
      this.containerEvent(g, c.name, 'Started', `Started container ${c.name}`);
    const death = this.o.faults.forStart(g.name);
    if (death) {
      setTimeout(() => {
        this.o.log(`fault: killing the containers of ${g.name}`);
        void this.engine
          .backendFor(g.location)
          .stop(g.engineName)
          .catch(() => undefined);
      }, death.afterMs ?? 0).unref();
    }
  }

  /** Runs a long-running operation in the background; writes to the group get 409 meanwhile. */
  private run(g: StoredGroup, kind: StoredOperation['kind'], work: () => Promise<void>): StoredOperation {
    const op: StoredOperation = {
      id: randomUUID(),
      groupId: g.id,
      kind,
      status: 'InProgress',
      startTime: now(),
    };
    this.operations.set(op.id, op);
    g.operation = op.id;
    this.o.changed();
    const task = (async () => {
      try {
        if (this.o.operationDelayMs) await sleep(this.o.operationDelayMs);
        const fault = this.o.faults.forOperation(g.name, kind);
        if (fault)
          throw new ArmError(
            500,
            fault.code ?? 'InternalServerError',
            fault.message ?? 'Injected failure of the operation.',
          );
        await work();
        op.status = 'Succeeded';
        if (kind !== 'delete') g.provisioningState = 'Succeeded';
      } catch (error) {
        const e = asArmError(error);
        op.status = 'Failed';
        op.error = { code: e.code, message: e.message };
        g.provisioningState = 'Failed';
        g.events.push(event('Failed', e.message, new Date(), 'Warning'));
        this.o.log(`operation ${kind} of ${g.id} failed: ${e.code}: ${e.message}`);
      } finally {
        op.endTime = now();
        if (g.operation === op.id) g.operation = undefined;
        this.o.changed();
      }
    })();
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
    return op;
  }

  /** Waits for every running operation (shutdown and tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  /** After a restart of the emulator: operations that were running cannot be resumed. */
  recover(): void {
    for (const g of this.groups.values()) {
      if (!g.operation) continue;
      const op = this.operations.get(g.operation);
      if (op) {
        op.status = 'Failed';
        op.error = {
          code: 'InternalServerError',
          message: 'The emulator restarted while the operation ran.',
        };
        op.endTime = now();
      }
      g.operation = undefined;
      g.provisioningState = 'Failed';
    }
  }
}

function asArmError(error: unknown): ArmError {
  if (error instanceof ArmError) return error;
  if (error instanceof BackendError) {
    if (error.reason === 'image-missing') return new ArmError(400, 'InaccessibleImage', error.message);
    return new ArmError(
      500,
      'InternalServerError',
      `The container group could not be deployed: ${error.message}`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ArmError(500, 'InternalServerError', `The container group could not be deployed: ${message}`);
}
