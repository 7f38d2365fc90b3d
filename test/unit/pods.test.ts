import type {
  Container,
  ContainerGroup,
  ContainerState,
  InitContainerDefinition,
} from '@azure/arm-containerinstance';
import type { V1Container, V1Pod, V1PodCondition, V1Volume } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { TAG } from '../../src/core/names.js';
import type { PlannedGroup } from '../../src/core/plan.js';
import {
  aciCpu,
  aciMemoryInGB,
  expandVars,
  parseQuantity,
  podGroupName,
  podReferences,
  podStatusFromGroup,
  podToContainerGroup,
  terminationMessage,
  terminationMessageNeedsLogs,
  type PodEnvironment,
  type Translation,
} from '../../src/core/pods.js';
import { POD_IP_PLACEHOLDER, etcHostsFile, withPodIP } from '../../src/core/local-pod.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const clone = <T>(value: T): T => structuredClone(value);

function environment(): PodEnvironment {
  return {
    cluster: 'pr-42',
    node: 'pr-42-node',
    location: 'local',
    apiServerHost: 'pr-42.frankenetes.internal',
    apiServerPort: 6443,
    configMaps: {
      'app-config': {
        data: { 'app.yaml': 'port: 8080\n', LOG_LEVEL: 'debug', MODE: 'fast' },
        binaryData: { 'logo.png': 'iVBORw0KGgo=' },
      },
      'kube-root-ca.crt': { data: { 'ca.crt': 'ROOT-CA-FROM-CONFIGMAP' } },
    },
    secrets: {
      'db-credentials': { data: { username: b64('app'), password: b64('s3cret') } },
      tls: { data: { 'tls.crt': b64('CERT'), 'tls.key': b64('KEY') } },
    },
    serviceAccountToken: 'eyJhbGciOiJSUzI1NiJ9.token',
    caCert: 'CLUSTER-CA-PEM',
    defaults: { cpu: 0.5, memoryInGB: 0.5 },
    allocatable: { cpu: 16, memory: 64 * 2 ** 30 },
    backend: 'docker',
  };
}

/** A realistic pod: init container, two containers, env of every kind, envFrom, four volume kinds, ports, probes. */
function webPod(): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: '0b6f3c1e-1111-2222-3333-444455556666',
      labels: { app: 'web', tier: 'front' },
      annotations: { team: 'payments' },
      creationTimestamp: new Date('2025-01-01T10:00:00Z'),
    },
    spec: {
      nodeName: 'pr-42-node',
      serviceAccountName: 'web',
      restartPolicy: 'Always',
      initContainers: [
        {
          name: 'migrate',
          image: 'busybox:1.36',
          command: ['sh', '-c', 'echo migrating as $(DB_USER)'],
          env: [
            { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'username' } } },
          ],
          volumeMounts: [{ name: 'config', mountPath: '/etc/app', readOnly: true }],
        },
      ],
      containers: [
        {
          name: 'app',
          image: 'ghcr.io/acme/web:1.2.3',
          command: ['/app/server'],
          args: ['--port=$(PORT)', '--mode=$(CFG_MODE)', '--price=$$5', '--unknown=$(NOPE)'],
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9090 },
          ],
          envFrom: [
            { configMapRef: { name: 'app-config' }, prefix: 'CFG_' },
            { secretRef: { name: 'db-credentials' }, prefix: 'DB_' },
          ],
          env: [
            { name: 'PORT', value: '8080' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'GREETING', value: 'hello from $(POD_NAME)' },
            { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
            { name: 'APP_LABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
            { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['team']" } } },
            { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            { name: 'SERVICE_ACCOUNT', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
            { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'LOG_LEVEL' } } },
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
            { name: 'DSN', value: 'postgres://$(DB_username):$(DB_PASSWORD)@db:5432/shop' },
            {
              name: 'FEATURE_FLAG',
              valueFrom: { configMapKeyRef: { name: 'app-config', key: 'missing-key', optional: true } },
            },
            {
              name: 'MEMORY_LIMIT_MI',
              valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
            },
            {
              name: 'CPU_REQUEST_M',
              valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } },
            },
          ],
          resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          livenessProbe: {
            httpGet: {
              path: '/healthz',
              port: 'http',
              scheme: 'HTTP',
              httpHeaders: [{ name: 'X-Probe', value: 'live' }],
            },
            initialDelaySeconds: 5,
            periodSeconds: 10,
            timeoutSeconds: 2,
            failureThreshold: 3,
            successThreshold: 1,
          },
          readinessProbe: { exec: { command: ['cat', '/tmp/ready-$(PORT)'] }, periodSeconds: 5 },
          volumeMounts: [
            { name: 'config', mountPath: '/etc/app', readOnly: true },
            { name: 'cache', mountPath: '/cache' },
            { name: 'tls', mountPath: '/etc/tls' },
            {
              name: 'kube-api-access-x7k2p',
              mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
              readOnly: true,
            },
            { name: 'podinfo', mountPath: '/etc/podinfo' },
          ],
          securityContext: {
            runAsUser: 1000,
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
        {
          name: 'log-shipper',
          image: 'ghcr.io/acme/log-shipper:2',
          args: ['--source=/cache/logs', '--node=$(NODE)'],
          env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          ports: [
            { containerPort: 5140, protocol: 'UDP' },
            { containerPort: 9090, protocol: 'TCP' },
          ],
          resources: { limits: { cpu: '200m', memory: '128Mi' } },
          volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
        },
      ],
      volumes: [
        {
          name: 'config',
          configMap: {
            name: 'app-config',
            items: [
              { key: 'app.yaml', path: 'app.yaml' },
              { key: 'logo.png', path: 'logo.png' },
            ],
          },
        },
        { name: 'cache', emptyDir: {} },
        { name: 'tls', secret: { secretName: 'tls', defaultMode: 0o400 } },
        {
          name: 'kube-api-access-x7k2p',
          projected: {
            defaultMode: 0o644,
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              {
                downwardAPI: {
                  items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }],
                },
              },
            ],
          },
        },
        {
          name: 'podinfo',
          downwardAPI: {
            items: [
              { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
              { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
              {
                path: 'cpu_limit',
                resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' },
              },
            ],
          },
        },
      ],
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
}

/** A minimal pod: one container, nothing else. */
function simplePod(overrides: Partial<V1Container> = {}): V1Pod {
  return {
    metadata: {
      name: 'nginx',
      namespace: 'default',
      uid: 'uid-1',
      creationTimestamp: new Date('2025-01-01T09:00:00Z'),
    },
    spec: { nodeName: 'pr-42-node', containers: [{ name: 'nginx', image: 'nginx:1.27', ...overrides }] },
  };
}

function translate(pod: V1Pod, env: PodEnvironment = environment()): PlannedGroup {
  const result = podToContainerGroup(pod, env);
  if (!result.ok) throw new Error(`expected a group, got ${result.reason}: ${result.message}`);
  return result.group;
}

function failure(result: Translation): Extract<Translation, { ok: false }> {
  if (result.ok) throw new Error('expected the translation to fail');
  return result;
}

