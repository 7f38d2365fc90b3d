import type {
  Container,
  ContainerGroup,
  ContainerPropertiesInstanceView,
  ContainerState,
  InitContainerDefinition,
} from '@azure/arm-containerinstance';
import Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, open, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';
import { POD_IP_PLACEHOLDER, etcHostsFile, withPodIP } from '../local-pod.js';
import { TAG } from '../names.js';
import { servesTls } from '../serving.js';
import {
  STANDBY_KIND,
  StandbySandboxes,
  idleSandboxAddress,
  portsShape,
  publishOnLoopback,
  standbyName,
  type StandbyOptions,
} from './docker-standby.js';
import type { PlannedGroup } from '../plan.js';
import {
  BackendError,
  type ContainerGroupBackend,
  type ExecOptions,
  type ExecSession,
  type LogOptions,
} from '../backend.js';

/** Labels the Docker backend puts on every container, volume and network it makes. */
const LABEL = {
  managed: 'frankenetes.managed',
  group: 'frankenetes.group',
  container: 'frankenetes.container',
  kind: 'frankenetes.kind',
  hash: 'frankenetes.definition-hash',
  definition: 'frankenetes.definition',
} as const;

const INFRA = 'infra';
const ENGINE_SOCKET_IN_CONTAINER = '/var/run/docker.sock';

export interface DockerBackendOptions {
  /** Path of the engine's API socket (Docker, or Podman's Docker-compatible service). */
  socketPath?: string;
  /** Suffix of the DNS names that group DNS labels get on the engine network. */
  domain?: string;
  /** Image of the infra container holding each group's network namespace. */
  pauseImage?: string;
  /** Keep this many started sandboxes ready for the cluster's groups (see StandbySandboxes). */
  standby?: { cluster: string; size: number; log?: (message: string) => void };
  /**
   * What the kubelet keeps in its pod directories, as files in a volume this process has mounted
   * at `mountedAt` (the agent's `volume` of group `group`), bind-mounted into containers as the
   * kubelet does: secret volumes, emptyDirs, /etc/hosts and termination-message files; no engine
   * volume and no archive upload per pod. Without it, secret volumes and emptyDirs are engine
   * volumes (secret ones filled through the engine's archive API), and containers get the engine's
   * /etc/hosts and no termination messages or subPath mounts.
   */
  secretFiles?: { group: string; volume: string; mountedAt: string };
}

/** A group's pod files: where this process sees them, where the engine does, and each volume's host path. */
interface PodFiles {
  local: string;
  host: string;
  volumes: Map<string, string>;
}

/** Inside a group's pod files, beside its volumes (whose names are DNS labels, without dots). */
const ETC_HOSTS = '.etc-hosts';
const TERMINATION_DIR = '.termination';
const TERMINATION_MESSAGE_MAX_BYTES = 4096;

/** A name that is safe as one path component. */
const isPlainName = (name: string) => /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) && !name.includes('..');

/** The engine socket: $DOCKER_HOST (unix://), $FRANKENETES_ENGINE_SOCKET, Docker's, then Podman's. */
export function defaultEngineSocket(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FRANKENETES_ENGINE_SOCKET) return env.FRANKENETES_ENGINE_SOCKET;
  if (env.DOCKER_HOST?.startsWith('unix://')) return env.DOCKER_HOST.slice('unix://'.length);
  for (const candidate of ['/var/run/docker.sock', '/run/podman/podman.sock']) {
    if (existsSync(candidate)) return candidate;
  }
  return '/run/podman/podman.sock';
}

type AnyContainer = Container | InitContainerDefinition;

function errorStatus(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

function errorText(error: unknown): string {
  const e = error as { json?: { message?: string }; reason?: string; message?: string };
  return (e.json?.message ?? e.message ?? String(error)).replace(/\s+/g, ' ').trim();
}

/** How long members started when another serves wait for it, at most (then they start anyway). */
const SERVING_WAIT_MS = 60_000;

/**
 * Treats "already gone" as success: 404, 304 (already stopped), and Podman's 500 "no such …" when
 * something else (the agent deleting a pod's group) removed the object between list and remove.
 */
async function ignoreMissing<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    const status = errorStatus(error);
    if (status === 404 || status === 304) return undefined;
    if (
      status === 500 &&
      /no such (container|volume|network)|not found in database/i.test(errorText(error))
    ) {
      return undefined;
    }
    throw error;
  }
}

/**
 * Removes a container, running or not. Podman sometimes refuses a forced removal that races the
 * container's own exit ("could not be stopped … container state improper"): tried again then.
 */
