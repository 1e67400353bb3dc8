/**
 * Messages between the launcher (parent) and the confined node (child) over the IPC channel.
 * The channel is the child's only way to ask for anything: it is sent its configuration once,
 * asks for outbound connections, and is told to stop.
 */

/** A listening socket the child finds at an inherited descriptor. */
export interface InheritedListener {
  /** The descriptor number in the child. */
  fd: number;
  /** "127.0.0.1:18443" as bound by the parent, or "fd:3" for a socket the parent inherited. */
  address: string;
  port: number;
}

/** Parent -> child, first message: what to build the node from. */
export interface StartMessage {
  type: 'start';
  /** The manifest text, parsed again (purely) in the child; no file is read there. */
  manifestText: string;
  manifestFile: string;
  baseDir: string;
  rpc: InheritedListener;
  p2p?: InheritedListener;
  /** `zmq` topics' sockets (topics sharing an address share the descriptor). */
  zmq?: Partial<
    Record<'hashblock' | 'hashtx' | 'rawblock' | 'rawtx' | 'sequence', InheritedListener>
  >;
  /** For the start-up log line: which layers confine the child. */
  layers: string[];
}

/** Child -> parent: open an outbound connection under the parent's `outbound` grant. */
export interface ConnectRequest {
  type: 'connect';
  id: number;
  host: string;
  port: number;
}

/** Parent -> child: the connected socket travels as the message's handle. */
export interface ConnectedReply {
  type: 'connected';
  id: number;
}

/** Parent -> child: the request was refused or failed; `refused` is true when not granted. */
export interface ConnectFailedReply {
  type: 'connect-failed';
  id: number;
  refused: boolean;
  message: string;
}

export interface StopMessage {
  type: 'stop';
}

export type ParentMessage = StartMessage | ConnectedReply | ConnectFailedReply | StopMessage;
export type ChildMessage = ConnectRequest;

export function isObjectWithType(m: unknown): m is { type: string } {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