function container(group: PlannedGroup, name: string): Container {
  const found = group.containers.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

function envOf(
  c: Container | InitContainerDefinition,
): Record<string, { value?: string; secureValue?: string }> {
  return Object.fromEntries(
    (c.environmentVariables ?? []).map((e) => [e.name, { value: e.value, secureValue: e.secureValue }]),
  );
}

function volume(group: PlannedGroup, name: string) {
  const found = group.volumes?.find((v) => v.name === name);
  if (!found) throw new Error(`no volume ${name}`);
  return found;
}

const decoded = (files: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(files ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

describe('podGroupName', () => {
  it('joins cluster, namespace and pod into a valid ACI name', () => {
    expect(podGroupName('pr-42', 'shop', 'web')).toBe('pr-42-shop-web');
    expect(podGroupName('PR_42', 'Shop', 'web.v1')).toBe('pr-42-shop-web-v1');
  });

  it('keeps long names within 63 characters, told apart by a hash', () => {
    const a = podGroupName('pr-42', 'default', `worker-${'x'.repeat(80)}-a`);
    const b = podGroupName('pr-42', 'default', `worker-${'x'.repeat(80)}-b`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
  });
});

describe('podToContainerGroup: a realistic pod', () => {
  const group = translate(webPod());

  it('matches the snapshot', () => {
    expect(group).toMatchSnapshot();
  });

  it('names, tags and places the group', () => {
    expect(group.name).toBe('pr-42-shop-web');
    expect(group.location).toBe('local');
    expect(group.osType).toBe('Linux');
    expect(group.restartPolicy).toBe('Always');
    expect(group.tags).toEqual({
      [TAG.cluster]: 'pr-42',
      [TAG.role]: 'pod',
      [TAG.node]: 'pr-42-node',
      [TAG.namespace]: 'shop',
      [TAG.pod]: 'web',
      [TAG.uid]: '0b6f3c1e-1111-2222-3333-444455556666',
    });
  });

  it('exposes every distinct port with a DNS label, each on any free local port', () => {
    expect(group.ipAddress).toEqual({
      type: 'Public',
      dnsNameLabel: 'pr-42-shop-web',
      ports: [
        { port: 8080, protocol: 'TCP' },
        { port: 9090, protocol: 'TCP' },
        { port: 5140, protocol: 'UDP' },
      ],
    });
    expect(group.local?.hostPorts).toEqual({ 8080: 0, 9090: 0, 5140: 0 });
    expect(container(group, 'app').ports).toEqual([
      { port: 8080, protocol: 'TCP' },
      { port: 9090, protocol: 'TCP' },
    ]);
  });

  it('builds the environment in pod order: envFrom, env, then the API server variables', () => {
    const names = (container(group, 'app').environmentVariables ?? []).map((e) => e.name);
    expect(names.slice(0, 5)).toEqual([
      'CFG_LOG_LEVEL',
      'CFG_MODE',
      'CFG_app.yaml',
      'DB_password',
      'DB_username',
    ]);
    expect(names.indexOf('PORT')).toBeLessThan(names.indexOf('GREETING'));
    expect(names.slice(-4)).toEqual([
      'KUBERNETES_SERVICE_HOST',
      'KUBERNETES_SERVICE_PORT',
      'KUBERNETES_SERVICE_PORT_HTTPS',
      'KUBERNETES_PORT',
    ]);
    expect(names).not.toContain('FEATURE_FLAG'); // optional key that does not exist
  });

  it('resolves every kind of env value, secrets as secureValue', () => {
    const env = envOf(container(group, 'app'));
    expect(env.PORT).toEqual({ value: '8080', secureValue: undefined });
    expect(env.GREETING?.value).toBe('hello from web');
    expect(env.POD_NAMESPACE?.value).toBe('shop');
    expect(env.POD_UID?.value).toBe('0b6f3c1e-1111-2222-3333-444455556666');
    expect(env.APP_LABEL?.value).toBe('web');
    expect(env.TEAM?.value).toBe('payments');
    expect(env.NODE_NAME?.value).toBe('pr-42-node');
    expect(env.SERVICE_ACCOUNT?.value).toBe('web');
    expect(env.HOST_IP?.value).toBe('127.0.0.1');
    // Filled in by the local backend once the sandbox has its address.
    expect(env.POD_IP?.value).toBe(POD_IP_PLACEHOLDER);
    expect(env.LOG_LEVEL?.value).toBe('debug');
    expect(env.CFG_MODE?.value).toBe('fast');
    expect(env.DB_PASSWORD).toEqual({ value: undefined, secureValue: 's3cret' });
    expect(env.DB_username).toEqual({ value: undefined, secureValue: 'app' });
    // A literal that expands a secret is a secret too.
    expect(env.DSN).toEqual({ value: undefined, secureValue: 'postgres://app:s3cret@db:5432/shop' });
    expect(env.MEMORY_LIMIT_MI?.value).toBe('512');
    expect(env.CPU_REQUEST_M?.value).toBe('250');
    expect(env.KUBERNETES_SERVICE_HOST?.value).toBe('pr-42.frankenetes.internal');
    expect(env.KUBERNETES_SERVICE_PORT?.value).toBe('6443');
    expect(env.KUBERNETES_SERVICE_PORT_HTTPS?.value).toBe('6443');
    expect(env.KUBERNETES_PORT?.value).toBe('tcp://pr-42.frankenetes.internal:6443');
  });

  it('joins command and args, expanding $(VAR) as the kubelet does', () => {
    expect(container(group, 'app').command).toEqual([
      '/app/server',
      '--port=8080',
      '--mode=fast',
      '--price=$5',
      '--unknown=$(NOPE)',
    ]);
    expect(group.initContainers?.[0]?.command).toEqual(['sh', '-c', 'echo migrating as app']);
  });

  it('keeps the image entrypoint of an args-only container: args go to local.args', () => {
    expect(container(group, 'log-shipper').command).toBeUndefined();
    expect(group.local?.args).toEqual({ 'log-shipper': ['--source=/cache/logs', '--node=pr-42-node'] });
  });

  it('translates init containers without resources, ports or probes', () => {
    expect(group.initContainers).toHaveLength(1);
    const init = group.initContainers?.[0];
    expect(init?.name).toBe('migrate');
    expect(init?.image).toBe('busybox:1.36');
    expect(init).not.toHaveProperty('resources');
    expect(envOf(init as InitContainerDefinition).DB_USER).toEqual({ value: undefined, secureValue: 'app' });
    expect(init?.volumeMounts).toEqual([{ name: 'config', mountPath: '/etc/app', readOnly: true }]);
  });

  it('converts requests and limits, taking limits as requests when only limits are given', () => {
    expect(container(group, 'app').resources).toEqual({
      requests: { cpu: 0.25, memoryInGB: 0.3 },
      limits: { cpu: 1, memoryInGB: 0.5 },
    });
    expect(container(group, 'log-shipper').resources).toEqual({
      requests: { cpu: 0.2, memoryInGB: 0.2 },
      limits: { cpu: 0.2, memoryInGB: 0.2 },
    });
  });

  it('translates httpGet (named port) and exec probes', () => {
    expect(container(group, 'app').livenessProbe).toEqual({
      httpGet: {
        path: '/healthz',
        port: 8080,
        scheme: 'http',
        httpHeaders: [{ name: 'X-Probe', value: 'live' }],
      },
      initialDelaySeconds: 5,
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
      successThreshold: 1,
    });
    expect(container(group, 'app').readinessProbe).toEqual({
      exec: { command: ['cat', '/tmp/ready-8080'] },
      periodSeconds: 5,
    });
  });

  it('keeps the security settings ACI knows', () => {
    expect(container(group, 'app').securityContext).toEqual({
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container(group, 'log-shipper').securityContext).toBeUndefined();
  });

  it('keeps volumes in pod order', () => {
    expect(group.volumes?.map((v) => v.name)).toEqual([
      'config',
      'cache',
      'tls',
      'kube-api-access-x7k2p',
      'podinfo',
    ]);
    expect(volume(group, 'cache')).toEqual({ name: 'cache', emptyDir: {} });
  });

  it('turns a configMap volume into a secret volume: data encoded, binaryData as is', () => {
    expect(volume(group, 'config').secret).toEqual({
      'app.yaml': b64('port: 8080\n'),
      'logo.png': 'iVBORw0KGgo=',
    });
  });

  it('passes secret data through unchanged', () => {
    expect(volume(group, 'tls').secret).toEqual({ 'tls.crt': b64('CERT'), 'tls.key': b64('KEY') });
  });

  it('fills the projected service-account volume: token, CA and namespace', () => {
    expect(decoded(volume(group, 'kube-api-access-x7k2p').secret)).toEqual({
      token: 'eyJhbGciOiJSUzI1NiJ9.token',
      'ca.crt': 'ROOT-CA-FROM-CONFIGMAP',
      namespace: 'shop',
    });
  });

  it('writes downward API files like the kubelet', () => {
    expect(decoded(volume(group, 'podinfo').secret)).toEqual({
      labels: 'app="web"\ntier="front"',
      annotations: 'team="payments"',
      cpu_limit: '1000',
    });
  });

  it('mounts file volumes read-only, emptyDir as the pod says', () => {
    expect(container(group, 'app').volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/app', readOnly: true },
      { name: 'cache', mountPath: '/cache', readOnly: false },
      { name: 'tls', mountPath: '/etc/tls', readOnly: true },
      {
        name: 'kube-api-access-x7k2p',
        mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
        readOnly: true,
      },
      { name: 'podinfo', mountPath: '/etc/podinfo', readOnly: true },
    ]);
  });
});

describe('podToContainerGroup: details', () => {
  it('is deterministic: same pod and environment give deep-equal groups', () => {
    const env = environment();
    const reordered = environment();
    reordered.configMaps = {
      'kube-root-ca.crt': env.configMaps['kube-root-ca.crt']!,
      'app-config': env.configMaps['app-config']!,
    };
    const a = translate(webPod(), env);
    const b = translate(webPod(), reordered);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(translate(webPod(), env)).toEqual(a);
  });

  it('does not modify its inputs', () => {
    const pod = webPod();
    const env = environment();
    translate(pod, env);
    expect(pod).toEqual(webPod());
    expect(env).toEqual(environment());
  });

  it('maps restart policies and defaults to Always', () => {
    for (const policy of ['Always', 'OnFailure', 'Never']) {
      const pod = simplePod();
      pod.spec!.restartPolicy = policy;
      expect(translate(pod).restartPolicy).toBe(policy);
    }
    expect(translate(simplePod()).restartPolicy).toBe('Always');
  });

  it('uses the node defaults when a container asks for nothing', () => {
    const env = environment();
    env.defaults = { cpu: 0.25, memoryInGB: 0.75 };
    expect(translate(simplePod(), env).containers[0]?.resources).toEqual({
      requests: { cpu: 0.25, memoryInGB: 0.8 },
    });
  });

  it('mixes a given request with the default for the other resource', () => {
    const group = translate(simplePod({ resources: { requests: { cpu: '2' } } }));
    expect(group.containers[0]?.resources).toEqual({ requests: { cpu: 2, memoryInGB: 0.5 } });
  });

  it('gives a pod without ports no address and no published ports', () => {
    const group = translate(simplePod());
    expect(group.ipAddress).toBeUndefined();
    expect(group.local?.hostPorts).toBeUndefined();
  });

  it('publishes a hostPort at that port on 127.0.0.1', () => {
    const group = translate(simplePod({ ports: [{ containerPort: 80, hostPort: 8080 }] }));
    expect(group.local?.hostPorts).toEqual({ 80: 8080 });
    expect(group.ipAddress?.ports).toEqual([{ port: 80, protocol: 'TCP' }]);
  });

  it('keeps the API server variables a pod sets itself', () => {
    const group = translate(simplePod({ env: [{ name: 'KUBERNETES_SERVICE_HOST', value: 'elsewhere' }] }));
    const vars = group.containers[0]?.environmentVariables ?? [];
    expect(vars.filter((e) => e.name === 'KUBERNETES_SERVICE_HOST')).toEqual([
      { name: 'KUBERNETES_SERVICE_HOST', value: 'elsewhere' },
    ]);
    expect(vars.map((e) => e.name)).toContain('KUBERNETES_PORT');
  });

  it('lets env override envFrom, the later definition winning', () => {
    const group = translate(
      simplePod({
        envFrom: [{ configMapRef: { name: 'app-config' } }],
        env: [{ name: 'MODE', value: 'slow' }],
      }),
    );
    const vars = group.containers[0]?.environmentVariables ?? [];
    expect(vars.filter((e) => e.name === 'MODE')).toEqual([{ name: 'MODE', value: 'slow' }]);
  });

  it('passes command without args unchanged and leaves local.args out', () => {
    const group = translate(simplePod({ command: ['nginx', '-g', 'daemon off;'] }));
    expect(group.containers[0]?.command).toEqual(['nginx', '-g', 'daemon off;']);
    expect(group.local?.args).toBeUndefined();
  });

  it('falls back to the cluster CA when kube-root-ca.crt is not published yet', () => {
    const env = environment();
    delete env.configMaps['kube-root-ca.crt'];
    const group = translate(webPod(), env);
    expect(decoded(volume(group, 'kube-api-access-x7k2p').secret)['ca.crt']).toBe('CLUSTER-CA-PEM');
  });

  it('gives an optional missing secret an empty volume', () => {
    const pod = simplePod();
    pod.spec!.volumes = [{ name: 'extra', secret: { secretName: 'nope', optional: true } }];
    expect(translate(pod).volumes).toEqual([{ name: 'extra', secret: {} }]);
  });

  it('maps configMap items to their paths, skipping optional missing keys', () => {
    const pod = simplePod();
    pod.spec!.volumes = [
      {
        name: 'cfg',
        configMap: {
          name: 'app-config',
          optional: true,
          items: [
            { key: 'MODE', path: 'mode.txt' },
            { key: 'absent', path: 'absent.txt' },
          ],
        },
      },
    ];
    expect(decoded(translate(pod).volumes?.[0]?.secret)).toEqual({ 'mode.txt': 'fast' });
  });

  it('combines secret sources in a projected volume', () => {
    const pod = simplePod();
    pod.spec!.volumes = [
      {
        name: 'bundle',
        projected: {
          sources: [
            { secret: { name: 'tls', items: [{ key: 'tls.crt', path: 'server.crt' }] } },
            { configMap: { name: 'app-config', items: [{ key: 'MODE', path: 'mode' }] } },
          ],
        },
      },
    ];
    expect(decoded(translate(pod).volumes?.[0]?.secret)).toEqual({ 'server.crt': 'CERT', mode: 'fast' });
  });

  it('refuses a container without image', () => {
    const { reason, message } = failure(podToContainerGroup(simplePod({ image: '' }), environment()));
    expect(reason).toBe('InvalidImageName');
    expect(message).toBe('container "nginx" has no image');
  });

  it('refuses runAsUser 0 with runAsNonRoot', () => {
    const pod = simplePod({ securityContext: { runAsNonRoot: true } });
    pod.spec!.securityContext = { runAsUser: 0 };
    const { reason, message } = failure(podToContainerGroup(pod, environment()));
    expect(reason).toBe('CreateContainerConfigError');
    expect(message).toContain('runAsUser breaks non-root policy');
  });

  it('takes runAsUser / runAsGroup from the pod when the container sets none', () => {
    const pod = simplePod();
    pod.spec!.securityContext = { runAsUser: 101, runAsGroup: 101, fsGroup: 101 };
    expect(translate(pod).containers[0]?.securityContext).toEqual({ runAsUser: 101, runAsGroup: 101 });
  });
});

describe('podToContainerGroup: unsupported features', () => {
  const cases: [string, (pod: V1Pod) => void, string][] = [
    [
      'hostPath volume',
      (p) => p.spec!.volumes!.push({ name: 'data', hostPath: { path: '/srv' } }),
      'hostPath volume "data" is not supported by Frankenetes nodes',
    ],
    [
      'persistentVolumeClaim volume',
      (p) => p.spec!.volumes!.push({ name: 'db', persistentVolumeClaim: { claimName: 'db' } }),
      'persistentVolumeClaim volume "db" is not supported by Frankenetes nodes',
    ],
    [
      'nfs volume',
      (p) => p.spec!.volumes!.push({ name: 'share', nfs: { server: 'nas', path: '/' } }),
      'nfs volume "share"',
    ],
    ['hostNetwork', (p) => (p.spec!.hostNetwork = true), 'hostNetwork is not supported by Frankenetes nodes'],
    ['hostPID', (p) => (p.spec!.hostPID = true), 'hostPID is not supported'],
    ['hostIPC', (p) => (p.spec!.hostIPC = true), 'hostIPC is not supported'],
    [
      'privileged container',
      (p) => (p.spec!.containers[0]!.securityContext = { privileged: true }),
      'securityContext.privileged of container "app" is not supported',
    ],
    [
      'added capabilities',
      (p) => (p.spec!.containers[1]!.securityContext = { capabilities: { add: ['NET_ADMIN', 'SYS_TIME'] } }),
      'securityContext.capabilities.add (NET_ADMIN, SYS_TIME) of container "log-shipper" is not supported',
    ],
    [
      'ephemeral containers',
      (p) => (p.spec!.ephemeralContainers = [{ name: 'debug', image: 'busybox' }]),
      'ephemeral containers is not supported',
    ],
    [
      'tcpSocket probe',
      (p) => (p.spec!.containers[0]!.livenessProbe = { tcpSocket: { port: 8080 } }),
      'tcpSocket livenessProbe of container "app" is not supported',
    ],
    [
      'grpc probe',
      (p) => (p.spec!.containers[0]!.readinessProbe = { grpc: { port: 9090 } }),
      'grpc readinessProbe of container "app" is not supported',
    ],
    [
      'startupProbe',
      (p) => (p.spec!.containers[0]!.startupProbe = { exec: { command: ['true'] } }),
      'startupProbe of container "app" is not supported',
    ],
    [
      'service-account token for another audience',
      (p) => (p.spec!.volumes![3]!.projected!.sources![0]!.serviceAccountToken!.audience = 'vault'),
      'a serviceAccountToken for audience "vault" is not supported',
    ],
    [
      'clusterTrustBundle projection',
      (p) =>
        p.spec!.volumes![3]!.projected!.sources!.push({
          clusterTrustBundle: { path: 'bundle.pem', name: 'x' },
        }),
      'clusterTrustBundle source of projected volume "kube-api-access-x7k2p" is not supported',
    ],
    [
      'tcpSocket lifecycle hook',
      (p) => (p.spec!.containers[0]!.lifecycle = { preStop: { tcpSocket: { port: 8080 } } }),
      'a tcpSocket preStop hook of container "app" is not supported',
    ],
    [
      'httpGet.host in a hook',
      (p) =>
        (p.spec!.containers[0]!.lifecycle = { postStart: { httpGet: { host: '127.0.0.1', port: 2381 } } }),
      'httpGet.host in the postStart hook of container "app" is not supported',
    ],
    [
      'stop signal',
      (p) => (p.spec!.containers[0]!.lifecycle = { stopSignal: 'SIGUSR1' }),
      'lifecycle.stopSignal of container "app" is not supported',
    ],
    ['stdin', (p) => (p.spec!.containers[0]!.stdin = true), 'stdin/tty of container "app" is not supported'],
    [
      'sidecar init container',
      (p) => (p.spec!.initContainers![0]!.restartPolicy = 'Always'),
      'restartPolicy Always of init container "migrate"',
    ],
    [
      'GPU resource',
      (p) => (p.spec!.containers[0]!.resources!.limits!['nvidia.com/gpu'] = '1'),
      'resource "nvidia.com/gpu" of container "app" is not supported',
    ],
    [
      'SCTP port',
      (p) => p.spec!.containers[0]!.ports!.push({ containerPort: 3868, protocol: 'SCTP' }),
      'SCTP port 3868 of container "app" is not supported',
    ],
    [
      'unconfined seccomp',
      (p) => (p.spec!.securityContext = { seccompProfile: { type: 'Unconfined' } }),
      'seccompProfile Unconfined of the pod is not supported',
    ],
    [
      'sysctls',
      (p) => (p.spec!.securityContext = { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] }),
      'sysctls',
    ],
    [
      'unknown fieldRef',
      (p) =>
        p.spec!.containers[0]!.env!.push({
          name: 'X',
          valueFrom: { fieldRef: { fieldPath: 'spec.schedulerName' } },
        }),
      'fieldRef "spec.schedulerName" in env X of container "app" is not supported',
    ],
    [
      'hugepages resourceFieldRef',
      (p) =>
        p.spec!.containers[0]!.env!.push({
          name: 'PAGES',
          valueFrom: { resourceFieldRef: { resource: 'limits.hugepages-2Mi' } },
        }),
      'resourceFieldRef "limits.hugepages-2Mi" in env PAGES of container "app" is not supported',
    ],
    ['Windows pods', (p) => (p.spec!.os = { name: 'windows' }), 'os windows is not supported'],
  ];

  it.each(cases)('%s → UnsupportedPodSpec naming the pod and the feature', (_name, mutate, expected) => {
    const pod = webPod();
    mutate(pod);
    const { reason, message } = failure(podToContainerGroup(pod, environment()));
    expect(reason).toBe('UnsupportedPodSpec');
    expect(message.startsWith('pod shop/web: ')).toBe(true);
    expect(message).toContain(expected);
  });

  it('reports an unsupported feature even when referenced objects are missing too', () => {
    const pod = webPod();
    pod.spec!.hostNetwork = true;
    const env = environment();
    env.configMaps = {};
    expect(failure(podToContainerGroup(pod, env)).reason).toBe('UnsupportedPodSpec');
  });
});

describe('podToContainerGroup: missing objects', () => {
  const withEnv = (env: V1Container['env']) => simplePod({ env });
  const withVolume = (volume: V1Volume[]) => ({
    ...simplePod(),
    spec: { ...simplePod().spec!, volumes: volume },
  });

  // The kubelet's wording: the container's waiting message, or the FailedMount event.
  it.each<[string, V1Pod, (env: PodEnvironment) => void, Partial<Extract<Translation, { ok: false }>>]>([
    [
      'configMapKeyRef to a missing ConfigMap',
      withEnv([{ name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'a' } } }]),
      () => undefined,
      { reason: 'CreateContainerConfigError', container: 'nginx', message: 'configmap "nope" not found' },
    ],
    [
      'configMapKeyRef to a missing key',
      withEnv([{ name: 'A', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'nope' } } }]),
      () => undefined,
      {
        reason: 'CreateContainerConfigError',
        container: 'nginx',
        message: "couldn't find key nope in ConfigMap default/app-config",
      },
    ],
    [
      'secretKeyRef to a missing Secret',
      withEnv([{ name: 'A', valueFrom: { secretKeyRef: { name: 'vault', key: 'token' } } }]),
      () => undefined,
      { reason: 'CreateContainerConfigError', container: 'nginx', message: 'secret "vault" not found' },
    ],
    [
      'secretKeyRef to a missing key',
      withEnv([{ name: 'A', valueFrom: { secretKeyRef: { name: 'tls', key: 'ca.crt' } } }]),
      () => undefined,
      {
        reason: 'CreateContainerConfigError',
        container: 'nginx',
        message: "couldn't find key ca.crt in Secret default/tls",
      },
    ],
    [
      'envFrom a missing Secret',
      simplePod({ envFrom: [{ secretRef: { name: 'vault' } }] }),
      () => undefined,
      { reason: 'CreateContainerConfigError', container: 'nginx', message: 'secret "vault" not found' },
    ],
    [
      'a missing key in an init container',
      {
        ...simplePod(),
        spec: {
          ...simplePod().spec!,
          initContainers: [
            {
              name: 'setup',
              image: 'busybox',
              env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'x' } } }],
            },
          ],
        },
      },
      () => undefined,
      { reason: 'CreateContainerConfigError', container: 'setup' },
    ],
    [
      'a secret volume of a missing Secret',
      withVolume([{ name: 'v', secret: { secretName: 'vault' } }]),
      () => undefined,
      {
        reason: 'FailedMount',
        volume: 'v',
        message: 'MountVolume.SetUp failed for volume "v" : secret "vault" not found',
      },
    ],
    [
      'a configMap volume item with a missing key',
      withVolume([{ name: 'v', configMap: { name: 'app-config', items: [{ key: 'x', path: 'x' }] } }]),
      () => undefined,
      {
        reason: 'FailedMount',
        volume: 'v',
        message: 'MountVolume.SetUp failed for volume "v" : configmap references non-existent config key: x',
      },
    ],
    [
      'a projected token without a token',
      webPod(),
      (env) => delete env.serviceAccountToken,
      {
        reason: 'FailedMount',
        volume: 'kube-api-access-x7k2p',
        message:
          'MountVolume.SetUp failed for volume "kube-api-access-x7k2p" : failed to fetch token: no service account token was issued',
      },
    ],
  ])("%s → waits with the kubelet's reason", (_name, pod, adjust, expected) => {
    const env = environment();
    adjust(env);
    expect(failure(podToContainerGroup(pod, env))).toMatchObject(expected);
  });

  it('accepts optional references to missing objects', () => {
    const group = translate(
      simplePod({
        envFrom: [{ secretRef: { name: 'vault', optional: true } }],
        env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'a', optional: true } } }],
      }),
    );
    expect((group.containers[0]?.environmentVariables ?? []).map((e) => e.name)).not.toContain('A');
  });
});