async function forceRemove(container: Docker.Container): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ignoreMissing(container.remove({ force: true, v: true }));
      return;
    } catch (error) {
      if (attempt >= 3 || !/state improper|could not be stopped/i.test(errorText(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

/** The group as stored in a label: secret contents replaced by their hash, so `inspect` shows none. */
function redact(group: PlannedGroup): PlannedGroup {
  const hide = (v: string) => `sha256:${createHash('sha256').update(v).digest('hex').slice(0, 16)}`;
  const redactEnv = (c: AnyContainer) => ({
    ...c,
    environmentVariables: c.environmentVariables?.map((e) =>
      e.secureValue === undefined ? e : { name: e.name, secureValue: hide(e.secureValue) },
    ),
  });
  return {
    ...group,
    containers: group.containers.map((c) => redactEnv(c) as Container),
    initContainers: group.initContainers?.map((c) => redactEnv(c)),
    volumes: group.volumes?.map((v) =>
      v.secret
        ? {
            name: v.name,
            secret: Object.fromEntries(Object.keys(v.secret).map((k) => [k, hide(v.secret?.[k] ?? '')])),
          }
        : v,
    ),
  };
}

function definitionHash(group: PlannedGroup): string {
  return createHash('sha256').update(JSON.stringify(group)).digest('hex');
}

function toDate(value: string | undefined): Date | undefined {
  if (!value || value.startsWith('0001-')) return undefined;
  return new Date(value);
}

/**
 * ACI's per-container state from an engine's container inspection. A container that could not start
 * (`startError`: its command does not exist…) is terminated with exit code 128 and reason StartError,
 * as containerd reports it, or, when its restart policy would start it again, waiting in
 * CrashLoopBackOff with that as its previous state.
 */
function containerState(
  info: Docker.ContainerInspectInfo,
  extraRestarts = 0,
  startError?: string,
): ContainerPropertiesInstanceView {
  const s = info.State;
  const restartCount = (info.RestartCount ?? 0) + extraRestarts;
  let currentState: ContainerState;
  if (startError && !s.Running && !toDate(s.StartedAt)) {
    const failed: ContainerState = {
      state: 'Terminated',
      exitCode: 128,
      detailStatus: `StartError: ${startError}`,
    };
    if ((info.HostConfig.RestartPolicy?.Name ?? 'no') === 'no')
      return { restartCount, currentState: failed, events: [] };
    const waiting = { state: 'Waiting', detailStatus: `CrashLoopBackOff: ${startError}` };
    return { restartCount, currentState: waiting, previousState: failed, events: [] };
  }
  if (s.Running || s.Restarting) {
    currentState = {
      state: 'Running',
      startTime: toDate(s.StartedAt),
      detailStatus: s.Restarting ? 'Restarting' : '',
    };
  } else if (toDate(s.FinishedAt) || toDate(s.StartedAt)) {
    currentState = {
      state: 'Terminated',
      startTime: toDate(s.StartedAt),
      finishTime: toDate(s.FinishedAt),
      exitCode: s.ExitCode,
      detailStatus: s.OOMKilled ? 'OOMKilled' : s.Error || (s.ExitCode === 0 ? 'Completed' : 'Error'),
    };
  } else {
    currentState = { state: 'Waiting', detailStatus: s.Error || 'Created' };
  }
  return { restartCount, currentState, events: [] };
}

/**
 * Container groups on a Docker Engine API (Docker, or Podman's compatible service), with ACI's
 * semantics: an infra container holds the group's network namespace, volumes and published ports;
 * init containers run to completion in order; the other containers join the infra's namespace.
 */
export class DockerBackend implements ContainerGroupBackend {
  readonly kind = 'docker' as const;
  readonly socketPath: string;
  private readonly docker: Docker;
  private readonly domain: string;
  private readonly pauseImage: string;
  /** Why members could not start, by container ID: engines keep them "created" without saying. */
  private readonly startErrors = new Map<string, string>();
  /** Restarts made by restartContainer, which the engine's own RestartCount does not count. */
  private readonly manualRestarts = new Map<string, number>();
  /** Images and networks known to exist: each is inspected once, not once per group. */
  private readonly present = new Set<string>();
  /** Definition and hash labels of the groups this backend made: their infra may not carry them. */
  private readonly identities = new Map<string, Record<string, string>>();
  private readonly standby: StandbySandboxes | undefined;
  private readonly secretFiles: DockerBackendOptions['secretFiles'];
  /** The engine host's path of the secretFiles volume, looked up once. */
  private secretFilesHostPath: Promise<string> | undefined;
  private podman: Promise<boolean> | undefined;

  constructor(options: DockerBackendOptions = {}) {
    this.socketPath = options.socketPath ?? defaultEngineSocket();
    this.docker = new Docker({ socketPath: this.socketPath });
    this.domain = options.domain ?? 'frankenetes.internal';
    this.pauseImage = options.pauseImage ?? 'localhost/frankenetes/pause:1';
    this.secretFiles = options.secretFiles;
    if (options.standby?.size) {
      const standby: StandbyOptions = {
        ...options.standby,
        network: this.networkName(options.standby.cluster),
        pauseImage: this.pauseImage,
        labels: LABEL,
      };
      this.standby = new StandbySandboxes(this.docker, standby);
    }
  }

  /** Starts keeping standby sandboxes ready, after clearing what a previous run left. */
  async startStandby(): Promise<void> {
    await this.standby?.start();
  }

  stopStandby(): void {
    this.standby?.stop();
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? errorText(error);
      throw new BackendError(
        `container engine not reachable at unix://${this.socketPath} (${code}); run scripts/setup-engine.sh or set FRANKENETES_ENGINE_SOCKET`,
        'unreachable',
        { cause: error },
      );
    }
  }

  private networkName(cluster: string): string {
    return `frankenetes-${cluster}`;
  }

  private containerName(group: string, container: string): string {
    return `${group}_${container}`;
  }

  private volumeName(group: string, volume: string): string {
    return `${group}_${volume}`;
  }

  private labels(group: PlannedGroup, extra: Record<string, string>): Record<string, string> {
    return { ...(group.tags ?? {}), [LABEL.managed]: 'true', [LABEL.group]: group.name, ...extra };
  }

  private clusterOf(group: PlannedGroup): string {
    const cluster = group.tags?.[TAG.cluster];
    if (!cluster) throw new BackendError(`container group ${group.name} has no ${TAG.cluster} tag`, 'failed');
    return cluster;
  }

  private async ensureImage(image: string): Promise<void> {
    if (this.present.has(`image:${image}`)) return;
    if (await ignoreMissing(this.docker.getImage(image).inspect())) {
      this.present.add(`image:${image}`);
      return;
    }
    try {
      const stream = await this.docker.pull(image);
      // A failed pull may still answer 200, its error in the progress stream (Podman does).
      const events = await new Promise<{ error?: string }[]>((resolve, reject) =>
        this.docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) =>
          err ? reject(err) : resolve(output ?? []),
        ),
      );
      const failed = events.find((e) => e.error)?.error;
      if (failed) throw new Error(failed);
      if (!(await ignoreMissing(this.docker.getImage(image).inspect())))
        throw new Error('the engine has no such image');
      this.present.add(`image:${image}`);
    } catch (error) {
      throw new BackendError(
        `image ${image} is not available locally and could not be pulled (${errorText(error)}); build it with scripts/build-images.sh`,
        'image-missing',
        { cause: error, image },
      );
    }
  }

  private async ensureNetwork(cluster: string): Promise<void> {
    const name = this.networkName(cluster);
    if (this.present.has(`network:${name}`)) return;
    if (await ignoreMissing(this.docker.getNetwork(name).inspect())) {
      this.present.add(`network:${name}`);
      return;
    }
    try {
      await this.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: { [TAG.cluster]: cluster, [LABEL.managed]: 'true' },
      });
    } catch (error) {
      if (errorStatus(error) !== 409) throw error; // created concurrently: fine
    }
  }

  async createOrUpdate(group: PlannedGroup): Promise<ContainerGroup> {
    const hash = definitionHash(group);
    const existing = await this.find(group.name);
    if (existing && existing.labels[LABEL.hash] === hash && isComplete(group, existing.members)) {
      await this.start(group.name);
      return (await this.get(group.name)) as ContainerGroup;
    }
    if (existing) await this.delete(group.name);

    const images = new Set([this.pauseImage, ...group.containers.map((c) => c.image)]);
    for (const c of group.initContainers ?? []) if (c.image) images.add(c.image);
    for (const image of images) await this.ensureImage(image);

    try {
      await this.create(group, hash);
    } catch (error) {
      // Never leave half a group behind: the next createOrUpdate starts clean.
      await this.delete(group.name).catch(() => undefined);
      if (error instanceof BackendError) throw error;
      const text = errorText(error);
      if (/address already in use|port is already allocated|bind: /i.test(text)) {
        const ports = Object.values(group.local?.hostPorts ?? {})
          .filter(Boolean)
          .join(', ');
        throw new BackendError(
          `port ${ports || '(any)'} on 127.0.0.1 is already in use (${text})`,
          'port-in-use',
          {
            cause: error,
          },
        );
      }
      throw new BackendError(`could not create container group ${group.name}: ${text}`, 'failed', {
        cause: error,
      });
    }
    return (await this.get(group.name)) as ContainerGroup;
  }

  private async create(group: PlannedGroup, hash: string): Promise<void> {
    const cluster = this.clusterOf(group);
    await this.ensureNetwork(cluster);
    const volumes = (group.volumes ?? []).filter((v) => !group.local?.hostPaths?.[v.name]);
    const files = await this.writePodFiles(group);
    await Promise.all(
      volumes
        .filter((v) => !files?.volumes.has(v.name))
        .map((v) =>
          this.docker.createVolume({
            Name: this.volumeName(group.name, v.name),
            Labels: this.labels(group, { [LABEL.kind]: 'volume' }),
          }),
        ),
    );
    const identity = { [LABEL.hash]: hash, [LABEL.definition]: JSON.stringify(redact(group)) };
    this.identities.set(group.name, identity);
    // A sandbox publishes its ports on random host ports, so a group that asks for a fixed one
    // takes a fresh infra container; so does one whose DNS label is its only address.
    const fixedPorts =
      Object.values(group.local?.hostPorts ?? {}).some((p) => p) ||
      Boolean(group.ipAddress?.dnsNameLabel && !group.ipAddress.ports?.length);
    // A sandbox's hostname is fixed at its creation. Podman gives each member its own UTS namespace
    // with the pod's hostname while sharing the sandbox's network; Docker shares the sandbox's, so
    // there the pod's hostname needs a fresh sandbox.
    const ownHostname = !group.local?.hostname || (await this.isPodman());
    const claimed =
      !fixedPorts && ownHostname
        ? await this.standby?.claim(group.name, portsShape(group.ipAddress?.ports ?? []))
        : undefined;
    const infra = claimed
      ? undefined
      : await this.createInfra(group, identity, ownHostname ? undefined : group.local?.hostname);
    const infraId = claimed?.id ?? (infra?.id as string);
    // Joining the engine network is the slow part of starting the infra: members are created
    // (and their secret volumes written) meanwhile, unless their environment or arguments take the
    // pod's address, which the sandbox has once started.
    const address: Promise<string> = infra
      ? infra.start().then(async () => {
          const info = await infra.inspect();
          return info.NetworkSettings.Networks[this.networkName(cluster)]?.IPAddress ?? '';
        })
      : Promise.resolve(claimed?.ip ?? '');
    const sandboxReady = address.then(async (ip) => {
      if (files && group.local?.etcHosts) {
        await writeFile(`${files.local}/${ETC_HOSTS}`, etcHostsFile(group.local.etcHosts, ip));
      }
    });
    sandboxReady.catch(() => undefined); // awaited below, where a failure fails the creation
    const ip = JSON.stringify(group).includes(POD_IP_PLACEHOLDER) ? await address : '';
    const member = { infraId, ip, files, hostname: ownHostname };

    // Secret volumes are filled through the first member that mounts them, before it starts.
    const unwritten = new Set(
      volumes.filter((v) => v.secret && !files?.volumes.has(v.name)).map((v) => v.name),
    );
    const createMember = async (c: AnyContainer, kind: 'init' | 'container') => {
      const created = await this.createMember(group, member, c, kind, identity);
      await this.writeSecretVolumes(group, c, created, unwritten);
      await sandboxReady;
      return created;
    };
    for (const c of group.initContainers ?? []) {
      const init = await createMember(c, 'init');
      if (!(await this.startMember(group, init))) return;
      const result = (await init.wait()) as { StatusCode: number };
      if (result.StatusCode !== 0) return; // the group reports the failed init container; nothing else starts
    }
    // One after another in the group's order, as the kubelet starts a pod's containers. Each is
    // created, given its secret volumes and started before the next is created (the engine does
    // these one at a time anyway), so the first ones (etcd and the API server in the control
    // plane) start without waiting for the others' files.
    const deferred = group.local?.startWhenServing;
    const later = new Set(deferred?.containers);
    for (const c of group.containers.filter((c) => !later.has(c.name)))
      await this.startMember(group, await createMember(c, 'container'));
    if (!deferred || !later.size) return;
    await this.untilServing(group, deferred, infraId);
    for (const c of group.containers.filter((c) => later.has(c.name)))
      await this.startMember(group, await createMember(c, 'container'));
  }

  /**
   * Waits until a member completes TLS handshakes on its published port, it stops running, or
   * SERVING_WAIT_MS passed: what comes next (readiness) reports a member that never serves.
   */
  private async untilServing(
    group: PlannedGroup,
    member: { container: string; port: number },
    infraId: string,
  ): Promise<void> {
    const info = await this.docker.getContainer(infraId).inspect();
    const hostPort = Number(info.NetworkSettings.Ports?.[`${member.port}/tcp`]?.[0]?.HostPort);
    if (!hostPort) return;
    const container = this.docker.getContainer(this.containerName(group.name, member.container));
    const deadline = Date.now() + SERVING_WAIT_MS;
    for (let attempt = 1; Date.now() < deadline; attempt++) {
      if (await servesTls('127.0.0.1', hostPort)) return;
      if (attempt % 10 === 0 && !(await container.inspect()).State.Running) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Starts a member; false when the runtime could not (its command does not exist, say): a pod's
   * group stays and reports it (see containerState), as a kubelet keeps such a pod and reports
   * StartError. Other groups (the control plane) fail at once with the engine's message.
   */
  private async startMember(group: PlannedGroup, member: Docker.Container): Promise<boolean> {
    try {
      await member.start();
      return true;
    } catch (error) {
      const status = errorStatus(error);
      if (group.tags?.[TAG.role] !== 'pod' || (status !== 400 && status !== 500)) throw error;
      this.startErrors.set(member.id, errorText(error));
      return false;
    }
  }

  /**
   * With `secretFiles`, writes what a kubelet keeps in its pod directory: each secret volume's files
   * (with their modes, group-owned by the pod's fsGroup), each emptyDir as a directory anyone may
   * write (0777, as the kubelet's), and each container's empty termination-message file (0666).
   */
  private async writePodFiles(group: PlannedGroup): Promise<PodFiles | undefined> {
    if (!this.secretFiles) return undefined;
    const local = `${this.secretFiles.mountedAt}/${group.name}`;
    this.secretFilesHostPath ??= this.docker
      .getVolume(this.volumeName(this.secretFiles.group, this.secretFiles.volume))
      .inspect()
      .then((v) => v.Mountpoint);
    const host = `${await this.secretFilesHostPath}/${group.name}`;
    const fsGroup = group.local?.fsGroup;
    await rm(local, { recursive: true, force: true });
    await mkdir(local, { recursive: true, mode: 0o755 });
    const volumes = new Map<string, string>();
    for (const v of group.volumes ?? []) {
      const dir = `${local}/${v.name}`;
      if (v.secret) {
        await mkdir(dir, { mode: 0o755 });
        for (const [file, content] of Object.entries(v.secret)) {
          const path = `${dir}/${file}`;
          await mkdir(dirname(path), { recursive: true, mode: 0o755 });
          const mode = group.local?.fileModes?.[v.name]?.[file] ?? 0o644;
          await writeFile(path, Buffer.from(content, 'base64'));
          await chmod(path, mode); // not through writeFile: the umask would take bits away
          if (fsGroup !== undefined) await chown(path, 0, fsGroup);
        }
      } else if (v.emptyDir) {
        await mkdir(dir);
        // Setgid with an fsGroup, so files made there belong to the pod's group (as the kubelet's).
        await chmod(dir, fsGroup === undefined ? 0o777 : 0o2777);
        if (fsGroup !== undefined) await chown(dir, 0, fsGroup);
      } else {
        continue;
      }
      volumes.set(v.name, `${host}/${v.name}`);
    }
    // Filled in once the sandbox has its address, before any member starts; bound at creation.
    if (group.local?.etcHosts) await writeFile(`${local}/${ETC_HOSTS}`, '');
    const messages = Object.entries(group.local?.containers ?? {}).filter(
      ([, c]) => c.terminationMessagePath,
    );
    if (messages.length) await mkdir(`${local}/${TERMINATION_DIR}`, { mode: 0o755 });
    for (const [name] of messages) {
      const path = `${local}/${TERMINATION_DIR}/${name}`;
      await writeFile(path, '');
      await chmod(path, 0o666);
    }
    return { local, host, volumes };
  }

  /**
   * The engine's path of `subPath` inside a pod-files volume, made as a directory when missing, as
   * the kubelet does. Each component is resolved before the next is made, so a symlink a container
   * left in an emptyDir cannot lead a mount out of its volume (the kubelet's safe subpath check).
   */
  private async subPathSource(files: PodFiles | undefined, volume: string, subPath: string): Promise<string> {
    if (!files?.volumes.has(volume)) {
      throw new BackendError(`subPath mounts of volume ${volume} need the agent's pod files`, 'failed');
    }
    const base = await realpath(files.local);
    const root = await realpath(`${files.local}/${volume}`);
    const inside = (path: string) => path === root || path.startsWith(`${root}/`);
    let current = root;
    for (const part of subPath.split('/').filter((p) => p && p !== '.')) {
      const next = `${current}/${part}`;
      const exists = await lstat(next).then(
        () => true,
        () => false,
      );
      if (!exists) {
        await mkdir(next);
        await chmod(next, (await lstat(root)).mode & 0o7777);
      }
      current = await realpath(next);
      if (!inside(current)) {
        throw new BackendError(`subPath "${subPath}" of volume ${volume} leads out of the volume`, 'failed');
      }
    }
    return `${files.host}${current.slice(base.length)}`;
  }

  /** Whether the engine is Podman (whose members may have their own hostname), asked once. */
  private isPodman(): Promise<boolean> {
    this.podman ??= this.docker
      .version()
      .then((v) => (v.Components ?? []).some((c) => /podman/i.test(c.Name)))
      .catch(() => false);
    return this.podman;
  }

  async terminationMessage(name: string, container: string): Promise<string | undefined> {
    if (!this.secretFiles || !isPlainName(name) || !isPlainName(container)) return undefined;
    const path = `${this.secretFiles.mountedAt}/${name}/${TERMINATION_DIR}/${container}`;
    const file = await open(path, 'r').catch(() => undefined);
    if (!file) return undefined;
    try {
      const { size } = await file.stat();
      const length = Math.min(size, TERMINATION_MESSAGE_MAX_BYTES);
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, size - length);
      return buffer.toString('utf8');
    } finally {
      await file.close();
    }
  }

  /** A fresh infra container (created, not started): the group's network namespace, published ports and DNS names. */
  private async createInfra(
    group: PlannedGroup,
    identity: Record<string, string>,
    hostname?: string,
  ): Promise<Docker.Container> {
    const cluster = this.clusterOf(group);
    const { ExposedPorts, PortBindings } = publishOnLoopback(
      (group.ipAddress?.ports ?? []).map((p) => ({
        key: portsShape([p]),
        hostPort: group.local?.hostPorts?.[p.port],
      })),
    );
    const label = group.ipAddress?.dnsNameLabel;
    const infra = await this.docker.createContainer({
      name: group.name,
      Image: this.pauseImage,
      Hostname: hostname ?? group.name.slice(0, 63),
      Labels: this.labels(group, { [LABEL.kind]: INFRA, ...identity }),
      ExposedPorts,
      HostConfig: {
        NetworkMode: this.networkName(cluster),
        PortBindings,
        RestartPolicy: { Name: 'always' },
      },
      NetworkingConfig: {
        EndpointsConfig: {
          [this.networkName(cluster)]: { Aliases: label ? [`${label}.${this.domain}`, label] : [] },
        },
      },
    });
    return infra;
  }

  /** Writes the secret volumes this (created, not yet started) member mounts and nobody wrote yet. */
  private async writeSecretVolumes(
    group: PlannedGroup,
    c: AnyContainer,
    member: Docker.Container | undefined,
    unwritten: Set<string>,
  ): Promise<void> {
    const volumes = new Map((group.volumes ?? []).map((v) => [v.name, v]));
    for (const mount of c.volumeMounts ?? []) {
      const secret = volumes.get(mount.name)?.secret;
      if (!member || !secret || !unwritten.delete(mount.name)) continue;
      const tar = pack();
      for (const [file, content] of Object.entries(secret)) {
        const mode = group.local?.fileModes?.[mount.name]?.[file] ?? 0o644;
        tar.entry({ name: file, mode }, Buffer.from(content, 'base64'));
      }
      tar.finalize();
      await member.putArchive(tar as unknown as NodeJS.ReadableStream, { path: mount.mountPath });
    }
  }

  private async createMember(
    group: PlannedGroup,
    sandbox: { infraId: string; ip: string; files: PodFiles | undefined; hostname: boolean },
    c: AnyContainer,
    kind: 'init' | 'container',
    identity: Record<string, string>,
  ): Promise<Docker.Container> {
    const { files, ip } = sandbox;
    const volumes = new Map((group.volumes ?? []).map((v) => [v.name, v]));
    const own = group.local?.containers?.[c.name];
    const binds: string[] = [];
    for (const m of c.volumeMounts ?? []) {
      // Secret volumes are read-only whatever the mount says, as on ACI.
      const readOnly = m.readOnly || Boolean(volumes.get(m.name)?.secret);
      const subPath = own?.subPaths?.[m.mountPath];
      const source = subPath
        ? await this.subPathSource(files, m.name, withPodIP(subPath, ip))
        : (files?.volumes.get(m.name) ??
          group.local?.hostPaths?.[m.name] ??
          this.volumeName(group.name, m.name));
      binds.push(`${source}:${m.mountPath}${readOnly ? ':ro' : ''}`);
    }
    if (files && own?.terminationMessagePath) {
      binds.push(`${files.host}/${TERMINATION_DIR}/${c.name}:${own.terminationMessagePath}`);
    }
    // The kubelet's /etc/hosts, unless the container mounts its own.
    if (files && group.local?.etcHosts && !c.volumeMounts?.some((m) => m.mountPath === '/etc/hosts')) {
      binds.push(`${files.host}/${ETC_HOSTS}:/etc/hosts`);
    }
    if (kind === 'container' && group.local?.engineSocket?.includes(c.name)) {
      binds.push(`${this.socketPath}:${ENGINE_SOCKET_IN_CONTAINER}`);
    }
    const resources = 'resources' in c ? c.resources : undefined;
    const restart =
      { Always: 'always', OnFailure: 'on-failure', Never: 'no' }[group.restartPolicy ?? 'Always'] ?? 'always';
    const [entrypoint, ...args] = (c.command ?? []).map((a) => withPodIP(a, ip));
    const imageArgs = group.local?.args?.[c.name]?.map((a) => withPodIP(a, ip));
    const groups = [group.local?.fsGroup, ...(group.local?.supplementalGroups ?? [])].filter(
      (g): g is number => g !== undefined,
    );
    const sc = c.securityContext;
    // runAsGroup alone would need the image's user: only runAsUser (with runAsGroup) sets the user.
    const user =
      sc?.runAsUser === undefined
        ? undefined
        : `${sc.runAsUser}${sc.runAsGroup === undefined ? '' : `:${sc.runAsGroup}`}`;
    return this.docker.createContainer({
      name: this.containerName(group.name, c.name),
      Image: c.image ?? this.pauseImage,
      ...(entrypoint ? { Entrypoint: [entrypoint], Cmd: args } : imageArgs ? { Cmd: imageArgs } : {}),
      Env: (c.environmentVariables ?? []).map(
        (e) => `${e.name}=${withPodIP(e.value ?? e.secureValue ?? '', ip)}`,
      ),
      ...(sandbox.hostname && group.local?.hostname ? { Hostname: group.local.hostname } : {}),
      ...(own?.workingDir ? { WorkingDir: own.workingDir } : {}),
      ...(user ? { User: user } : {}),
      // Members carry the definition too: a claimed standby sandbox has no labels of the group.
      Labels: this.labels(group, { [LABEL.kind]: kind, [LABEL.container]: c.name, ...identity }),
      HostConfig: {
        NetworkMode: `container:${sandbox.infraId}`,
        Binds: binds,
        RestartPolicy: { Name: kind === 'init' ? 'no' : restart },
        ...(groups.length ? { GroupAdd: [...new Set(groups)].map(String) } : {}),
        ...(sc?.capabilities?.drop?.length ? { CapDrop: [...sc.capabilities.drop] } : {}),
        ...(sc?.allowPrivilegeEscalation === false ? { SecurityOpt: ['no-new-privileges'] } : {}),
        ...(own?.readOnlyRootFilesystem ? { ReadonlyRootfs: true } : {}),
        // Requests weigh CPU time; limits (when given) cap it, as ACI does.
        CpuShares: resources ? Math.max(2, Math.round(resources.requests.cpu * 1024)) : undefined,
        NanoCpus: resources?.limits?.cpu ? Math.round(resources.limits.cpu * 1e9) : undefined,
        Memory: resources?.limits?.memoryInGB ? Math.round(resources.limits.memoryInGB * 2 ** 30) : undefined,
      },
    });
  }

  /**
   * A group's containers: the infra container, named after the group (fresh, or a renamed standby
   * sandbox), and its members, named `<group>_<container>`; `labels` hold its definition and hash.
   * Members are found by name from the definition (the infra's labels, or what this backend
   * created); listing containers costs the engine far more, so only `thorough` lookups (deletion,
   * which must also find what an interrupted creation left) and groups of unknown definition list.
   */
  private async find(
    name: string,
    thorough = false,
  ): Promise<
    | {
        infra?: Docker.ContainerInspectInfo;
        members: Docker.ContainerInspectInfo[];
        labels: Record<string, string>;
      }
    | undefined
  > {
    const infra = await ignoreMissing(this.docker.getContainer(name).inspect());
    const known = infra?.Config.Labels?.[LABEL.definition] ? infra.Config.Labels : this.identities.get(name);
    let members: Docker.ContainerInspectInfo[] = [];
    const knownDefinition = known?.[LABEL.definition];
    if (knownDefinition && !thorough) {
      const definition = JSON.parse(knownDefinition) as PlannedGroup;
      const names = [...(definition.initContainers ?? []), ...definition.containers].map((c) => c.name);
      const infos = await Promise.all(
        names.map((c) => ignoreMissing(this.docker.getContainer(this.containerName(name, c)).inspect())),
      );
      members = infos.filter((i): i is Docker.ContainerInspectInfo => i !== undefined);
    } else if (infra || thorough) {
      const listed = await this.docker.listContainers({
        all: true,
        filters: { label: [`${LABEL.group}=${name}`] },
      });
      const infos = await Promise.all(
        matching(listed, { [LABEL.group]: name })
          .filter((m) => m.Labels[LABEL.kind] !== INFRA)
          .map((m) => ignoreMissing(this.docker.getContainer(m.Id).inspect())),
      );
      members = infos.filter((i): i is Docker.ContainerInspectInfo => i !== undefined);
    }
    if (!infra && !members.length) return undefined;
    const labels = known ?? members[0]?.Config.Labels ?? {};
    if (labels[LABEL.definition]) this.identities.set(name, labels);
    return { infra, members, labels };
  }

  async get(name: string): Promise<PlannedGroup | undefined> {
    const found = await this.find(name);
    const infra = found?.infra;
    const definitionText = found?.labels[LABEL.definition];
    if (!infra || !definitionText) return undefined;
    const definition = JSON.parse(definitionText) as PlannedGroup;
    const infos = found.members;
    const byName = new Map<string, Docker.ContainerInspectInfo>();
    for (const info of infos) if (info) byName.set(info.Config.Labels?.[LABEL.container] ?? '', info);
    const view = (c: AnyContainer): ContainerPropertiesInstanceView => {
      const info = byName.get(c.name);
      return info
        ? containerState(info, this.manualRestarts.get(info.Id), this.startErrors.get(info.Id))
        : { restartCount: 0, currentState: { state: 'Waiting', detailStatus: 'Pending' }, events: [] };
    };
    const containers = definition.containers.map((c) => ({ ...c, instanceView: view(c) }));
    const initContainers = definition.initContainers?.map((c) => ({ ...c, instanceView: view(c) }));
    const network = infra.NetworkSettings.Networks[this.networkName(definition.tags?.[TAG.cluster] ?? '')];
    const hostPorts: Record<number, number> = {};
    for (const [key, binding] of Object.entries(infra.NetworkSettings.Ports ?? {})) {
      const hostPort = Number(binding?.[0]?.HostPort);
      if (hostPort) hostPorts[Number(key.split('/')[0])] = hostPort;
    }
    const label = definition.ipAddress?.dnsNameLabel;
    return {
      ...definition,
      id: infra.Id,
      provisioningState: 'Succeeded',
      containers,
      initContainers,
      instanceView: {
        state: groupState(infra.State.Running, definition, containers, initContainers ?? []),
        events: [],
      },
      // Every group has an address on the engine network, with or without exposed ports.
      ipAddress: {
        ...(definition.ipAddress ?? { type: 'Private', ports: [] }),
        ip: network?.IPAddress || undefined,
        fqdn: label ? `${label}.${this.domain}` : undefined,
      },
      local: { ...definition.local, hostPorts },
    };
  }

  async list(tags: Record<string, string>): Promise<ContainerGroup[]> {
    const label = Object.entries(tags).map(([k, v]) => `${k}=${v}`);
    const containers = matching(await this.docker.listContainers({ all: true, filters: { label } }), tags);
    const names = new Set(containers.map((c) => c.Labels[LABEL.group]).filter((n): n is string => !!n));
    const groups = await Promise.all([...names].map((n) => this.get(n)));
    return groups.filter((g): g is PlannedGroup => g !== undefined);
  }

  async delete(name: string, options: { gracePeriodSeconds?: number } = {}): Promise<void> {
    const found = await this.find(name, true);
    const members = (found?.members ?? []).map((m) => ({ id: m.Id, running: m.State.Running }));
    await this.removeGroup(name, members, found?.infra?.Id, options.gracePeriodSeconds ?? 10);
    const { Volumes } = await this.docker.listVolumes({ filters: { label: [`${LABEL.group}=${name}`] } });
    await Promise.all(
      matching(Volumes ?? [], { [LABEL.group]: name }).map((v) =>
        ignoreMissing(this.docker.getVolume(v.Name).remove()),
      ),
    );
  }

  /**
   * Removes a group's containers: members first (SIGTERM, the grace period, then SIGKILL; with no
   * grace, at once), then the namespace holder; and its pod files. Volumes are the caller's.
   */
  private async removeGroup(
    name: string,
    members: { id: string; running: boolean }[],
    infraId: string | undefined,
    grace: number,
  ): Promise<void> {
    this.identities.delete(name);
    await Promise.all(
      members.map(async (m) => {
        const c = this.docker.getContainer(m.id);
        if (m.running && grace > 0) await ignoreMissing(c.stop({ t: grace })).catch(() => undefined);
        await forceRemove(c);
        this.startErrors.delete(m.id);
        this.manualRestarts.delete(m.id);
      }),
    );
    if (infraId) await forceRemove(this.docker.getContainer(infraId));
    if (this.secretFiles && !name.includes('/') && !name.startsWith('.')) {
      await rm(`${this.secretFiles.mountedAt}/${name}`, { recursive: true, force: true });
    }
  }

  async start(name: string): Promise<void> {
    const found = await this.find(name);
    if (!found?.infra) throw new BackendError(`container group ${name} not found`, 'not-found');
    if (!found.infra.State.Running) await this.docker.getContainer(found.infra.Id).start();
    await Promise.all(
      found.members
        .filter(
          (m) =>
            m.Config.Labels?.[LABEL.kind] === 'container' && !m.State.Running && m.State.Status !== 'exited',
        )
        .map((m) => ignoreMissing(this.docker.getContainer(m.Id).start())),
    );
  }

  async restartContainer(
    name: string,
    container: string,
    options: { gracePeriodSeconds?: number } = {},
  ): Promise<void> {
    const c = await this.member(name, container);
    const info = await c.inspect();
    await ignoreMissing(c.stop({ t: options.gracePeriodSeconds ?? 10 }));
    // A stopped container is "manually stopped" for the engine's restart policy: start it ourselves.
    if (info.HostConfig.RestartPolicy?.Name !== 'no') await c.start();
    this.manualRestarts.set(info.Id, (this.manualRestarts.get(info.Id) ?? 0) + 1);
  }

  async stop(name: string): Promise<void> {
    const found = await this.find(name);
    await Promise.all(
      (found?.members ?? [])
        .filter((m) => m.State.Running)
        .map((m) => ignoreMissing(this.docker.getContainer(m.Id).stop({ t: 0 }))),
    );
    if (found?.infra?.State.Running)
      await ignoreMissing(this.docker.getContainer(found.infra.Id).stop({ t: 0 }));
  }

  private async member(group: string, container: string): Promise<Docker.Container> {
    const info = await ignoreMissing(
      this.docker.getContainer(this.containerName(group, container)).inspect(),
    );
    if (!info) throw new BackendError(`container ${container} of group ${group} not found`, 'not-found');
    return this.docker.getContainer(info.Id);
  }

  async logs(name: string, container: string, options: LogOptions = {}): Promise<Readable> {
    const c = await this.member(name, container);
    const base = {
      stdout: true,
      stderr: true,
      timestamps: options.timestamps ?? false,
      ...(options.tailLines !== undefined ? { tail: options.tailLines } : {}),
      ...(options.sinceSeconds ? { since: Math.floor(Date.now() / 1000) - options.sinceSeconds } : {}),
    };
    const out = new PassThrough();
    if (options.follow) {
      const raw = (await c.logs({ ...base, follow: true })) as unknown as Readable;
      this.docker.modem.demuxStream(raw, out, out);
      raw.on('end', () => out.end());
      raw.on('error', (e) => out.destroy(e));
      out.on('close', () => raw.destroy());
    } else {
      const buffer = (await c.logs({ ...base, follow: false })) as unknown as Buffer;
      out.end(demux(buffer));
    }
    return out;
  }

  async exec(name: string, container: string, options: ExecOptions): Promise<ExecSession> {
    const c = await this.member(name, container);
    const exec = await c.exec({
      Cmd: options.command,
      AttachStdin: options.stdin,
      AttachStdout: true,
      AttachStderr: true,
      Tty: options.tty,
    });
    const startedAt = Date.now();
    const stream = (await exec.start({
      hijack: true,
      stdin: options.stdin,
      Tty: options.tty,
    })) as unknown as NodeJS.ReadWriteStream & Readable;
    const stdout = new PassThrough();
    const stderr = options.tty ? undefined : new PassThrough();
    if (options.tty) stream.pipe(stdout);
    else this.docker.modem.demuxStream(stream, stdout, stderr as PassThrough);
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    ended.then(() => {
      stdout.end();
      stderr?.end();
    });
    return {
      stdin: options.stdin ? stream : undefined,
      closeStdin: () => {
        if (options.stdin) stream.end();
      },
      stdout,
      stderr,
      resize: async (cols, rows) => {
        const apply = () => exec.resize({ w: cols, h: rows }).catch(() => undefined);
        await apply();
        // A resize that races the exec's start is dropped by the engine: repeat it while young.
        if (Date.now() - startedAt < 1000) for (const ms of [150, 500]) setTimeout(apply, ms).unref();
      },
      exitCode: async () => {
        await ended;
        for (let i = 0; i < 50; i++) {
          const info = await exec.inspect();
          if (!info.Running && info.ExitCode !== null) return info.ExitCode ?? 0;
          await new Promise((r) => setTimeout(r, 20));
        }
        return (await exec.inspect()).ExitCode ?? 1;
      },
    };
  }

  async readFile(name: string, container: string, path: string): Promise<Readable> {
    const c = await this.member(name, container);
    let archive: NodeJS.ReadableStream;
    try {
      archive = await c.getArchive({ path });
    } catch (error) {
      if (errorStatus(error) === 404)
        throw new BackendError(`no file ${path} in container ${container} of group ${name}`, 'not-found', {
          cause: error,
        });
      throw error;
    }
    const entries = extract();
    (archive as Readable).on('error', (error) => entries.destroy(error));
    (archive as Readable).pipe(entries);
    // The archive of one file holds one entry: its bytes, streamed as they arrive.
    return Readable.from(
      (async function* () {
        let found = false;
        for await (const entry of entries) {
          if (entry.header.type === 'file' && !found) {
            found = true;
            yield* entry;
          } else entry.resume();
        }
        if (!found)
          throw new BackendError(
            `${path} in container ${container} of group ${name} is not a file`,
            'failed',
          );
      })(),
    );
  }

  async watchGroups(tags: Record<string, string>, onChange: (group: string) => void): Promise<() => void> {
    // Actions are filtered here: Podman reports `die` but matches an `event=die` filter against
    // its own name (`died`), so a server-side filter would drop every exit.
    const actions = new Set(['start', 'die', 'died', 'oom', 'restart']);
    const stream = (await this.docker.getEvents({
      filters: { type: ['container'], label: Object.entries(tags).map(([k, v]) => `${k}=${v}`) },
    })) as unknown as Readable;
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const event = JSON.parse(line) as {
            Action?: string;
            status?: string;
            Actor?: { Attributes?: Record<string, string> };
          };
          if (!actions.has(event.Action ?? event.status ?? '')) continue;
          const attributes = event.Actor?.Attributes ?? {};
          const group = attributes[LABEL.group];
          if (group && Object.entries(tags).every(([k, v]) => attributes[k] === v)) onChange(group);
        } catch {
          // a partial or foreign line: the periodic resync covers anything missed
        }
      }
    });
    stream.on('error', () => undefined);
    return () => stream.destroy();
  }

  async purgeCluster(cluster: string, options: { keepStandby?: boolean } = {}): Promise<number> {
    const labels = { [TAG.cluster]: cluster, [LABEL.managed]: 'true' };
    const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const containers = matching(await this.docker.listContainers({ all: true, filters: { label } }), labels);
    const groupsOf = (role?: string) =>
      new Set(
        containers
          .filter((c) => role === undefined || c.Labels[TAG.role] === role)
          .map((c) => c.Labels[LABEL.group])
          .filter((n): n is string => !!n),
      );
    const groups = groupsOf();
    // From this one listing, not a listing per group: each costs the engine far more than a removal.
    const remove = async (group: string) => {
      const own = containers.filter((c) => c.Labels[LABEL.group] === group);
      // A claimed sandbox carries the standby labels, not the group's: it is known by its name.
      const infra =
        own.find((c) => c.Labels[LABEL.kind] === INFRA) ??
        containers.find((c) => c.Names.includes(`/${group}`));
      const members = own
        .filter((c) => c !== infra)
        .map((c) => ({ id: c.Id, running: c.State === 'running' }));
      // A pod's claimed sandbox goes back to the pool: its members are gone, and a pod cannot
      // change its network namespace (no added capabilities), so it is as good as a fresh one.
      const recycle =
        options.keepStandby && infra?.Labels[LABEL.kind] === STANDBY_KIND && infra.State === 'running';
      await this.removeGroup(group, members, recycle ? undefined : infra?.Id, 0);
      if (recycle) {
        const sandbox = this.docker.getContainer(infra.Id);
        await sandbox
          .rename({ name: standbyName(cluster) })
          .then(() => sandbox.pause())
          .catch(() => forceRemove(sandbox));
      }
    };
    // The control plane first: its agent stops making pod groups and standby sandboxes.
    const controlPlane = groupsOf('control-plane');
    await Promise.all([...controlPlane].map(remove));
    await Promise.all([...groups].filter((g) => !controlPlane.has(g)).map(remove));
    // What no group owns: standby sandboxes, and anything a crash left half made. Freezing an idle
    // sandbox costs the engine a fraction of removing it (a removal runs a cleanup process per
    // container), and a resumed agent adopts it instead of making a new one.
    const leftovers = matching(await this.docker.listContainers({ all: true, filters: { label } }), labels);
    const kept = options.keepStandby
      ? leftovers.filter((c) => idleSandboxAddress(c, cluster, this.networkName(cluster), LABEL.kind))
      : [];
    const removed = leftovers.filter((c) => !kept.includes(c));
    await Promise.all([
      ...removed.map((c) => forceRemove(this.docker.getContainer(c.Id))),
      ...kept
        .filter((c) => c.State === 'running')
        .map((c) => ignoreMissing(this.docker.getContainer(c.Id).pause())),
    ]);
    const volumes = matching((await this.docker.listVolumes({ filters: { label } })).Volumes ?? [], labels);
    await Promise.all(
      volumes.map((v) => ignoreMissing(this.docker.getVolume(v.Name).remove({ force: true }))),
    );
    const networks = kept.length
      ? []
      : matching(await this.docker.listNetworks({ filters: { label } }), labels);
    await Promise.all(networks.map((n) => ignoreMissing(this.docker.getNetwork(n.Id).remove())));
    return groups.size + removed.length + volumes.length + networks.length;
  }
}

