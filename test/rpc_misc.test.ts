/**
 * echo's internal-bug report, as Core's CHECK_NONFATAL: code -1 and a message that starts with
 * "Internal bug detected: " and the failed check's expression, which clients match on.
 */
import { describe, expect, it } from 'vitest';
import { RpcCallError, TestNode } from './framework/test-node.js';

describe('rpc_misc', () => {
  it("echo arg9='trigger_internal_bug' reports Core's internal bug text", async () => {
    const n = await TestNode.start({ noP2P: true, outbound: false });
    try {
      const e = await n.rpcNamed('echo', { arg9: 'trigger_internal_bug' }).catch((x) => x);
      expect(e).toBeInstanceOf(RpcCallError);
      expect((e as RpcCallError).code).toBe(-1);
      expect((e as RpcCallError).message).toContain(
        'Internal bug detected: request.params[9].get_str() != "trigger_internal_bug"',
      );
      expect(await n.rpc('echo', 'a', 'b')).toEqual(['a', 'b']);
    } finally {
      await n.stop();
    }
  }, 60_000);
});