describe('podToContainerGroup: as the kubelet makes pods', () => {
  const podWith = (spec: Partial<NonNullable<V1Pod['spec']>>, c: Partial<V1Container> = {}): V1Pod => {
    const pod = simplePod(c);
    pod.spec = { ...pod.spec!, ...spec };
    return pod;
  };
  const envValue = (group: PlannedGroup, name: string) =>
    group.containers[0]?.environmentVariables?.find((e) => e.name === name)?.value;

  it('passes envFrom keys that are not C identifiers, with and without prefix (relaxed names, 1.34)', () => {
    const env = environment();
    env.configMaps.odd = { data: { 'data-1': 'one', 'data.2': 'two', 'with space': 'three' } };
    const group = translate(
      simplePod({
        envFrom: [{ configMapRef: { name: 'odd' } }, { configMapRef: { name: 'odd' }, prefix: 'p-' }],
      }),
      env,
    );
    for (const [name, value] of [
      ['data-1', 'one'],
      ['data.2', 'two'],
      ['with space', 'three'],
      ['p-data-1', 'one'],
      ['p-data.2', 'two'],
    ]) {
      expect(envValue(group, name!)).toBe(value);
    }
  });

  it('skips envFrom names the kubelet skips: "=" or non-printable characters', () => {
    const env = environment();
    env.configMaps.odd = { data: { 'a=b': 'x', 'tab\tkey': 'y', ok: 'z' } };
    const group = translate(simplePod({ envFrom: [{ configMapRef: { name: 'odd' } }] }), env);
    const names = group.containers[0]?.environmentVariables?.map((e) => e.name);
    expect(names).toContain('ok');
    expect(names).not.toContain('a=b');
    expect(names).not.toContain('tab\tkey');
  });

  it("reports the node's allocatable as the limits of a container without limits (env and volume)", () => {
    const pod = simplePod({
      env: [
        { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
        {
          name: 'MEM_LIMIT_MI',
          valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
        },
        { name: 'CPU_LIMIT_M', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
        { name: 'CPU_REQUEST', valueFrom: { resourceFieldRef: { resource: 'requests.cpu' } } },
        { name: 'DISK', valueFrom: { resourceFieldRef: { resource: 'limits.ephemeral-storage' } } },
      ],
      volumeMounts: [{ name: 'limits', mountPath: '/limits' }],
    });
    pod.spec!.volumes = [
      {
        name: 'limits',
        downwardAPI: {
          items: [
            { path: 'cpu', resourceFieldRef: { containerName: 'nginx', resource: 'limits.cpu' } },
            {
              path: 'mem',
              resourceFieldRef: { containerName: 'nginx', resource: 'limits.memory', divisor: '1Gi' },
            },
          ],
        },
      },
    ];
    const group = translate(pod);
    expect(envValue(group, 'CPU_LIMIT')).toBe('16');
    expect(envValue(group, 'MEM_LIMIT')).toBe(String(64 * 2 ** 30));
    expect(envValue(group, 'MEM_LIMIT_MI')).toBe('65536');
    expect(envValue(group, 'CPU_LIMIT_M')).toBe('16000');
    // No request: 0, as the kubelet reports it (the ACI request defaults are not the pod's).
    expect(envValue(group, 'CPU_REQUEST')).toBe('0');
    // The node advertises no ephemeral-storage: 0.
    expect(envValue(group, 'DISK')).toBe('0');
    expect(decoded(volume(group, 'limits').secret)).toEqual({ cpu: '16', mem: '64' });
  });

  it('takes the divisor "0" the API server fills in as 1, as the kubelet does', () => {
    const group = translate(
      simplePod({
        env: [{ name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } }],
      }),
    );
    expect(envValue(group, 'CPU')).toBe('16');
  });

  it('reports given limits and requests, rounded up by the divisor', () => {
    const group = translate(
      simplePod({
        resources: { limits: { cpu: '250m', memory: '100M' } },
        env: [
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
          { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        ],
      }),
    );
    expect(envValue(group, 'CPU')).toBe('1');
    expect(envValue(group, 'MEM_MI')).toBe('96');
    expect(envValue(group, 'REQ_M')).toBe('250'); // the request defaults to the limit
  });

  it('mounts subPath and subPathExpr (expanded from the container env) per container', () => {
    const pod = simplePod({
      env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      volumeMounts: [
        { name: 'cfg', mountPath: '/etc/app.yaml', subPath: 'app.yaml' },
        { name: 'logs', mountPath: '/logs', subPathExpr: 'pods/$(POD)' },
        { name: 'logs', mountPath: '/all-logs' },
      ],
    });
    pod.spec!.volumes = [
      { name: 'cfg', configMap: { name: 'app-config' } },
      { name: 'logs', emptyDir: {} },
    ];
    const group = translate(pod);
    expect(group.local?.containers?.nginx?.subPaths).toEqual({
      '/etc/app.yaml': 'app.yaml',
      '/logs': 'pods/nginx',
    });
    expect(group.containers[0]?.volumeMounts?.map((m) => m.mountPath)).toEqual([
      '/etc/app.yaml',
      '/logs',
      '/all-logs',
    ]);
  });

  it.each<[string, string, string]>([
    ['an unknown variable', '$(NOPE)/x', 'missing value for NOPE'],
    ['an empty variable', '$(EMPTY)', 'missing value for EMPTY'],
    ['an absolute result', '/$(POD)', 'error SubPath `/nginx` must not be an absolute path'],
    ['a backstep', '../$(POD)', "unable to provision SubPath `../nginx`: must not contain '..'"],
  ])(
    'refuses a subPathExpr with %s as the kubelet does: CreateContainerConfigError',
    (_name, expr, message) => {
      const pod = simplePod({
        env: [
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'EMPTY', value: '' },
        ],
        volumeMounts: [{ name: 'logs', mountPath: '/logs', subPathExpr: expr }],
      });
      pod.spec!.volumes = [{ name: 'logs', emptyDir: {} }];
      expect(failure(podToContainerGroup(pod, environment()))).toMatchObject({
        reason: 'CreateContainerConfigError',
        container: 'nginx',
        message,
      });
    },
  );

  it('names the pod host after the pod, or spec.hostname, with the subdomain FQDN in /etc/hosts', () => {
    expect(translate(simplePod()).local).toMatchObject({ hostname: 'nginx', etcHosts: { names: ['nginx'] } });
    expect(translate(podWith({ hostname: 'db-0' })).local).toMatchObject({
      hostname: 'db-0',
      etcHosts: { names: ['db-0'] },
    });
    expect(translate(podWith({ hostname: 'db-0', subdomain: 'db' })).local).toMatchObject({
      hostname: 'db-0',
      etcHosts: { names: ['db-0.db.default.svc.cluster.local', 'db-0'] },
    });
    expect(
      translate(podWith({ hostname: 'db-0', subdomain: 'db', setHostnameAsFQDN: true })).local?.hostname,
    ).toBe('db-0.db.default.svc.cluster.local');
  });

  it('cuts a long pod name to a 63-character hostname without a trailing dash', () => {
    const pod = simplePod();
    pod.metadata!.name = `${'a'.repeat(62)}-bcd`;
    expect(translate(pod).local?.hostname).toBe('a'.repeat(62));
  });

  it('refuses an FQDN hostname longer than 64 characters as the kubelet does', () => {
    const pod = podWith({ hostname: 'h'.repeat(40), subdomain: 's'.repeat(20), setHostnameAsFQDN: true });
    expect(failure(podToContainerGroup(pod, environment()))).toMatchObject({
      reason: 'FailedCreatePodSandBox',
      message: expect.stringContaining('is too long (64 characters is the max'),
    });
  });

  it('adds hostAliases to /etc/hosts', () => {
    const pod = podWith({ hostAliases: [{ ip: '10.1.2.3', hostnames: ['db', 'db.local'] }] });
    expect(translate(pod).local?.etcHosts).toEqual({
      names: ['nginx'],
      aliases: [{ ip: '10.1.2.3', hostnames: ['db', 'db.local'] }],
    });
  });

  it('gives every container its termination-message file, /dev/termination-log unless it names one', () => {
    const pod = simplePod({ terminationMessagePath: '/tmp/my-log' });
    pod.spec!.initContainers = [{ name: 'init', image: 'busybox' }];
    expect(translate(pod).local?.containers).toEqual({
      init: { terminationMessagePath: '/dev/termination-log' },
      nginx: { terminationMessagePath: '/tmp/my-log' },
    });
  });

  it('keeps readOnlyRootFilesystem for the local engine', () => {
    const group = translate(simplePod({ securityContext: { readOnlyRootFilesystem: true } }));
    expect(group.local?.containers?.nginx?.readOnlyRootFilesystem).toBe(true);
  });

  it('keeps workingDir for the local engine', () => {
    expect(translate(simplePod({ workingDir: '/srv' })).local?.containers?.nginx?.workingDir).toBe('/srv');
  });

  it("applies volume files' modes: defaultMode, item modes, and the fsGroup's read bits", () => {
    const pod = simplePod();
    pod.spec!.volumes = [
      { name: 'scripts', configMap: { name: 'app-config', defaultMode: 0o755 } },
      {
        name: 'keys',
        secret: {
          secretName: 'tls',
          defaultMode: 0o400,
          items: [{ key: 'tls.crt', path: 'tls.crt', mode: 0o644 }],
        },
      },
    ];
    expect(translate(pod).local?.fileModes).toEqual({
      scripts: { 'app.yaml': 0o755, LOG_LEVEL: 0o755, MODE: 0o755, 'logo.png': 0o755 },
    });
    pod.spec!.volumes[1]!.secret!.items!.push({ key: 'tls.key', path: 'private/tls.key' });
    pod.spec!.securityContext = { fsGroup: 2000, supplementalGroups: [3000] };
    const group = translate(pod);
    // 0644 | 0440 is 0644, the default: only the key's mode is written down.
    expect(group.local?.fileModes?.keys).toEqual({ 'private/tls.key': 0o440 });
    expect(group.local).toMatchObject({ fsGroup: 2000, supplementalGroups: [3000] });
  });

  it("puts the pod's IP, once known, where the downward API's status.podIP goes, expansions included", () => {
    const group = translate(
      simplePod({
        command: ['serve', '--listen=$(MY_IP):80'],
        env: [
          { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'URL', value: 'http://$(MY_IP)/' },
        ],
      }),
    );
    expect(withPodIP(envValue(group, 'URL') ?? '', '10.88.0.9')).toBe('http://10.88.0.9/');
    expect(group.containers[0]?.command?.map((a) => withPodIP(a, '10.88.0.9'))).toEqual([
      'serve',
      '--listen=10.88.0.9:80',
    ]);
  });
});

describe('podToContainerGroup: what ACI cannot do', () => {
  const aci = () => ({ ...environment(), backend: 'aci' as const, location: 'westeurope' });

  it.each<[string, (pod: V1Pod) => void, string]>([
    [
      'subPath',
      (p) => (p.spec!.containers[0]!.volumeMounts![0]!.subPath = 'app.yaml'),
      'subPath in volumeMount "config" of container "app" is not supported by Frankenetes nodes on ACI',
    ],
    [
      'subPathExpr in an init container',
      (p) => (p.spec!.initContainers![0]!.volumeMounts![0]!.subPathExpr = '$(DB_USER)'),
      'subPath in volumeMount "config" of init container "migrate"',
    ],
    [
      'spec.hostname',
      (p) => (p.spec!.hostname = 'web-0'),
      'spec.hostname is not supported by Frankenetes nodes on ACI',
    ],
    ['spec.subdomain', (p) => (p.spec!.subdomain = 'web'), 'spec.subdomain'],
    ['hostAliases', (p) => (p.spec!.hostAliases = [{ ip: '10.0.0.1', hostnames: ['db'] }]), 'hostAliases'],
    [
      'a nested item path',
      (p) => (p.spec!.volumes![0]!.configMap!.items![0]!.path = 'conf/app.yaml'),
      'path "conf/app.yaml" in volume "config"',
    ],
    [
      'an executable file mode',
      (p) => (p.spec!.volumes![0]!.configMap!.defaultMode = 0o755),
      'file mode 0755 in volume "config"',
    ],
    ['workingDir', (p) => (p.spec!.containers[0]!.workingDir = '/srv'), 'workingDir of container "app"'],
    [
      'a terminationMessagePath of its own',
      (p) => (p.spec!.containers[0]!.terminationMessagePath = '/tmp/msg'),
      'terminationMessagePath /tmp/msg of container "app"',
    ],
    [
      'status.podIP in env',
      () => undefined, // the realistic pod has POD_IP
      'fieldRef "status.podIP" in env POD_IP of container "app"',
    ],
  ])('%s → UnsupportedPodSpec on ACI, fine locally', (_name, mutate, expected) => {
    const pod = webPod();
    mutate(pod);
    if (!expected.includes('status.podIP')) {
      pod.spec!.containers[0]!.env = pod.spec!.containers[0]!.env!.filter((e) => e.name !== 'POD_IP');
      expect(podToContainerGroup(pod, environment()).ok).toBe(true);
    }
    const { reason, message } = failure(podToContainerGroup(pod, aci()));
    expect(reason).toBe('UnsupportedPodSpec');
    expect(message).toContain(expected);
  });

  it('translates the realistic pod for ACI once it asks for nothing ACI lacks', () => {
    const pod = webPod();
    pod.spec!.containers[0]!.env = pod.spec!.containers[0]!.env!.filter((e) => e.name !== 'POD_IP');
    expect(podToContainerGroup(pod, aci()).ok).toBe(true);
  });
});

describe('termination messages', () => {
  it('reads the end of the file, at most 4096 bytes', () => {
    expect(terminationMessage('Sleep expired\n', 'File', 0)).toBe('Sleep expired\n');
    const long = `${'x'.repeat(5000)}END`;
    expect(terminationMessage(long, 'File', 1)).toBe(long.slice(-4096));
  });

  it('falls back to the log only on a failure with an empty file (FallbackToLogsOnError)', () => {
    expect(terminationMessageNeedsLogs('', 'FallbackToLogsOnError', 1)).toBe(true);
    expect(terminationMessageNeedsLogs('', 'FallbackToLogsOnError', 0)).toBe(false);
    expect(terminationMessageNeedsLogs('written', 'FallbackToLogsOnError', 1)).toBe(false);
    expect(terminationMessageNeedsLogs('', 'File', 1)).toBe(false);
    expect(terminationMessage('', 'File', 1, 'ignored')).toBe('');
  });

  it('takes the last 80 lines of the log, at most 2048 bytes of them', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const message = terminationMessage(undefined, 'FallbackToLogsOnError', 2, lines);
    expect(message.split('\n').filter(Boolean)).toHaveLength(80);
    expect(message.startsWith('line 20\n')).toBe(true);
    const wide = Array.from({ length: 80 }, () => 'y'.repeat(100)).join('\n');
    expect(Buffer.byteLength(terminationMessage('', 'FallbackToLogsOnError', 2, wide))).toBe(2048);
  });
});

