import { join } from 'node:path';
import { z } from 'zod';
import { clusterNameFor, type ClusterOrigin } from '../core/names.js';
import { parseBlobContainerUrl } from '../core/state/blob.js';
import { StateError } from '../core/state/index.js';
import { MAX_NAME_LENGTH, parseClusterSpec, SpecError, type ClusterSpec } from '../core/spec.js';

/** Everything the action does, decided once from its inputs (actions/checkout's habit). */
export interface ActionSettings {
  backend: 'docker' | 'aci';
  /** The validated cluster spec `up` gets. */
  spec: ClusterSpec;
  azure?: { clientId: string; tenantId: string; subscriptionId: string; resourceGroup: string };
  /** A directory (docker) or a blob container URL (aci). */
  state: string;
  keep: boolean;
  /** How long a kept cluster may live, in hours. */
  ttlHours: number;
  /** How long `up` may wait for readiness, in seconds. */
  waitSeconds: number;
}

/** One bad input: the action reports each as its own `::error::` line. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`input "${input}": ${message}`);
  }
}

export class InputErrors extends Error {
  override name = 'InputErrors';
  constructor(readonly errors: InputError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

export interface RunContext {
  origin: ClusterOrigin;
  /** $RUNNER_TEMP: where a docker cluster's state lives for the job. */
  runnerTemp: string;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** "90s", "15m", "4h", "2d", or a number of seconds. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_SECONDS[(m[2] ?? 's') as keyof typeof UNIT_SECONDS];
}

const AZURE_INPUTS = [
  'azure-client-id',
  'azure-tenant-id',
  'azure-subscription-id',
  'resource-group',
] as const;

/**
 * The settings for these inputs (`input(name)` returns '' for an unset one, as @actions/core
 * does). Every bad input is collected; they are thrown together as InputErrors.
 */
export function readSettings(input: (name: string) => string, context: RunContext): ActionSettings {
  const errors: InputError[] = [];
  const bad = (name: string, message: string) => errors.push(new InputError(name, message));

  const backend = input('backend') || 'docker';
  if (backend !== 'docker' && backend !== 'aci')
    bad('backend', `must be "docker" or "aci", not "${backend}"`);

  const name = input('name') || clusterNameFor(context.origin, MAX_NAME_LENGTH);

  const keepText = (input('keep') || 'false').toLowerCase();
  if (keepText !== 'true' && keepText !== 'false')
    bad('keep', `must be "true" or "false", not "${keepText}"`);

  const durationOf = (inputName: string, fallback: string, max: number) => {
    const text = input(inputName) || fallback;
    const seconds = parseDuration(text);
    if (seconds === undefined || seconds <= 0 || seconds > max) {
      bad(
        inputName,
        `must be a duration such as "90s", "15m", "4h" or "2d" (at most ${max / 3600} h), not "${text}"`,
      );
    }
    return seconds ?? 0;
  };
  const ttlSeconds = durationOf('ttl', '24h', 30 * 86400);
  const waitSeconds = durationOf('wait', '10m', 6 * 3600);

  let azure: ActionSettings['azure'];
  if (backend === 'aci') {
    const missing = AZURE_INPUTS.filter((n) => !input(n));
    for (const n of missing) bad(n, 'is required with backend "aci"');
    if (!input('location'))
      bad('location', 'is required with backend "aci" (an Azure region, e.g. "westeurope")');
    if (!input('state'))
      bad('state', 'is required with backend "aci": the URL of a private blob container (https://…)');
    else {
      try {
        parseBlobContainerUrl(input('state'));
      } catch (error) {
        if (!(error instanceof StateError)) throw error;
        bad('state', error.message);
      }
    }
    if (!missing.length) {
      azure = {
        clientId: input('azure-client-id'),
        tenantId: input('azure-tenant-id'),
        subscriptionId: input('azure-subscription-id'),
        resourceGroup: input('resource-group'),
      };
    }
  }

  let spec: ClusterSpec | undefined;
  try {
    spec = parseClusterSpec({
      name,
      ...(input('kubernetes-version') ? { kubernetesVersion: input('kubernetes-version') } : {}),
      ...(backend === 'aci'
        ? {
            backend: 'aci',
            ...(input('location') ? { location: input('location') } : {}),
            ...(azure
              ? { azure: { subscriptionId: azure.subscriptionId, resourceGroup: azure.resourceGroup } }
              : {}),
          }
        : {}),
    });
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    // The spec names its field; say which input it came from.
    const text = error.message.replace(/^invalid cluster spec: /, '');
    for (const part of text.split('; ')) {
      const field = part.split(' ')[0] ?? '';
      const inputName =
        {
          name: 'name',
          kubernetesVersion: 'kubernetes-version',
          location: 'location',
          'azure.subscriptionId': 'azure-subscription-id',
          'azure.resourceGroup': 'resource-group',
        }[field] ?? field;
      // Inputs already reported as missing are not reported again through the spec.
      if (errors.some((e) => e.input === inputName) || (field === 'azure' && !azure)) continue;
      bad(inputName, part.slice(field.length).trim());
    }
  }

  if (errors.length || !spec) throw new InputErrors(errors);
  return {
    backend: backend as ActionSettings['backend'],
    spec,
    azure,
    state: input('state') || join(context.runnerTemp, 'frankenetes', 'state'),
    keep: keepText === 'true',
    ttlHours: ttlSeconds / 3600,
    waitSeconds,
  };
}

/** What main saves for post (GITHUB_STATE): enough to find and remove the cluster. */
export const savedState = z.object({
  cluster: z.string(),
  backend: z.enum(['docker', 'aci']),
  state: z.string(),
  keep: z.boolean(),
  ttlHours: z.number(),
  azure: z
    .object({
      clientId: z.string(),
      tenantId: z.string(),
      subscriptionId: z.string(),
      resourceGroup: z.string(),
    })
    .optional(),
});
export type SavedState = z.infer<typeof savedState>;
