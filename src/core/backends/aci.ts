import {
  ContainerInstanceManagementClient,
  type ContainerGroup,
  type ContainerInstanceManagementClientOptionalParams,
} from '@azure/arm-containerinstance';
import type { TokenCredential } from '@azure/identity';
import { PassThrough, type Readable } from 'node:stream';
import { TAG } from '../names.js';
import type { PlannedGroup } from '../plan.js';
import {
  BackendError,
  type ContainerGroupBackend,
  type ExecOptions,
  type ExecSession,
  type LogOptions,
} from '../backend.js';
import { startAciExec } from './aci-exec.js';
import { LogCursor, renderLines, selectLines, splitLog } from './aci-logs.js';
import {
  DEFINITION_HASH_TAG,
  aciLimitProblems,
  describeAzureError,
  isTerminalState,
  recreateReason,
  toAciGroup,
  type AzureFailure,
} from './aci-model.js';

/** Azure Resource Manager's token audience, also when the endpoint is the offline emulator. */
const ARM_SCOPE = 'https://management.azure.com/.default';

export interface AciBackendOptions {
  subscriptionId: string;
  /** Where the control plane (and, without podResourceGroup, the pods) go; it must exist. */
  resourceGroup: string;
  /** Where pod groups go (the role tag says which a group is). */
  podResourceGroup?: string;
  credential: TokenCredential;
  /** The ARM endpoint: Azure's by default; the offline emulator's for tests and offline use. */
  endpoint?: string;
  /** How often long-running operations are polled (ARM's Retry-After wins when it sends one). */
  pollIntervalMs?: number;
  /** How often watchGroups looks for changes (ACI sends no events). */
  watchIntervalMs?: number;
  /** How often a followed log is read again. */
  logPollMs?: number;
  /** How long a write waits for an operation already running on its group. */
  busyTimeoutMs?: number;
  /** Passed to the SDK client (retries, TLS, HTTP client). */
  clientOptions?: ContainerInstanceManagementClientOptionalParams;
}

const REASON: Record<AzureFailure, BackendError['reason']> = {
  unreachable: 'unreachable',
  'sign-in': 'denied',
  denied: 'denied',
  'not-found': 'not-found',
  conflict: 'conflict',
  throttled: 'failed',
  invalid: 'invalid',
  failed: 'failed',
};

const statusOf = (error: unknown) => (error as { statusCode?: number } | undefined)?.statusCode;
const codeOf = (error: unknown) => (error as { code?: string } | undefined)?.code;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 409s that mean "another operation runs on this group", not "no capacity" (which ACI also sends as 409). */
function isBusy(error: unknown): boolean {
  return (
    statusOf(error) === 409 &&
    !['ServiceUnavailable', 'ResourceRequestsNotAvailable'].includes(codeOf(error) ?? '')
  );
}

/**
 * Container groups on Azure Container Instances (@azure/arm-containerinstance). Retries: the
 * SDK's pipeline already retries 429 (after Retry-After), 5xx and network errors three times, so
 * nothing here retries those again; a 409 because another operation runs on the group waits for
 * it to end and tries again.
 */
export class AciBackend implements ContainerGroupBackend {
  readonly kind = 'aci' as const;
  readonly client: ContainerInstanceManagementClient;
  readonly endpoint: string;
  private readonly o: Required<Omit<AciBackendOptions, 'podResourceGroup' | 'endpoint' | 'clientOptions'>> &
    AciBackendOptions;
  /** Resource groups to look in, the control plane's first. */
  private readonly resourceGroups: string[];
  /** Which resource group each group was last seen in. */
  private readonly where = new Map<string, string>();
  /** Restarts made by restartContainer, which ACI does not count (it restarts the whole group). */
  private readonly manualRestarts = new Map<string, number>();

  constructor(options: AciBackendOptions) {
    this.o = {
      pollIntervalMs: 1000,
      watchIntervalMs: 5000,
      logPollMs: 1500,
      busyTimeoutMs: 10 * 60_000,
      ...options,
    };
    this.endpoint = (options.endpoint ?? 'https://management.azure.com').replace(/\/+$/, '');
    this.resourceGroups = [
      ...new Set([options.resourceGroup, options.podResourceGroup ?? options.resourceGroup]),
    ];
    this.client = new ContainerInstanceManagementClient(options.credential, options.subscriptionId, {
      ...options.clientOptions,
      ...(options.endpoint ? { endpoint: this.endpoint, credentialScopes: [ARM_SCOPE] } : {}),
    });
  }

