import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { TAG } from '../names.js';

/** Labels of a standby sandbox: managed, of its cluster, and of kind `standby`. */
export const STANDBY_KIND = 'standby';
/** The ports a sandbox publishes (its shape, see portsShape); a group claims only its own shape. */
export const STANDBY_PORTS_LABEL = 'frankenetes.standby-ports';

/** Unclaimed sandboxes are named with this prefix; a claim renames one to its group. */
export const standbyPrefix = (cluster: string) => `${cluster}-standby-`;
/** A fresh name for an unclaimed sandbox. */
export const standbyName = (cluster: string) => `${standbyPrefix(cluster)}${randomBytes(5).toString('hex')}`;

/**
 * The ports a group publishes on random 127.0.0.1 host ports, as one key ("80/tcp,443/tcp"; ""
 * for none): sandboxes of one shape serve any group of that shape.
 */
export function portsShape(ports: readonly { port: number; protocol?: string }[]): string {
  const keys = new Set(ports.map((p) => `${p.port}/${(p.protocol ?? 'TCP').toLowerCase()}`));
  return [...keys].sort().join(',');
}

/**
 * Port keys ("80/tcp") published on 127.0.0.1, as the engine's create call takes them; a host port
 * of 0 (or none) lets the engine pick one.
 */
export function publishOnLoopback(ports: { key: string; hostPort?: number }[]): {
  ExposedPorts: Record<string, object>;
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
} {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const { key, hostPort } of ports) {
    exposed[key] = {};
    bindings[key] = [{ HostIp: '127.0.0.1', HostPort: hostPort ? String(hostPort) : '' }];
  }
  return { ExposedPorts: exposed, PortBindings: bindings };
}

/**
 * An unclaimed sandbox of the cluster (named with the standby prefix), running or frozen, with an
 * address on the cluster's network: one a pause keeps and a starting agent adopts.
 */
export function idleSandboxAddress(
  c: Docker.ContainerInfo,
  cluster: string,
  network: string,
  kindLabel: string,
): string | undefined {
  const named = c.Names.some((n) => n.startsWith(`/${standbyPrefix(cluster)}`));
  const alive = c.State === 'running' || c.State === 'paused';
  const ip = c.NetworkSettings?.Networks?.[network]?.IPAddress;
  return c.Labels[kindLabel] === STANDBY_KIND && named && alive && ip ? ip : undefined;
}

export interface StandbyOptions {
  cluster: string;
  /** How many started sandboxes to keep ready, all shapes together. */
  size: number;
  /** The cluster's engine network, which every sandbox joins. */
  network: string;
  pauseImage: string;
  labels: { managed: string; kind: string; group: string };
  log?: (message: string) => void;
}

interface Sandbox {
  id: string;
  /** Its address on the network, looked up once, off the claim's path. */
  ip: string;
  /** Kept frozen through a pause of the cluster; thawed when claimed. */
  frozen?: boolean;
}

/** Refills wait for this long without a claim, so they never compete with a burst of pod starts. */
const QUIET_MS = 1500;
/** The first fill waits this long, so it does not compete with the cluster's own start-up. */
const FIRST_FILL_DELAY_MS = 10_000;
/** The pool is split between shapes as the last this many claims asked for them. */
const DEMAND_WINDOW = 64;

/**
 * Started, networked infra containers kept ready for pod groups, as ACI's standby pools keep
 * container groups ready. Joining the engine network is the costliest part of starting a pod
 * locally (the engine runs about thirty firewall commands per container); a claimed sandbox has
 * done it already and only needs renaming to its group. The engine fixes published ports at
 * creation, so sandboxes come in shapes (the ports they publish), split as recent claims asked.
 */
export class StandbySandboxes {
  private readonly ready = new Map<string, Sandbox[]>();
  /** The shapes the last claims asked for, oldest first. */
  private readonly demand: string[] = [];
  private creating = 0;
  private lastClaim = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly prefix: string;

  constructor(
    private readonly docker: Docker,
    private readonly options: StandbyOptions,
  ) {
    this.prefix = standbyPrefix(options.cluster);
  }

  private labels(shape: string): Record<string, string> {
    const { labels, cluster } = this.options;
    return {
      [labels.managed]: 'true',
      [TAG.cluster]: cluster,
      [labels.kind]: STANDBY_KIND,
      [STANDBY_PORTS_LABEL]: shape,
    };
  }

  private get total(): number {
    let n = 0;
    for (const list of this.ready.values()) n += list.length;
    return n;
  }

