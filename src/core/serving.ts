import { connect } from 'node:tls';

/**
 * Whether a TLS server answers a handshake at host:port: the process serves, not merely an
 * engine's port proxy accepting connections on its behalf. The certificate is not checked (this
 * only asks whether it serves yet) and nothing is sent.
 */
export function servesTls(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, rejectUnauthorized: false, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