  private error(doing: string, error: unknown): BackendError {
    if (error instanceof BackendError) return error;
    const { kind, message } = describeAzureError(error);
    return new BackendError(`${doing}: ${message}`, REASON[kind], { cause: error });
  }

  private resourceGroupFor(group: PlannedGroup): string {
    return group.tags?.[TAG.role] === 'pod'
      ? (this.o.podResourceGroup ?? this.o.resourceGroup)
      : this.o.resourceGroup;
  }

  /** The group and its resource group: where it was last seen first, then every resource group in use. */
  private async locate(name: string): Promise<{ resourceGroup: string; group: ContainerGroup } | undefined> {
    const known = this.where.get(name);
    const order = known ? [known, ...this.resourceGroups.filter((rg) => rg !== known)] : this.resourceGroups;
    for (const resourceGroup of order) {
      try {
        const group = await this.client.containerGroups.get(resourceGroup, name);
        this.where.set(name, resourceGroup);
        return { resourceGroup, group };
      } catch (error) {
        if (statusOf(error) !== 404)
          throw this.error(`reading container group ${name} in ${resourceGroup}`, error);
      }
    }
    this.where.delete(name);
    return undefined;
  }

  async ping(): Promise<void> {
    for (const resourceGroup of this.resourceGroups) {
      try {
        await this.client.containerGroups.listByResourceGroup(resourceGroup).byPage().next();
      } catch (error) {
        if (codeOf(error) === 'ResourceGroupNotFound')
          throw new BackendError(
            `resource group ${resourceGroup} does not exist in subscription ${this.o.subscriptionId}; create it first (az group create)`,
            'not-found',
            { cause: error },
          );
        throw this.error(
          `Azure Container Instances at ${this.endpoint} (resource group ${resourceGroup})`,
          error,
        );
      }
    }
  }

  /** Waits until no operation runs on the group (its provisioning state is terminal, or it is gone). */
  private async waitIdle(resourceGroup: string, name: string): Promise<ContainerGroup | undefined> {
    const deadline = Date.now() + this.o.busyTimeoutMs;
    for (;;) {
      let group: ContainerGroup;
      try {
        group = await this.client.containerGroups.get(resourceGroup, name);
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw this.error(`reading container group ${name}`, error);
      }
      if (isTerminalState(group.provisioningState)) return group;
      if (Date.now() > deadline)
        throw new BackendError(
          `container group ${name} is still ${group.provisioningState} after ${Math.round(this.o.busyTimeoutMs / 1000)} s`,
          'conflict',
        );
      await sleep(this.o.pollIntervalMs);
    }
  }