  /**
   * Adopts the unclaimed sandboxes a previous run left on the network, running or frozen by a
   * pause (so a resumed cluster has its pool, and its pods their shapes, at once), and removes the
   * rest: sandboxes in any other state, or claimed by a group that never got a container (an
   * interrupted claim). Adopted shapes count as demand. Then starts filling.
   */
  async start(): Promise<void> {
    const { cluster, labels, network } = this.options;
    const all = (
      await this.docker.listContainers({ all: true, filters: { label: [`${TAG.cluster}=${cluster}`] } })
    ).filter((c) => c.Labels[TAG.cluster] === cluster && c.Labels[labels.managed] === 'true');
    const isSandbox = (c: Docker.ContainerInfo) => c.Labels[labels.kind] === STANDBY_KIND;
    const groupsWithMembers = new Set(all.filter((c) => !isSandbox(c)).map((c) => c.Labels[labels.group]));
    const stale: Docker.ContainerInfo[] = [];
    for (const c of all.filter(isSandbox)) {
      const name = (c.Names[0] ?? '').replace(/^\//, '');
      if (!name.startsWith(this.prefix)) {
        if (!groupsWithMembers.has(name)) stale.push(c);
        continue;
      }
      const ip = idleSandboxAddress(c, cluster, network, labels.kind);
      if (ip) {
        const shape = c.Labels[STANDBY_PORTS_LABEL] ?? '';
        this.listOf(shape).push({ id: c.Id, ip, frozen: c.State === 'paused' });
        this.asked(shape);
      } else stale.push(c);
    }
    if (this.total) this.options.log?.(`adopted ${this.total} standby sandboxes a previous run left`);
    await Promise.all(stale.map((c) => this.remove(c.Id)));
    this.lastClaim = Date.now() + FIRST_FILL_DELAY_MS - QUIET_MS;
    this.refill();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Takes a ready sandbox of the shape and names it after the group; undefined when none is ready. */
  async claim(group: string, shape: string): Promise<Sandbox | undefined> {
    this.lastClaim = Date.now();
    this.asked(shape);
    this.refill();
    const list = this.listOf(shape);
    for (let sandbox = list.shift(); sandbox; sandbox = list.shift()) {
      try {
        if (sandbox.frozen) await this.docker.getContainer(sandbox.id).unpause();
        await this.docker.getContainer(sandbox.id).rename({ name: group });
        return sandbox;
      } catch (error) {
        this.options.log?.(
          `standby sandbox ${sandbox.id.slice(0, 12)} unusable: ${(error as Error).message}`,
        );
        await this.remove(sandbox.id);
      }
    }
    return undefined;
  }

  private listOf(shape: string): Sandbox[] {
    let list = this.ready.get(shape);
    if (!list) this.ready.set(shape, (list = []));
    return list;
  }

  private asked(shape: string): void {
    this.demand.push(shape);
    if (this.demand.length > DEMAND_WINDOW) this.demand.shift();
  }

  /** How many sandboxes each shape should have: the size split as recent claims asked. */
  private targets(): Map<string, number> {
    const { size } = this.options;
    if (!this.demand.length) return new Map([['', size]]);
    const counts = new Map<string, number>();
    for (const shape of this.demand) counts.set(shape, (counts.get(shape) ?? 0) + 1);
    const share = (n: number) => Math.max(1, Math.round((size * n) / this.demand.length));
    return new Map([...counts].map(([shape, n]) => [shape, share(n)]));
  }

  /** Schedules the next sandbox once no claim has happened for a while. */
  private refill(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.creating || !this.next()) return;
    const wait = this.lastClaim + QUIET_MS - Date.now();
    this.timer = setTimeout(() => void this.createOne(), Math.max(0, wait));
    this.timer.unref();
  }

  /**
   * The shape most short of its target, and, when the pool is full, a sandbox of the shape most
   * over its target to remove first; undefined when no shape is short.
   */
  private next(): { shape: string; evictFrom?: string } | undefined {
    const targets = this.targets();
    const gap = (shape: string) => (targets.get(shape) ?? 0) - this.listOf(shape).length;
    const short = [...targets.keys()].filter((s) => gap(s) > 0).sort((a, b) => gap(b) - gap(a))[0];
    if (short === undefined) return undefined;
    if (this.total < this.options.size) return { shape: short };
    const over = [...this.ready.keys()].filter((s) => gap(s) < 0).sort((a, b) => gap(a) - gap(b))[0];
    return over === undefined ? undefined : { shape: short, evictFrom: over };
  }

  private async createOne(): Promise<void> {
    if (Date.now() - this.lastClaim < QUIET_MS) return this.refill();
    const next = this.next();
    if (!next) return;
    this.creating++;
    try {
      const evicted = next.evictFrom === undefined ? undefined : this.listOf(next.evictFrom).pop();
      if (evicted) await this.remove(evicted.id);
      const { ExposedPorts, PortBindings } = publishOnLoopback(
        (next.shape ? next.shape.split(',') : []).map((key) => ({ key })),
      );
      const name = standbyName(this.options.cluster);
      const sandbox = await this.docker.createContainer({
        name,
        Image: this.options.pauseImage,
        Hostname: name,
        Labels: this.labels(next.shape),
        ExposedPorts,
        HostConfig: {
          NetworkMode: this.options.network,
          PortBindings,
          RestartPolicy: { Name: 'always' },
        },
      });
      await sandbox.start();
      const ip = (await sandbox.inspect()).NetworkSettings.Networks[this.options.network]?.IPAddress ?? '';
      if (this.stopped) await this.remove(sandbox.id);
      else this.listOf(next.shape).push({ id: sandbox.id, ip });
    } catch (error) {
      this.options.log?.(`standby sandbox not created: ${(error as Error).message}`);
      this.lastClaim = Date.now(); // back off for a quiet period before trying again
    } finally {
      this.creating--;
    }
    this.refill();
  }

  private async remove(id: string): Promise<void> {
    await this.docker
      .getContainer(id)
      .remove({ force: true })
      .catch(() => undefined);
  }
}
