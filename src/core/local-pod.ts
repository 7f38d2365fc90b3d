/**
 * What a local engine fills in for a pod once its group has an address, which ACI's model (and so
 * the pure translation) cannot know beforehand.
 */
import type { EtcHosts } from './plan.js';

/**
 * Stands for the pod's IP in environment values and arguments (the downward API's status.podIP):
 * the translation runs before the group has an address; the local backend replaces it once the
 * sandbox has one, before any container is created.
 */
export const POD_IP_PLACEHOLDER = '$(__frankenetes_pod_ip__)';

export function withPodIP(text: string, ip: string): string {
  return text.split(POD_IP_PLACEHOLDER).join(ip);
}

/** The kubelet's managed /etc/hosts (pkg/kubelet/kubelet_pods.go managedHostsFileContent), for one IPv4 address. */
export function etcHostsFile(hosts: EtcHosts, ip: string): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  if (ip) lines.push(`${ip}\t${hosts.names.join('\t')}`);
  if (hosts.aliases?.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const alias of hosts.aliases) lines.push(`${alias.ip}\t${alias.hostnames.join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}