describe('etcHostsFile', () => {
  it("writes the kubelet's managed hosts file for the pod's address, hostAliases last", () => {
    expect(
      etcHostsFile(
        {
          names: ['db-0.db.shop.svc.cluster.local', 'db-0'],
          aliases: [{ ip: '10.1.2.3', hostnames: ['a', 'b'] }],
        },
        '10.88.0.5',
      ),
    ).toBe(
      [
        '# Kubernetes-managed hosts file.',
        '127.0.0.1\tlocalhost',
        '::1\tlocalhost ip6-localhost ip6-loopback',
        'fe00::0\tip6-localnet',
        'fe00::0\tip6-mcastprefix',
        'fe00::1\tip6-allnodes',
        'fe00::2\tip6-allrouters',
        '10.88.0.5\tdb-0.db.shop.svc.cluster.local\tdb-0',
        '',
        '# Entries added by HostAliases.',
        '10.1.2.3\ta\tb',
        '',
      ].join('\n'),
    );
  });
});

describe('quantities', () => {
  it.each<[string, number]>([
    ['100m', 0.1],
    ['0.5', 0.5],
    ['1', 1],
    ['2.5', 2.5],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['500M', 5e8],
    ['134217728', 134217728],
    ['1e3', 1000],
    ['1E', 1e18],
    ['1.5k', 1500],
    ['.5', 0.5],
  ])('parses %s', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 9);
  });

  it.each(['', 'abc', '1Qi', '1 Gi', '--1', '1e'])('rejects %j', (text) => {
    expect(() => parseQuantity(text)).toThrow(/invalid quantity/);
  });

  it.each<[string, number]>([
    ['100m', 0.1],
    ['250m', 0.25],
    ['333m', 0.34],
    ['1m', 0.01],
    ['1', 1],
    ['0.5', 0.5],
  ])('CPU %s → %d ACI cores', (text, cores) => {
    expect(aciCpu(parseQuantity(text))).toBe(cores);
  });

  it.each<[string, number]>([
    ['128Mi', 0.2],
    ['256Mi', 0.3],
    ['512Mi', 0.5],
    ['1Gi', 1],
    ['1536Mi', 1.5],
    ['500M', 0.5],
    ['1', 0.1],
    ['3Gi', 3],
  ])('memory %s → %d GB, rounded up to 0.1', (text, gb) => {
    expect(aciMemoryInGB(parseQuantity(text))).toBe(gb);
  });

  it('reports an invalid quantity in a pod as UnsupportedPodSpec', () => {
    const result = podToContainerGroup(
      simplePod({ resources: { requests: { cpu: 'lots' } } }),
      environment(),
    );
    expect(failure(result)).toEqual({
      ok: false,
      reason: 'UnsupportedPodSpec',
      message: 'pod default/nginx: invalid quantity "lots"',
    });
  });
});

