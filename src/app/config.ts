// `.github/frankenetes.yml`, read from the default branch only (Probot's context.config): what a
// repository lets its PRs do. Validated with zod; a broken file is reported, never half-applied.
import { z } from 'zod';
import { BACKENDS } from '../core/spec.js';
import { VERBS, durationSeconds, MAX_TTL_SECONDS, MIN_TTL_SECONDS } from './commands.js';

export const CONFIG_FILE = 'frankenetes.yml';

const duration = (what: string, min: number, max: number) =>
  z.string({ error: `${what} must be a duration such as 90m, 4h or 2d` }).refine(
    (text) => {
      const seconds = durationSeconds(text);
      return seconds !== undefined && seconds >= min && seconds <= max;
    },
    `${what} must be a duration such as 90m, 4h or 2d, from ${min / 60}m to ${max / 86400}d`,
  );

const configSchema = z
  .object({
    /** Commands this repository allows (help is always allowed). */
    commands: z.array(z.enum(VERBS)).default([...VERBS]),
    /** Kubernetes version for `up` without --kubernetes-version. */
    kubernetesVersion: z
      .string()
      .regex(/^1\.3[5-7](\.\d{1,3})?$/, 'kubernetesVersion must be 1.35, 1.36 or 1.37[.patch]')
      .default('1.37'),
    /** How long a cluster may live before the sweeper removes it. */
    ttl: duration('ttl', MIN_TTL_SECONDS, MAX_TTL_SECONDS).default('24h'),
    /** A running cluster whose API has no user request for this long is paused; "off" never pauses. */
    idleTimeout: z.union([z.literal('off'), duration('idleTimeout', 5 * 60, MAX_TTL_SECONDS)]).default('2h'),
    /** Cost cap per PR in USD (ACI pay-as-you-go rates): over it, the sweeper removes the cluster. */
    costCap: z.number().positive().max(10_000).optional(),
    /** Where clusters run: the app's default when absent. */
    backend: z.enum(BACKENDS).optional(),
    /** The Azure target for backend aci (no credentials: the app signs in with its own identity). */
    azure: z
      .object({
        subscriptionId: z.string(),
        resourceGroup: z.string(),
        location: z.string().regex(/^[a-z0-9]+$/, 'azure.location must be a region name such as westeurope'),
        podResourceGroup: z.string().optional(),
        identity: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type RepoConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The file's content (undefined when there is none) → the repository's settings. */
export function parseRepoConfig(input: unknown): RepoConfig {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    throw new ConfigError(`.github/${CONFIG_FILE} is invalid (${where}${first?.message ?? 'unknown error'})`);
  }
  return result.data;
}

export function idleTimeoutSeconds(config: RepoConfig): number | undefined {
  return config.idleTimeout === 'off' ? undefined : durationSeconds(config.idleTimeout);
}
