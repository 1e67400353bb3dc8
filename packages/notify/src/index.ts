export * from './zmq-notification-interface.js';
export * from './zmtp-frames.js';
export * from './zmtp-publisher.js';
