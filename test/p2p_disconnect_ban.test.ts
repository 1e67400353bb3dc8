/**
 * The ban list on a real node, as Core's BanMan and setban: a node started without banlist.json
 * recreates it at once ("Recreating the banlist database"), and `setban <address> add` is refused
 * with -23 when a banned subnet already holds that address (a subnet only when it is itself
 * banned).
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcCallError, TestNode } from './framework/test-node.js';

const running: TestNode[] = [];
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop();
});

async function rpcError(p: Promise<unknown>): Promise<RpcCallError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RpcCallError);
  return e as RpcCallError;
}

describe('p2p_disconnect_ban', () => {
  it('recreates a missing banlist.json at start-up', async () => {
    const n = await TestNode.start({ noP2P: true, outbound: false });
    running.push(n);
    await n.stop();
    const file = join(n.netDir, 'banlist.json');
    rmSync(file, { force: true });
    await n.launch();
    expect(n.output).toContain('Recreating the banlist database');
    await n.waitFor(async () => existsSync(file), 'banlist.json written');
    expect(await n.rpc('listbanned')).toEqual([]);
  }, 60_000);

  it('setban: an address inside a banned subnet is already banned', async () => {
    const n = await TestNode.start({ noP2P: true, outbound: false });
    running.push(n);
    await n.rpc('setban', '127.0.0.0/24', 'add');
    const e = await rpcError(n.rpc('setban', '127.0.0.1', 'add'));
    expect(e.code).toBe(-23);
    expect(e.message).toContain('Error: IP/Subnet already banned');
    // A different, smaller subnet is not the banned one: Core bans it too.
    await n.rpc('setban', '127.0.0.0/32', 'add');
    expect((await n.rpc<unknown[]>('listbanned')).length).toBe(2);
  }, 60_000);

  it('bans a Tor v3 address, lists bans in Core order and keeps them across a restart', async () => {
    const onion = 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion';
    const n = await TestNode.start({ noP2P: true, outbound: false });
    running.push(n);
    await n.rpc('setban', onion, 'add');
    await n.rpc('setban', '192.168.0.1', 'add');
    await n.rpc('setban', '127.0.0.0/32', 'add');
    await n.rpc('setban', '127.0.0.0/24', 'add');
    const order = ['127.0.0.0/24', '127.0.0.0/32', '192.168.0.1/32', onion];
    const list = async () =>
      (await n.rpc<{ address: string }[]>('listbanned')).map((b) => b.address);
    expect(await list()).toEqual(order);
    await n.stop();
    await n.launch();
    expect(await list()).toEqual(order);
  }, 60_000);

  it('disconnectnode with both address and nodeid is -32602, as Core', async () => {
    const n = await TestNode.start({ noP2P: true, outbound: false });
    running.push(n);
    const e = await rpcError(n.rpcNamed('disconnectnode', { address: '127.0.0.1:1', nodeid: 0 }));
    expect(e.code).toBe(-32602);
    expect(e.message).toContain('Only one of address and nodeid should be provided.');
  }, 60_000);
});
