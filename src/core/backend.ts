import type { ContainerGroup } from '@azure/arm-containerinstance';
import type { Readable } from 'node:stream';
import type { PlannedGroup } from './plan.js';

/** A failure the user can act on: its message is shown as is, on one line. */
export class BackendError extends Error {
  override name = 'BackendError';
  /** The image concerned, for 'image-missing'. */
  readonly image?: string;
  constructor(
    message: string,
    readonly reason:
      | 'unreachable'
      | 'port-in-use'
      | 'image-missing'
      | 'conflict'
      | 'not-found'
      | 'denied'
      | 'invalid'
      | 'failed',
    options?: { cause?: unknown; image?: string },
  ) {
    super(message, options);
    this.image = options?.image;
  }
}

export interface LogOptions {
  tailLines?: number;
  timestamps?: boolean;
  sinceSeconds?: number;
  follow?: boolean;
  /** Logs of the previous instance of a restarted container, where the engine keeps them. */
  previous?: boolean;
}

export interface ExecOptions {
  command: string[];
  stdin: boolean;
  tty: boolean;
}

/** A running exec session: raw streams plus resize and the exit code once it ends. */
export interface ExecSession {
  stdin?: NodeJS.WritableStream;
  /** Signals end of input to the command (half-close), keeping its output flowing. */
  closeStdin(): void;
  stdout: Readable;
  stderr?: Readable;
  resize(cols: number, rows: number): Promise<void>;
  exitCode(): Promise<number>;
}

/**
 * The operations every engine offers on ACI-style container groups. Groups come back in ACI's
 * model with `instanceView` filled: per-container state, exit code, restart count, events, and the
 * published address in `ipAddress` (`ip`, `fqdn`, host ports under `local`).
 */
export interface ContainerGroupBackend {
  readonly kind: 'docker' | 'aci';
  /** Checks the engine can be reached; throws a BackendError('unreachable') that says where it looked. */
  ping(): Promise<void>;
  /**
   * Creates the group, or brings an existing one to this definition (delete + recreate when it
   * differs, as ACI requires for most changes), and starts it. Returns once its containers started.
   */
  createOrUpdate(group: PlannedGroup): Promise<ContainerGroup>;
  get(name: string): Promise<ContainerGroup | undefined>;
  /** Groups whose tags include every given tag. */
  list(tags: Record<string, string>): Promise<ContainerGroup[]>;
  /** Deletes a group and everything it owns; absent groups are fine. */
  delete(name: string, options?: { gracePeriodSeconds?: number }): Promise<void>;
  start(name: string): Promise<void>;
  /**
   * Restarts one container (a failed liveness probe): SIGTERM, the grace period, SIGKILL, then start
   * again unless the group's restart policy is Never. Its restart count goes up by one.
   */
  restartContainer(name: string, container: string, options?: { gracePeriodSeconds?: number }): Promise<void>;
  stop(name: string): Promise<void>;
  logs(name: string, container: string, options?: LogOptions): Promise<Readable>;
  exec(name: string, container: string, options: ExecOptions): Promise<ExecSession>;
  /**
   * Streams one file out of a container of a running group (pause copies etcd's snapshot out this
   * way); throws a BackendError('not-found') when there is no such file. Engines without an
   * archive API can offer it through exec; a backend that lacks it cannot pause clusters.
   */
  readFile?(name: string, container: string, path: string): Promise<Readable>;
  /**
   * What a stopped container wrote to its terminationMessagePath (`local.containers`), at most its
   * last 4096 bytes; undefined where the engine cannot read it (ACI).
   */
  terminationMessage?(name: string, container: string): Promise<string | undefined>;
  /**
   * Calls back with a group's name whenever one of its containers starts, stops or restarts, for
   * groups carrying every given tag. Best effort: callers still resync periodically.
   */
  watchGroups(tags: Record<string, string>, onChange: (group: string) => void): Promise<() => void>;
  /**
   * Removes every remaining resource tagged for the cluster (groups, volumes, networks); returns how
   * many. With `keepStandby` (pause), a backend with standby sandboxes freezes its unclaimed ones
   * and keeps the network they are on, for the resumed cluster's agent to adopt.
   */
  purgeCluster(cluster: string, options?: { keepStandby?: boolean }): Promise<number>;
}
