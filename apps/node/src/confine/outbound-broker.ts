/**
 * The parent's half of brokered outbound connections: the confined child has no network
 * interface, so it asks over the IPC channel; the parent, which holds the manifest's `outbound`
 * grant as a Connector (`!direct` with its allow list, `!socks5` with its proxy, or none),
 * connects and sends the connected socket back as the message's handle. What the grant does not
 * cover is refused by that Connector, logged here and reported to the child, which logs it too.
 */
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { OutboundRefused, type Connector } from '@bitcoind-lite/p2p';
import type { Logger } from '@bitcoind-lite/runtime';
import type { ConnectFailedReply, ConnectRequest } from './ipc-messages.js';
import { isObjectWithType } from './ipc-messages.js';

function isConnectRequest(m: unknown): m is ConnectRequest {
  if (!isObjectWithType(m) || m.type !== 'connect') return false;
  const r = m as Partial<ConnectRequest>;
  return typeof r.id === 'number' && typeof r.host === 'string' && typeof r.port === 'number';
}

export class OutboundBroker {
  constructor(
    private readonly child: ChildProcess,
    private readonly connector: Connector,
    private readonly logger: Logger,
  ) {
    if (child === undefined) throw new TypeError('OutboundBroker: child is required');
    if (connector === undefined) throw new TypeError('OutboundBroker: connector is required');
    if (logger === undefined) throw new TypeError('OutboundBroker: logger is required');
    child.on('message', (m: unknown) => {
      if (isConnectRequest(m)) void this.serve(m);
    });
  }

  private async serve(req: ConnectRequest): Promise<void> {
    const target = req.host.includes(':') ? `[${req.host}]:${req.port}` : `${req.host}:${req.port}`;
    let socket: Socket;
    try {
      socket = (await this.connector.connect(req.host, req.port)) as Socket;
    } catch (e) {
      const refused = e instanceof OutboundRefused;
      const message = e instanceof Error ? e.message : String(e);
      if (refused) this.logger.warning(`broker: refused for the confined node: ${message}`, 'net');
      else this.logger.debug('net', `broker: ${message}`);
      this.reply({ type: 'connect-failed', id: req.id, refused, message });
      return;
    }
    this.logger.debug('net', `broker: connected ${target} for the confined node`);
    if (!this.child.connected) {
      socket.destroy();
      return;
    }
    // keepOpen false: the parent's copy is closed once the handle has crossed.
    this.child.send({ type: 'connected', id: req.id }, socket, { keepOpen: false }, (err) => {
      if (err) socket.destroy();
    });
  }

  private reply(m: ConnectFailedReply): void {
    if (this.child.connected) this.child.send(m);
  }
}
