/**
 * Hidden test RPCs that Core's functional test framework calls on every node and that the RPC
 * package does not (yet) provide. Each is registered only when the table lacks it, so the RPC
 * package's own implementation wins as soon as it exists.
 */
import type { RpcTable } from '@bitcoind-lite/rpc';

export function registerMissingTestRpcs(table: RpcTable): string[] {
  const added: string[] = [];
  if (table.get('syncwithvalidationinterfacequeue') === undefined) {
    // Core: waits until queued validation notifications are processed (sync_mempools calls it).
    // Here chain notifications reach the mempool before the call that caused them returns
    // (mempool whenIdle), so one event-loop turn is enough.
    table.register({
      name: 'syncwithvalidationinterfacequeue',
      category: 'hidden',
      params: [],
      description:
        'Waits for the validation interface queue to catch up on everything that was there when this RPC was called.',
      handler: () => new Promise((resolve) => setImmediate(() => resolve(null))),
    });
    added.push('syncwithvalidationinterfacequeue');
  }
  return added;
}
