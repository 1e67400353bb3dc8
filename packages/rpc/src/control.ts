/**
 * The RPC server's own methods, as Core's rpc/server.cpp and rpc/node.cpp: `help`, `stop`,
 * `uptime`, `getrpcinfo`, `logging`.
 */
import { LOG_CATEGORIES, isLogCategory } from '@bitcoind-lite/runtime';
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import { RPC_INVALID_PARAMETER, RpcError } from './protocol.js';
import type { RpcTable } from './registry.js';

/**
 * Core answers `stop` with PACKAGE_NAME + " stopping". Kept as Core's exact text because test
 * frameworks and scripts match on it.
 */
export const STOP_RESULT = 'Bitcoin Core stopping';

export interface ControlOptions {
  table: RpcTable;
  clock: Clock;
  logger: Logger;
  /** Wall-clock ms when the node started. */
  startMs: number;
  /**
   * The clock's monotonic ms when the node started: uptime counts from here, on the steady
   * clock as Core's GetUptime, so setmocktime and wall-clock steps do not move it.
   */
  startMonotonicMs: number;
  /** Called after `stop`'s reply has been written. */
  onStop: () => void;
  /** Shown by getrpcinfo as `logpath`. */
  logPath: string;
}

/** Core's EnableOrDisableLogCategories: "none"/"0" anywhere makes the whole list a no-op. */
function applyCategories(logger: Logger, list: unknown, enable: boolean): void {
  if (list === undefined || list === null) return;
  const names = (list as unknown[]).map(String);
  for (const name of names) {
    if (!['all', '1', 'none', '0'].includes(name) && !isLogCategory(name)) {
      throw new RpcError(RPC_INVALID_PARAMETER, `unknown logging category ${name}`);
    }
  }
  if (names.includes('none') || names.includes('0')) return;
  for (const name of names) {
    if (enable) logger.enable(name);
    else logger.disable(name);
  }
}

export function registerControlCommands(o: ControlOptions): void {
  const { table, clock, logger } = o;

  table.register({
    name: 'help',
    category: 'control',
    description: 'List all commands, or get help for a specified command.',
    params: [
      {
        name: 'command',
        type: 'string',
        optional: true,
        description: 'The command to get help on',
      },
    ],
    result: '"str"    (string) The help text',
    handler: (p) => table.help(p.command as string | undefined),
  });

  table.register({
    name: 'stop',
    category: 'control',
    description: 'Request a graceful shutdown of Bitcoin Core.',
    params: [
      {
        name: 'wait',
        type: 'number',
        optional: true,
        hidden: true,
        description: 'how long to wait in ms',
      },
    ],
    result: `"str"    (string) A string with the content '${STOP_RESULT}'`,
    handler: async (p, ctx) => {
      // Core shuts down after replying; `wait` delays the reply, for tests.
      ctx.afterReply(o.onStop);
      const waitMs = p.wait as number | undefined;
      if (waitMs !== undefined && waitMs > 0) {
        await new Promise<void>((resolve) => clock.setTimeout(resolve, waitMs));
      }
      return STOP_RESULT;
    },
  });

  table.register({
    name: 'uptime',
    category: 'control',
    description: 'Returns the total uptime of the server.',
    params: [],
    result: 'n    (numeric) The number of seconds that the server has been running',
    handler: () => Math.floor((clock.monotonicMs() - o.startMonotonicMs) / 1000),
  });

  table.register({
    name: 'getrpcinfo',
    category: 'control',
    description: 'Returns details of the RPC server.',
    params: [],
    handler: () => ({
      active_commands: table
        .activeCommands()
        .map((c) => ({ method: c.method, duration: c.durationUs })),
      logpath: o.logPath,
    }),
  });

  table.register({
    name: 'logging',
    category: 'control',
    description:
      'Gets and sets the logging configuration.\n' +
      'When called without an argument, returns the list of categories with status that are ' +
      'currently being debug logged or not.\n' +
      'When called with arguments, adds or removes categories from debug logging and return the ' +
      'lists above.\nThe valid logging categories are: ' +
      LOG_CATEGORIES.join(', ') +
      '\nIn addition, the following are available as category names with special meanings:\n' +
      '  - "all",  "1" : represent all logging categories.\n' +
      '  - "none", "0" : even if other logging categories are specified, ignore all of them.',
    params: [
      {
        name: 'include',
        type: 'array',
        optional: true,
        usage: '["include_category",...]',
        description: 'The categories to add to debug logging',
      },
      {
        name: 'exclude',
        type: 'array',
        optional: true,
        usage: '["exclude_category",...]',
        description: 'The categories to remove from debug logging',
      },
    ],
    handler: (p) => {
      applyCategories(logger, p.include, true);
      applyCategories(logger, p.exclude, false);
      const out: Record<string, boolean> = {};
      for (const c of [...LOG_CATEGORIES].sort()) out[c] = logger.isEnabled(c);
      return out;
    },
  });
}