  /** Runs a write; a 409 because the group is busy waits for its operation to end and tries again. */
  private async write<T>(
    resourceGroup: string,
    name: string,
    doing: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!isBusy(error) || attempt >= 5) throw this.error(doing, error);
        await this.waitIdle(resourceGroup, name);
      }
    }
  }

  private lro() {
    return { updateIntervalInMs: this.o.pollIntervalMs };
  }

  async createOrUpdate(group: PlannedGroup): Promise<ContainerGroup> {
    const problems = aciLimitProblems(group);
    if (problems.length)
      throw new BackendError(
        `container group ${group.name} does not fit ACI: ${problems.join('; ')}`,
        'invalid',
      );
    const body = toAciGroup(group);
    const hash = body.tags?.[DEFINITION_HASH_TAG];
    const resourceGroup = this.resourceGroupFor(group);
    const doing = `creating container group ${group.name} in ${resourceGroup}`;
    let existing = await this.locate(group.name);
    if (existing && existing.resourceGroup !== resourceGroup) {
      throw new BackendError(
        `container group ${group.name} exists in resource group ${existing.resourceGroup}, not ${resourceGroup}`,
        'conflict',
      );
    }
    if (existing && !isTerminalState(existing.group.provisioningState)) {
      const idle = await this.waitIdle(resourceGroup, group.name);
      existing = idle ? { resourceGroup, group: idle } : undefined;
    }
    if (
      existing?.group.provisioningState === 'Succeeded' &&
      existing.group.tags?.[DEFINITION_HASH_TAG] === hash
    ) {
      // Unchanged: another PUT would restart its containers (and lose the control plane's emptyDir).
      if (existing.group.instanceView?.state === 'Stopped') await this.start(group.name);
      return (await this.get(group.name)) as ContainerGroup;
    }
    const reason = existing && recreateReason(existing.group, body);
    if (existing && (reason || existing.group.provisioningState === 'Failed')) {
      await this.delete(group.name);
    }
    let result: ContainerGroup;
    try {
      result = await this.write(resourceGroup, group.name, doing, () =>
        this.client.containerGroups.beginCreateOrUpdateAndWait(resourceGroup, group.name, body, this.lro()),
      );
    } catch (error) {
      throw this.error(doing, error);
    }
    this.where.set(group.name, resourceGroup);
    if (result.provisioningState === 'Failed') {
      const events = (result.instanceView?.events ?? []).map((e) => e.message).filter(Boolean);
      throw new BackendError(
        `${doing}: provisioning failed${events.length ? ` (${events.at(-1)})` : ''}`,
        'failed',
      );
    }
    const created = await this.get(group.name);
    if (!created) throw new BackendError(`${doing}: the group vanished right after it was created`, 'failed');
    return created;
  }

  async get(name: string): Promise<ContainerGroup | undefined> {
    const found = await this.locate(name);
    return found && this.withRestarts(found.group);
  }

  private withRestarts(group: ContainerGroup): ContainerGroup {
    const extra = (c: string) => this.manualRestarts.get(`${group.name}/${c}`) ?? 0;
    return {
      ...group,
      containers: group.containers.map((c) =>
        c.instanceView && extra(c.name)
          ? {
              ...c,
              instanceView: {
                ...c.instanceView,
                restartCount: (c.instanceView.restartCount ?? 0) + extra(c.name),
              },
            }
          : c,
      ),
    };
  }

  /** The groups (without instance views, as ACI lists them) carrying every tag, in every resource group in use. */
  private async listTagged(
    tags: Record<string, string>,
  ): Promise<{ resourceGroup: string; group: ContainerGroup }[]> {
    const out: { resourceGroup: string; group: ContainerGroup }[] = [];
    for (const resourceGroup of this.resourceGroups) {
      try {
        for await (const group of this.client.containerGroups.listByResourceGroup(resourceGroup)) {
          if (group.name && Object.entries(tags).every(([k, v]) => group.tags?.[k] === v)) {
            this.where.set(group.name, resourceGroup);
            out.push({ resourceGroup, group });
          }
        }
      } catch (error) {
        throw this.error(`listing container groups in ${resourceGroup}`, error);
      }
    }
    return out;
  }

  async list(tags: Record<string, string>): Promise<ContainerGroup[]> {
    const listed = await this.listTagged(tags);
    // ACI's list has no instance views: each group is read on its own for its state.
    const groups = await Promise.all(listed.map(({ group }) => this.get(group.name as string)));
    return groups.filter((g): g is ContainerGroup => g !== undefined);
  }

  /**
   * Deletes the group. ACI's deletion kills at once, so a grace period is given the way a kubelet
   * gives it: SIGTERM to each running container's main process (through exec), then deletion once
   * they have ended (or restarted, under restart policy Always) or the grace period is over.
   */
  async delete(name: string, options: { gracePeriodSeconds?: number } = {}): Promise<void> {
    if (options.gracePeriodSeconds) await this.terminate(name, options.gracePeriodSeconds);
    for (const resourceGroup of this.where.has(name)
      ? [this.where.get(name) as string]
      : this.resourceGroups) {
      await this.deleteIn(resourceGroup, name);
    }
    this.where.delete(name);
    for (const key of this.manualRestarts.keys())
      if (key.startsWith(`${name}/`)) this.manualRestarts.delete(key);
  }

  private async terminate(name: string, graceSeconds: number): Promise<void> {
    const deadline = Date.now() + graceSeconds * 1000;
    const group = await this.get(name).catch(() => undefined);
    const run = (g: ContainerGroup | undefined, c: string) => {
      const view = g?.containers.find((x) => x.name === c)?.instanceView;
      return view?.currentState?.state === 'Running'
        ? `${view.restartCount ?? 0}/${String(view.currentState.startTime)}`
        : undefined;
    };
    const running = new Map(
      (group?.containers ?? []).map((c) => [c.name, run(group, c.name)] as const).filter(([, r]) => r),
    );
    if (!running.size) return;
    await Promise.all(
      [...running.keys()].map(async (c) => {
        try {
          const session = await this.exec(name, c, {
            command: ['kill', '-TERM', '1'],
            stdin: false,
            tty: false,
          });
          session.stdout.resume();
          await session.exitCode();
        } catch {
          // no shell or kill in the image: the grace period still applies
        }
      }),
    );
    while (Date.now() < deadline) {
      const now = await this.get(name).catch(() => undefined);
      if ([...running].every(([c, was]) => run(now, c) !== was)) return;
      await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
    }
  }

  /** A failed deletion is tried again. */
  private async deleteIn(resourceGroup: string, name: string): Promise<void> {
    const doing = `deleting container group ${name} in ${resourceGroup}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.write(resourceGroup, name, doing, () =>
          this.client.containerGroups.beginDeleteAndWait(resourceGroup, name, this.lro()),
        );
        return;
      } catch (error) {
        const cause = error instanceof BackendError ? (error.cause ?? error) : error;
        if (statusOf(cause) === 404) return;
        if (attempt >= 3 || (error instanceof BackendError && error.reason !== 'failed'))
          throw this.error(doing, error);
      }
    }
  }

  private async require(name: string): Promise<string> {
    const found = this.where.get(name) ?? (await this.locate(name))?.resourceGroup;
    if (!found) throw new BackendError(`container group ${name} not found`, 'not-found');
    return found;
  }

  async start(name: string): Promise<void> {
    const resourceGroup = await this.require(name);
    await this.write(resourceGroup, name, `starting container group ${name}`, () =>
      this.client.containerGroups.beginStartAndWait(resourceGroup, name, this.lro()),
    );
  }

  async stop(name: string): Promise<void> {
    const resourceGroup = await this.require(name);
    await this.write(resourceGroup, name, `stopping container group ${name}`, () =>
      this.client.containerGroups.stop(resourceGroup, name),
    );
  }

  /**
   * ACI cannot restart one container: this restarts the whole group (every container, fresh, with
   * emptyDir volumes emptied), and counts a restart for the container asked for.
   */
  async restartContainer(name: string, container: string): Promise<void> {
    const resourceGroup = await this.require(name);
    await this.write(resourceGroup, name, `restarting container group ${name}`, () =>
      this.client.containerGroups.beginRestartAndWait(resourceGroup, name, this.lro()),
    );
    const key = `${name}/${container}`;
    this.manualRestarts.set(key, (this.manualRestarts.get(key) ?? 0) + 1);
  }

  private async readLog(resourceGroup: string, name: string, container: string): Promise<string> {
    try {
      const answer = await this.client.containers.listLogs(resourceGroup, name, container, {
        timestamps: true,
      });
      return answer.content ?? '';
    } catch (error) {
      throw this.error(`reading the logs of ${name}/${container}`, error);
    }
  }

  async logs(name: string, container: string, options: LogOptions = {}): Promise<Readable> {
    const resourceGroup = await this.require(name);
    const timestamps = options.timestamps ?? false;
    const sinceMs = options.sinceSeconds ? Date.now() - options.sinceSeconds * 1000 : undefined;
    const first = await this.readLog(resourceGroup, name, container);
    const out = new PassThrough();
    if (!options.follow) {
      const { lines } = splitLog(first, true);
      out.end(renderLines(selectLines(lines, { sinceMs, tailLines: options.tailLines }), timestamps));
      return out;
    }
    // Follow: read again every logPollMs and pass on complete new lines, until the container has
    // ended (then the rest, partial line included) or the reader goes away.
    const cursor = new LogCursor();
    const initial = splitLog(first, false);
    cursor.fresh(initial.lines);
    out.write(renderLines(selectLines(initial.lines, { sinceMs, tailLines: options.tailLines }), timestamps));
    let closed = false;
    out.on('close', () => (closed = true));
    void (async () => {
      try {
        while (!closed) {
          await sleep(this.o.logPollMs);
          if (closed) break;
          const group = await this.get(name);
          const state = group?.containers.find((c) => c.name === container)?.instanceView?.currentState
            ?.state;
          const ended = !group || state === 'Terminated' || group.instanceView?.state === 'Stopped';
          const content = group ? await this.readLog(resourceGroup, name, container).catch(() => '') : '';
          const { lines } = splitLog(content, ended);
          const fresh = cursor.fresh(lines);
          if (fresh.length && !closed) out.write(renderLines(fresh, timestamps));
          if (ended) break;
        }
      } catch {
        // the group went away: the stream just ends
      }
      out.end();
    })();
    return out;
  }

  async exec(name: string, container: string, options: ExecOptions): Promise<ExecSession> {
    const resourceGroup = await this.require(name);
    return startAciExec(async (command, terminalSize) => {
      try {
        const answer = await this.client.containers.executeCommand(resourceGroup, name, container, {
          command,
          terminalSize,
        });
        if (!answer.webSocketUri || !answer.password)
          throw new BackendError(`exec in ${name}/${container}: ACI answered no WebSocket`, 'failed');
        return { webSocketUri: answer.webSocketUri, password: answer.password };
      } catch (error) {
        throw this.error(`exec in ${name}/${container}`, error);
      }
    }, options);
  }

  /** ACI sends no events: groups are read every watchIntervalMs, and those whose state changed reported. */
  async watchGroups(tags: Record<string, string>, onChange: (group: string) => void): Promise<() => void> {
    const seen = new Map<string, string>();
    let first = true;
    let stopped = false;
    const signature = (g: ContainerGroup) =>
      JSON.stringify([
        g.provisioningState,
        g.instanceView?.state,
        g.ipAddress?.ip,
        ...[...(g.initContainers ?? []), ...g.containers].map((c) => [
          c.instanceView?.currentState?.state,
          c.instanceView?.currentState?.exitCode,
          c.instanceView?.restartCount,
        ]),
      ]);
    const poll = async () => {
      const groups = await this.list(tags).catch(() => undefined);
      if (!groups || stopped) return;
      const now = new Map(groups.map((g) => [g.name as string, signature(g)]));
      if (!first) {
        for (const [name, sig] of now) if (seen.get(name) !== sig) onChange(name);
        for (const name of seen.keys()) if (!now.has(name)) onChange(name);
      }
      first = false;
      seen.clear();
      for (const [name, sig] of now) seen.set(name, sig);
    };
    void (async () => {
      while (!stopped) {
        await poll();
        await sleep(this.o.watchIntervalMs);
      }
    })();
    return () => {
      stopped = true;
    };
  }

  /** Deletes every group tagged for the cluster in every resource group in use, the control plane first. */
  async purgeCluster(cluster: string): Promise<number> {
    const remove = async (list: { resourceGroup: string; group: ContainerGroup }[]) => {
      // A few at a time: each deletion is a write that ARM counts against the subscription.
      for (let i = 0; i < list.length; i += 8) {
        await Promise.all(
          list
            .slice(i, i + 8)
            .map(({ resourceGroup, group }) => this.deleteIn(resourceGroup, group.name as string)),
        );
      }
      for (const { group } of list) this.where.delete(group.name as string);
      return list.length;
    };
    const tagged = await this.listTagged({ [TAG.cluster]: cluster });
    // The control plane first: its agent stops making pod groups. Then whatever is left, listed
    // again, since the agent may have made groups until it stopped.
    let removed = await remove(tagged.filter(({ group }) => group.tags?.[TAG.role] === 'control-plane'));
    for (let round = 0; round < 3; round++) {
      const left = await this.listTagged({ [TAG.cluster]: cluster });
      if (!left.length) break;
      removed += await remove(left);
    }
    return removed;
  }
}