/**
 * Whether a group was made to the end: every member exists and every init container succeeded.
 * A creation that was killed part-way (the infra made, members missing, an init container cut
 * off) is replaced, not merely started.
 */
function isComplete(group: PlannedGroup, members: Docker.ContainerInspectInfo[]): boolean {
  const byName = new Map(members.map((m) => [m.Config.Labels?.[LABEL.container], m]));
  const initsDone = (group.initContainers ?? []).every((c) => {
    const state = byName.get(c.name)?.State;
    return state?.Status === 'exited' && state.ExitCode === 0;
  });
  return initsDone && group.containers.every((c) => byName.has(c.name));
}

/**
 * Keeps the items carrying every label. Engines differ on combining several label filters (Podman
 * ORs them for volumes), so the engine's filter only narrows the list and this decides.
 */
function matching<T extends { Labels?: Record<string, string> | null }>(
  items: T[],
  labels: Record<string, string>,
): T[] {
  return items.filter((item) => Object.entries(labels).every(([k, v]) => item.Labels?.[k] === v));
}

/** ACI's group state: Running while all run; once a non-restarting group's containers all ended, Succeeded or Failed. */
function groupState(
  infraRunning: boolean,
  definition: PlannedGroup,
  containers: Container[],
  inits: InitContainerDefinition[],
): string {
  if (!infraRunning) return 'Stopped';
  const failedInit = inits.some((c) => (c.instanceView?.currentState?.exitCode ?? 0) !== 0);
  if (failedInit) return 'Failed';
  const states = containers.map((c) => c.instanceView?.currentState);
  if (states.every((s) => s?.state === 'Running')) return 'Running';
  if (definition.restartPolicy !== 'Always' && states.every((s) => s?.state === 'Terminated')) {
    return states.every((s) => s?.exitCode === 0) ? 'Succeeded' : 'Failed';
  }
  return 'Pending';
}

/** Splits the engine's multiplexed log format (8-byte frame headers) into plain text. */
function demux(buffer: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    if (type === undefined || type > 2 || buffer[offset + 1] !== 0) return buffer; // not multiplexed (TTY)
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === buffer.length ? Buffer.concat(parts) : buffer;
}
