/**
 * setmocktime, as Core's rpc/node.cpp: a hidden, regtest-only call that pins the node's wall
 * clock (mempool entry times and expiry, block template times, fee decay) to a timestamp; 0
 * returns to the real clock. The clock is the launcher's MockableClock, handed in here.
 */
import { RPC_INVALID_PARAMETER, RPC_MISC_ERROR, RpcError } from '../protocol.js';
import { CPP_INT64 } from '../registry.js';
import type { RpcTable } from '../registry.js';

/** Core's bound: the largest whole second a signed 64-bit nanosecond count can hold. */
const MAX_MOCK_TIME_S = 9_223_372_036;

export interface MockTimeContext {
  /** Core's IsMockableChain: only regtest lets setmocktime move the clock. */
  network: string;
  clock: { setMockTime(seconds: number): void };
}

export function registerMockTimeCommands(table: RpcTable, ctx: MockTimeContext): void {
  if (ctx?.clock === undefined) throw new TypeError('registerMockTimeCommands: clock is required');
  table.register({
    name: 'setmocktime',
    category: 'hidden',
    params: [
      {
        name: 'timestamp',
        type: 'int',
        ...CPP_INT64,
        description: 'UNIX epoch time in seconds\nPass 0 to go back to using the system time.',
      },
    ],
    description: 'Set the local time to given timestamp (-regtest only)\n',
    handler: (p) => {
      if (ctx.network !== 'regtest') {
        throw new RpcError(
          RPC_MISC_ERROR,
          'setmocktime is for regression testing (-regtest mode) only',
        );
      }
      const time = Number(p['timestamp']);
      if (!Number.isInteger(time)) {
        // UniValue's getInt<int64_t> refuses a fraction this way.
        throw new RpcError(RPC_MISC_ERROR, 'JSON integer out of range');
      }
      if (time < 0 || time > MAX_MOCK_TIME_S) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          `Mocktime must be in the range [0, ${MAX_MOCK_TIME_S}], not ${time}.`,
        );
      }
      ctx.clock.setMockTime(time);
      return null;
    },
  });
}
