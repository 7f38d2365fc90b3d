import type { ClusterPki } from '../../src/core/pki.js';

/** Fixed placeholder PEMs: the plan is pure, so it needs no real keys, and snapshots stay stable. */
export function fakePki(): ClusterPki {
  const pair = (name: string) => ({
    cert: `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`,
    key: `-----BEGIN PRIVATE KEY-----\n${name}\n-----END PRIVATE KEY-----\n`,
  });
  return {
    ca: pair('ca'),
    etcdCa: pair('etcd-ca'),
    frontProxyCa: pair('front-proxy-ca'),
    apiserver: pair('apiserver'),
    apiserverEtcdClient: pair('apiserver-etcd-client'),
    apiserverKubeletClient: pair('apiserver-kubelet-client'),
    frontProxyClient: pair('front-proxy-client'),
    etcdServer: pair('etcd-server'),
    etcdPeer: pair('etcd-peer'),
    controllerManager: pair('controller-manager'),
    scheduler: pair('scheduler'),
    node: pair('node'),
    nodeServing: pair('node-serving'),
    serviceAccount: {
      publicKey: '-----BEGIN PUBLIC KEY-----\nsa\n-----END PUBLIC KEY-----\n',
      privateKey: '-----BEGIN PRIVATE KEY-----\nsa-private\n-----END PRIVATE KEY-----\n',
    },
  };
}