describe('expandVars', () => {
  const vars: Record<string, string> = { A: 'x', B: 'y' };
  const lookup = (name: string) => vars[name];
  it.each<[string, string]>([
    ['$(A)-$(B)', 'x-y'],
    ['$$(A)', '$(A)'],
    ['$(C)', '$(C)'],
    ['$(A', '$(A'],
    ['a$b', 'a$b'],
    ['trailing $', 'trailing $'],
    ['$$$(A)', '$x'],
  ])('%j → %j', (input, output) => {
    expect(expandVars(input, lookup)).toBe(output);
  });
});

describe('podReferences', () => {
  it('lists ConfigMaps and Secrets from env, envFrom, volumes and projected sources, and the token', () => {
    expect(podReferences(webPod())).toEqual({
      configMaps: ['app-config', 'kube-root-ca.crt'],
      secrets: ['db-credentials', 'tls'],
      serviceAccountToken: true,
    });
  });

  it('reports nothing for a pod that refers to nothing', () => {
    expect(podReferences(simplePod())).toEqual({ configMaps: [], secrets: [], serviceAccountToken: false });
  });

  it('includes projected secrets and optional references', () => {
    const pod = simplePod({
      env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'maybe', key: 'a', optional: true } } }],
    });
    pod.spec!.volumes = [{ name: 'p', projected: { sources: [{ secret: { name: 'bundle' } }] } }];
    expect(podReferences(pod)).toEqual({
      configMaps: [],
      secrets: ['bundle', 'maybe'],
      serviceAccountToken: false,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Status

const NOW = new Date('2025-01-01T12:00:00Z');
const T = (minute: number) => new Date(Date.UTC(2025, 0, 1, 10, minute));

const running = (startTime: Date): ContainerState => ({ state: 'Running', startTime, detailStatus: '' });
const exited = (
  exitCode: number,
  startTime: Date,
  finishTime: Date,
  detailStatus?: string,
): ContainerState => ({
  state: 'Terminated',
  exitCode,
  startTime,
  finishTime,
  detailStatus: detailStatus ?? (exitCode === 0 ? 'Completed' : 'Error'),
});
const notCreated: ContainerState = { state: 'Waiting', detailStatus: 'Pending' };

interface View {
  current: ContainerState;
  previous?: ContainerState;
  restarts?: number;
}

/** The group a backend would report for `pod`: its translation plus instance views and an IP. */
function reported(
  pod: V1Pod,
  views: Record<string, View>,
  ip = '10.88.0.7',
  state = 'Running',
): ContainerGroup {
  const group = clone(translate(pod));
  const view = (name: string) => {
    const v = views[name] ?? { current: notCreated };
    return { currentState: v.current, previousState: v.previous, restartCount: v.restarts ?? 0, events: [] };
  };
  return {
    ...group,
    ipAddress: { type: 'Public', ports: group.ipAddress?.ports ?? [], ip },
    instanceView: { state, events: [] },
    containers: group.containers.map((c) => ({ ...c, instanceView: view(c.name) })),
    initContainers: group.initContainers?.map((c) => ({ ...c, instanceView: view(c.name) })),
  };
}

function conditionsOf(status: { conditions?: V1PodCondition[] }): Record<string, string> {
  return Object.fromEntries((status.conditions ?? []).map((c) => [c.type, c.status]));
}

function conditionOf(status: { conditions?: V1PodCondition[] }, type: string): V1PodCondition {
  const found = status.conditions?.find((c) => c.type === type);
  if (!found) throw new Error(`no condition ${type}`);
  return found;
}

describe('podStatusFromGroup', () => {
  it('reports a pod without group as Pending, waiting in ContainerCreating', () => {
    const status = podStatusFromGroup(simplePod(), undefined, NOW);
    expect(status.phase).toBe('Pending');
    expect(conditionsOf(status)).toEqual({
      PodReadyToStartContainers: 'False',
      Initialized: 'True', // no init containers, as on a kubelet
      Ready: 'False',
      ContainersReady: 'False',
      PodScheduled: 'True',
    });
    expect(status.containerStatuses).toEqual([
      {
        name: 'nginx',
        image: 'nginx:1.27',
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
      },
    ]);
    expect(status.podIP).toBeUndefined();
    expect(status.hostIP).toBe('127.0.0.1');
    expect(status.hostIPs).toEqual([{ ip: '127.0.0.1' }]);
    expect(status.startTime).toEqual(new Date('2025-01-01T09:00:00Z'));
    expect(status.qosClass).toBe('BestEffort');
  });

  it('reports a pod with init containers and no group as initializing', () => {
    const status = podStatusFromGroup(webPod(), undefined, NOW);
    expect(status.phase).toBe('Pending');
    expect(conditionOf(status, 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [migrate]',
    });
    expect(conditionOf(status, 'ContainersReady')).toMatchObject({
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [app log-shipper]',
    });
    expect(status.initContainerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(status.containerStatuses?.map((c) => c.state?.waiting?.reason)).toEqual([
      'PodInitializing',
      'PodInitializing',
    ]);
  });

  it('reports a running pod: Running, ready, IP, container IDs, start times', () => {
    const group = reported(webPod(), {
      migrate: { current: exited(0, T(1), T(2)) },
      app: { current: running(T(3)) },
      'log-shipper': { current: running(T(4)) },
    });
    const status = podStatusFromGroup(webPod(), group, NOW);
    expect(status.phase).toBe('Running');
    expect(conditionsOf(status)).toEqual({
      PodReadyToStartContainers: 'True',
      Initialized: 'True',
      Ready: 'True',
      ContainersReady: 'True',
      PodScheduled: 'True',
    });
    expect(status.podIP).toBe('10.88.0.7');
    expect(status.podIPs).toEqual([{ ip: '10.88.0.7' }]);
    expect(status.startTime).toEqual(T(1));
    expect(conditionOf(status, 'Ready').lastTransitionTime).toEqual(T(4));
    expect(conditionOf(status, 'Initialized').lastTransitionTime).toEqual(T(2));
    expect(status.containerStatuses?.[0]).toEqual({
      name: 'app',
      image: 'ghcr.io/acme/web:1.2.3',
      imageID: '',
      containerID: 'frankenetes://pr-42-shop-web/app',
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: T(3) } },
      lastState: {},
    });
    expect(status.initContainerStatuses?.[0]).toMatchObject({
      name: 'migrate',
      ready: true,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: T(1), finishedAt: T(2) } },
    });
    expect(status.qosClass).toBe('Burstable'); // copied from the pod's status
  });

  it('is deterministic for the same inputs', () => {
    const group = reported(webPod(), {
      migrate: { current: exited(0, T(1), T(2)) },
      app: { current: running(T(3)) },
    });
    expect(podStatusFromGroup(webPod(), group, NOW)).toEqual(podStatusFromGroup(webPod(), clone(group), NOW));
  });

  it('accepts dates as strings (a JSON round trip)', () => {
    const group = JSON.parse(
      JSON.stringify(reported(simplePod(), { nginx: { current: running(T(5)) } })),
    ) as ContainerGroup;
    const status = podStatusFromGroup(simplePod(), group, NOW);
    expect(status.containerStatuses?.[0]?.state).toEqual({ running: { startedAt: T(5) } });
  });

  it('keeps a pod Pending while an init container runs, with containers PodInitializing', () => {
    const group = reported(webPod(), { migrate: { current: running(T(1)) } });
    const status = podStatusFromGroup(webPod(), group, NOW);
    expect(status.phase).toBe('Pending');
    expect(conditionOf(status, 'Initialized').status).toBe('False');
    expect(conditionOf(status, 'PodReadyToStartContainers').status).toBe('True');
    expect(status.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(status.initContainerStatuses?.[0]?.ready).toBe(false);
  });

  it('reports Succeeded when every container exited 0 and the policy is not Always', () => {
    const pod = simplePod();
    pod.spec!.restartPolicy = 'OnFailure';
    const status = podStatusFromGroup(pod, reported(pod, { nginx: { current: exited(0, T(1), T(9)) } }), NOW);
    expect(status.phase).toBe('Succeeded');
    expect(conditionOf(status, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(conditionOf(status, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'PodCompleted',
      lastTransitionTime: T(9),
    });
    expect(status.containerStatuses?.[0]?.state?.terminated).toEqual({
      exitCode: 0,
      reason: 'Completed',
      startedAt: T(1),
      finishedAt: T(9),
    });
  });

  it('reports Failed when a container exited 1 under Never', () => {
    const pod = simplePod();
    pod.spec!.restartPolicy = 'Never';
    const status = podStatusFromGroup(pod, reported(pod, { nginx: { current: exited(1, T(1), T(2)) } }), NOW);
    expect(status.phase).toBe('Failed');
    expect(status.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(conditionOf(status, 'Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
  });

  it('keeps a pod Running under OnFailure and Always while containers are to be restarted', () => {
    for (const policy of ['OnFailure', 'Always']) {
      const pod = simplePod();
      pod.spec!.restartPolicy = policy;
      const status = podStatusFromGroup(
        pod,
        reported(pod, { nginx: { current: exited(1, T(1), T(2)) } }),
        NOW,
      );
      expect(status.phase, policy).toBe('Running');
    }
  });

  it('reports Failed when an init container failed under Never', () => {
    const pod = webPod();
    pod.spec!.restartPolicy = 'Never';
    const status = podStatusFromGroup(
      pod,
      reported(pod, { migrate: { current: exited(2, T(1), T(2)) } }),
      NOW,
    );
    expect(status.phase).toBe('Failed');
    expect(status.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 2,
      reason: 'Error',
    });
    expect(conditionOf(status, 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
    });
  });

  it('keeps a pod Pending after an init container failed under Always (it is retried)', () => {
    const status = podStatusFromGroup(
      webPod(),
      reported(webPod(), { migrate: { current: exited(2, T(1), T(2)) } }),
      NOW,
    );
    expect(status.phase).toBe('Pending');
  });

  it('reports restart counts and the previous termination', () => {
    const group = reported(simplePod(), {
      nginx: { current: running(T(7)), previous: exited(137, T(5), T(6), 'OOMKilled'), restarts: 3 },
    });
    const status = podStatusFromGroup(simplePod(), group, NOW).containerStatuses?.[0];
    expect(status?.restartCount).toBe(3);
    expect(status?.lastState).toEqual({
      terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: T(5), finishedAt: T(6) },
    });
    expect(status?.state).toEqual({ running: { startedAt: T(7) } });
  });

  it('uses a detailStatus such as OOMKilled as the termination reason', () => {
    const pod = simplePod();
    pod.spec!.restartPolicy = 'Never';
    const group = reported(pod, { nginx: { current: exited(137, T(1), T(2), 'OOMKilled') } });
    expect(podStatusFromGroup(pod, group, NOW).containerStatuses?.[0]?.state?.terminated?.reason).toBe(
      'OOMKilled',
    );
  });

  it('shows a container the engine is restarting as CrashLoopBackOff in a Running pod', () => {
    const group = reported(simplePod(), {
      nginx: { current: { state: 'Running', detailStatus: 'Restarting', startTime: T(3) }, restarts: 4 },
    });
    const status = podStatusFromGroup(simplePod(), group, NOW);
    expect(status.phase).toBe('Running');
    expect(status.containerStatuses?.[0]).toMatchObject({
      ready: false,
      restartCount: 4,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
    });
    expect(conditionOf(status, 'Ready').status).toBe('False');
  });

  it('passes a waiting reason from the backend through', () => {
    const group = reported(simplePod(), {
      nginx: { current: { state: 'Waiting', detailStatus: 'ErrImagePull: manifest unknown' } },
    });
    expect(podStatusFromGroup(simplePod(), group, NOW).containerStatuses?.[0]?.state).toEqual({
      waiting: { reason: 'ErrImagePull', message: 'manifest unknown' },
    });
  });

  it('is not ready while one container is still being created', () => {
    const group = reported(webPod(), {
      migrate: { current: exited(0, T(1), T(2)) },
      app: { current: running(T(3)) },
    });
    const status = podStatusFromGroup(webPod(), group, NOW);
    expect(status.phase).toBe('Pending');
    expect(conditionOf(status, 'ContainersReady').message).toBe(
      'containers with unready status: [log-shipper]',
    );
    expect(status.containerStatuses?.[1]?.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
  });

  it('keeps lastTransitionTime while a condition keeps its status, and dates new transitions', () => {
    const pod = simplePod();
    const earlier = new Date('2025-01-01T09:30:00Z');
    pod.status = {
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: new Date('2025-01-01T09:00:01Z') },
        { type: 'Ready', status: 'True', lastTransitionTime: earlier },
        { type: 'ContainersReady', status: 'False', lastTransitionTime: earlier },
      ],
    };
    const status = podStatusFromGroup(pod, reported(pod, { nginx: { current: running(T(3)) } }), NOW);
    expect(conditionOf(status, 'Ready').lastTransitionTime).toEqual(earlier);
    expect(conditionOf(status, 'ContainersReady').lastTransitionTime).toEqual(T(3));
    expect(conditionOf(status, 'PodScheduled').lastTransitionTime).toEqual(new Date('2025-01-01T09:00:01Z'));
  });

  it('uses now for a transition it cannot date otherwise', () => {
    const status = podStatusFromGroup(simplePod(), undefined, NOW);
    expect(conditionOf(status, 'ContainersReady').lastTransitionTime).toEqual(NOW);
  });

  it('honours readiness gates and keeps their conditions', () => {
    const pod = simplePod();
    pod.spec!.readinessGates = [{ conditionType: 'example.com/lb-ready' }];
    pod.status = { conditions: [{ type: 'example.com/lb-ready', status: 'False' }] };
    const status = podStatusFromGroup(pod, reported(pod, { nginx: { current: running(T(3)) } }), NOW);
    expect(conditionOf(status, 'ContainersReady').status).toBe('True');
    expect(conditionOf(status, 'Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady' });
    expect(conditionOf(status, 'example.com/lb-ready').status).toBe('False');
  });

  it('reports the sandbox as not ready when the group is stopped', () => {
    const group = reported(
      simplePod(),
      { nginx: { current: exited(137, T(1), T(2)) } },
      '10.88.0.7',
      'Stopped',
    );
    expect(conditionOf(podStatusFromGroup(simplePod(), group, NOW), 'PodReadyToStartContainers').status).toBe(
      'False',
    );
  });

  it('keeps an earlier startTime from the pod status', () => {
    const pod = simplePod();
    pod.status = { startTime: new Date('2025-01-01T09:00:05Z') };
    const status = podStatusFromGroup(pod, reported(pod, { nginx: { current: running(T(3)) } }), NOW);
    expect(status.startTime).toEqual(new Date('2025-01-01T09:00:05Z'));
  });

  it('computes the QoS class when the status has none', () => {
    const guaranteed = simplePod({ resources: { limits: { cpu: '1', memory: '1Gi' } } });
    expect(podStatusFromGroup(guaranteed, undefined, NOW).qosClass).toBe('Guaranteed');
    const burstable = simplePod({ resources: { requests: { cpu: '100m' } } });
    expect(podStatusFromGroup(burstable, undefined, NOW).qosClass).toBe('Burstable');
  });

  it('sets observedGeneration when the pod has a generation', () => {
    const pod = simplePod();
    pod.metadata!.generation = 3;
    const status = podStatusFromGroup(pod, undefined, NOW);
    expect(status.observedGeneration).toBe(3);
    expect(conditionOf(status, 'Ready').observedGeneration).toBe(3);
  });
});

describe('podStatusFromGroup: what the node observes', () => {
  it('keeps a container whose postStart hook runs waiting in ContainerCreating, the pod Pending', () => {
    const pod = simplePod();
    const group = reported(pod, { nginx: { current: running(T(3)) } });
    const status = podStatusFromGroup(pod, group, NOW, { postStartRunning: ['nginx'] });
    expect(status.phase).toBe('Pending');
    expect(status.containerStatuses?.[0]).toMatchObject({
      state: { waiting: { reason: 'ContainerCreating' } },
      ready: false,
      started: false,
    });
    expect(conditionOf(status, 'ContainersReady').status).toBe('False');
    expect(podStatusFromGroup(pod, group, NOW, { postStartRunning: [] }).phase).toBe('Running');
  });

  it('puts the termination message in state.terminated.message', () => {
    const pod = simplePod();
    pod.spec!.restartPolicy = 'Never';
    const group = reported(pod, { nginx: { current: exited(0, T(1), T(2)) } });
    const status = podStatusFromGroup(pod, group, NOW, { terminationMessages: { nginx: 'Sleep expired\n' } });
    expect(status.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
      message: 'Sleep expired\n',
    });
  });

  it('shares 12 KiB of termination messages among the pod containers', () => {
    const pod = webPod(); // three containers: 4096 bytes each
    pod.spec!.restartPolicy = 'Never';
    const group = reported(pod, {
      migrate: { current: exited(0, T(1), T(2)) },
      app: { current: exited(1, T(3), T(4)) },
      'log-shipper': { current: exited(1, T(3), T(4)) },
    });
    const status = podStatusFromGroup(pod, group, NOW, { terminationMessages: { app: 'z'.repeat(5000) } });
    expect(status.containerStatuses?.[0]?.state?.terminated?.message).toHaveLength(4096);
  });

  it('shows why a container waits before its group exists, the others still ContainerCreating', () => {
    const pod = webPod();
    const status = podStatusFromGroup(pod, undefined, NOW, {
      waiting: { app: { reason: 'CreateContainerConfigError', message: 'configmap "x" not found' } },
    });
    expect(status.phase).toBe('Pending');
    expect(status.message).toBeUndefined();
    expect(status.containerStatuses?.map((c) => c.state)).toEqual([
      { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "x" not found' } },
      { waiting: { reason: 'PodInitializing' } },
    ]);
  });
});
