import { readFileSync } from 'node:fs';
import { KubeHttpError, kubeHttp, type KubeHttp } from '../core/kube-http.js';

export type { KubeHttp } from '../core/kube-http.js';

/** The body type of a JSON merge patch (RFC 7386), as the kubelet sends its status writes. */
export const MERGE_PATCH = 'application/merge-patch+json';

/**
 * The agent's API client, with its kubeconfig's credentials (fixed for its life). Its requests
 * share one keep-alive pool: a TLS handshake with a client certificate per call would be most of
 * the agent's CPU per pod, and API server CPU too.
 */
export function loadKubeApi(path: string): KubeHttp {
  return kubeHttp(readFileSync(path, 'utf8'));
}

/** HTTP status of a failed API call, if the server answered. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof KubeHttpError ? error.status : undefined;
}

/** A path segment (a name or namespace), escaped. */
export const seg = (value: string | undefined) => encodeURIComponent(value ?? '');
