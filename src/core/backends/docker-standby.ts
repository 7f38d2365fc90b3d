import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { TAG } from '../names.js';

/** Labels of a standby sandbox: managed, of its cluster, and of kind `standby`. */
export const STANDBY_KIND = 'standby';

export interface StandbyOptions {
  cluster: string;
  /** How many started sandboxes to keep ready. */
  size: number;
  /** The cluster's engine network, which every sandbox joins. */
  network: string;
  pauseImage: string;
  labels: { managed: string; kind: string; group: string };
  log?: (message: string) => void;
}

/** Refills wait for this long without a claim, so they never compete with a burst of pod starts. */
const QUIET_MS = 1500;
/** The first fill waits this long, so it does not compete with the cluster's own start-up. */
const FIRST_FILL_DELAY_MS = 10_000;

/**
 * Started, networked infra containers kept ready for pod groups, as ACI's standby pools keep
 * container groups ready. Joining the engine network is the costliest part of starting a pod
 * locally (the engine runs about thirty firewall commands per container); a claimed sandbox has
 * done it already and only needs renaming to its group. Groups that publish ports or have a DNS
 * label take a fresh infra container, as the engine fixes those at creation.
 */
export class StandbySandboxes {
  /** Started sandboxes, with their address on the network (looked up once, off the claim's path). */
  private readonly ready: { id: string; ip: string }[] = [];
  private creating = 0;
  private lastClaim = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly prefix: string;

  constructor(
    private readonly docker: Docker,
    private readonly options: StandbyOptions,
  ) {
    this.prefix = `${options.cluster}-standby-`;
  }

  private get labels(): Record<string, string> {
    const { labels, cluster } = this.options;
    return { [labels.managed]: 'true', [TAG.cluster]: cluster, [labels.kind]: STANDBY_KIND };
  }

  /**
   * Removes what a previous run left: unclaimed sandboxes (their state is unknown) and claimed
   * ones whose group never got a container (the claim was interrupted). Then starts filling.
   */
  async start(): Promise<void> {
    const { cluster, labels } = this.options;
    const all = (
      await this.docker.listContainers({ all: true, filters: { label: [`${TAG.cluster}=${cluster}`] } })
    ).filter((c) => c.Labels[TAG.cluster] === cluster && c.Labels[labels.managed] === 'true');
    const isSandbox = (c: Docker.ContainerInfo) => c.Labels[labels.kind] === STANDBY_KIND;
    const groupsWithMembers = new Set(all.filter((c) => !isSandbox(c)).map((c) => c.Labels[labels.group]));
    const stale = all.filter((c) => {
      const name = (c.Names[0] ?? '').replace(/^\//, '');
      return isSandbox(c) && (name.startsWith(this.prefix) || !groupsWithMembers.has(name));
    });
    await Promise.all(
      stale.map((c) =>
        this.docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    this.lastClaim = Date.now() + FIRST_FILL_DELAY_MS - QUIET_MS;
    this.refill();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Takes a ready sandbox and names it after the group; undefined when none is ready. */
  async claim(group: string): Promise<{ id: string; ip: string } | undefined> {
    this.lastClaim = Date.now();
    this.refill();
    for (let sandbox = this.ready.shift(); sandbox; sandbox = this.ready.shift()) {
      try {
        await this.docker.getContainer(sandbox.id).rename({ name: group });
        return sandbox;
      } catch (error) {
        this.options.log?.(
          `standby sandbox ${sandbox.id.slice(0, 12)} unusable: ${(error as Error).message}`,
        );
        await this.docker
          .getContainer(sandbox.id)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }
    return undefined;
  }

  /** Schedules the next sandbox once no claim has happened for a while. */
  private refill(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.creating || this.ready.length >= this.options.size) return;
    const wait = this.lastClaim + QUIET_MS - Date.now();
    this.timer = setTimeout(() => void this.createOne(), Math.max(0, wait));
    this.timer.unref();
  }

  private async createOne(): Promise<void> {
    if (Date.now() - this.lastClaim < QUIET_MS) return this.refill();
    this.creating++;
    try {
      const name = `${this.prefix}${randomBytes(5).toString('hex')}`;
      const sandbox = await this.docker.createContainer({
        name,
        Image: this.options.pauseImage,
        Hostname: name,
        Labels: this.labels,
        HostConfig: { NetworkMode: this.options.network, RestartPolicy: { Name: 'always' } },
      });
      await sandbox.start();
      const ip = (await sandbox.inspect()).NetworkSettings.Networks[this.options.network]?.IPAddress ?? '';
      if (this.stopped) await sandbox.remove({ force: true }).catch(() => undefined);
      else this.ready.push({ id: sandbox.id, ip });
    } catch (error) {
      this.options.log?.(`standby sandbox not created: ${(error as Error).message}`);
      this.lastClaim = Date.now(); // back off for a quiet period before trying again
    } finally {
      this.creating--;
    }
    this.refill();
  }
}
