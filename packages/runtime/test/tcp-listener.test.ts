import { spawn } from 'node:child_process';
import { connect, Server, type Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bindListener, ListenError, listenerFromFd } from '../src/host/index.js';
import type { ByteStream } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (data += d));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
  });
}

describe('TCP listener from bind: HOST:PORT', () => {
  it('accepts connections, including one made before accept() was called', async () => {
    const listener = await bindListener('rpc', '127.0.0.1', 0);
    expect(listener.port).toBeGreaterThan(0);
    expect(listener.address).toBe(`127.0.0.1:${listener.port}`);

    const early = await connected(listener.port);
    const earlyReply = readAll(early);
    const got: ByteStream[] = [];
    listener.accept((stream) => {
      got.push(stream);
      stream.end(`hello ${got.length}`);
    });
    expect(await earlyReply).toBe('hello 1');
    expect(await readAll(await connected(listener.port))).toBe('hello 2');
    expect(() => listener.accept(() => {})).toThrow(/accept called twice/);
    await listener.close();
    await expect(connected(listener.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('names the port in use', async () => {
    const first = await bindListener('rpc', '127.0.0.1', 0);
    const err = await bindListener('rpc', '127.0.0.1', first.port).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as ListenError).message).toBe(
      `rpc: cannot bind 127.0.0.1:${first.port}: address already in use`,
    );
    expect((err as ListenError).code).toBe('EADDRINUSE');
    await first.close();
  });

  it('refuses a descriptor that is not open', async () => {
    const err = await listenerFromFd('p2p', 987).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as Error).message).toMatch(/^p2p: cannot listen on inherited fd 987: /);
  });
});

describe('TCP listener from an inherited fd (fd: N)', () => {
  it('serves on a socket bound by the parent and passed as fd 3', async () => {
    const parent = new Server();
    await new Promise<void>((r) => parent.listen({ host: '127.0.0.1', port: 0 }, r));
    const port = (parent.address() as { port: number }).port;
    const fd = (parent as unknown as { _handle: { fd: number } })._handle.fd;

    const script =
      "import { listenerFromFd } from './packages/runtime/src/host/index.ts';" +
      "const l = await listenerFromFd('rpc', 3);" +
      "l.accept((s) => { s.end('child ' + l.address + ' ' + l.port); l.close(); });" +
      "process.stdout.write('ready\\n');";
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit', fd],
      },
    );
    // The child holds its own copy now; the parent stops listening so only the child accepts.
    await new Promise<void>((r) => parent.close(() => r()));
    await new Promise<void>((r) => child.stdout!.once('data', () => r()));

    expect(await readAll(await connected(port))).toBe(`child fd:3 ${port}`);
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(0);
  });
});
