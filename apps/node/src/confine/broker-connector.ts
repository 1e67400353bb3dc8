/**
 * The confined child's Connector: forwards each outbound request to the parent over the IPC
 * channel and resolves with the connected socket the parent sends back. It has no network of its
 * own (its namespace has no interface up), so this is its only way out, and only as far as the
 * parent's grant reaches. A refusal is logged here as well as in the parent.
 */
import type { Socket } from 'node:net';
import { OutboundRefused, type Connector } from '@bitcoind-lite/p2p';
import type { ByteStream, Logger } from '@bitcoind-lite/runtime';
import { isObjectWithType, type ConnectRequest, type ParentMessage } from './ipc-messages.js';

interface Pending {
  resolve(s: ByteStream): void;
  reject(e: Error): void;
}

export class BrokerConnector implements Connector {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `kind` and `proxy` describe the parent's grant, for getnetworkinfo. */
  constructor(
    readonly kind: Connector['kind'],
    readonly proxy: string,
    private readonly logger: Logger,
  ) {
    if (logger === undefined) throw new TypeError('BrokerConnector: logger is required');
    process.on('message', (m: unknown, handle: unknown) => this.onMessage(m, handle));
    process.on('disconnect', () => {
      for (const p of this.pending.values()) p.reject(new Error('broker: parent went away'));
      this.pending.clear();
    });
  }

  connect(host: string, port: number): Promise<ByteStream> {
    if (process.send === undefined || !process.connected) {
      return Promise.reject(new Error('broker: no IPC channel to the launcher'));
    }
    const id = this.nextId++;
    const req: ConnectRequest = { type: 'connect', id, host, port };
    return new Promise<ByteStream>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      process.send!(req);
    });
  }

  private onMessage(m: unknown, handle: unknown): void {
    if (!isObjectWithType(m)) return;
    const msg = m as ParentMessage;
    if (msg.type !== 'connected' && msg.type !== 'connect-failed') return;
    const p = this.pending.get(msg.id);
    if (p === undefined) {
      (handle as Socket | undefined)?.destroy();
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'connected') {
      const socket = handle as Socket | undefined;
      if (socket === undefined) p.reject(new Error('broker: reply without a socket'));
      else p.resolve(socket);
      return;
    }
    if (msg.refused) {
      this.logger.warning(`outbound refused by the launcher: ${msg.message}`, 'net');
      p.reject(new OutboundRefused(msg.message));
    } else {
      p.reject(new Error(msg.message));
    }
  }
}
