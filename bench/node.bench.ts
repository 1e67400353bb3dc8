/**
 * The walking skeleton's figures (issue 2): start to RPC-ready, mining 1,000 regtest blocks,
 * getblockcount requests per second over one keep-alive connection, and RSS after mining.
 * Each runs a real node process started from a manifest.
 */
import { Agent, request } from 'node:http';
import { TestNode } from '../test/framework/test-node.js';
import type { Report } from './run.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

function keepAliveCall(node: TestNode, agent: Agent, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: node.rpcPort,
        method: 'POST',
        path: '/',
        agent,
        headers: { authorization: 'Basic ' + Buffer.from(node.cookie()).toString('base64') },
      },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () => resolve(data));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function run(report: Report): Promise<void> {
  const t0 = performance.now();
  const node = await TestNode.start({ noP2P: true, outbound: false });
  report('start to RPC-ready', Math.round(performance.now() - t0), 'ms', 'process spawn + tsx');
  try {
    const t1 = performance.now();
    await node.rpc('generatetoaddress', 1000, ADDR);
    const s = (performance.now() - t1) / 1000;
    report('mining 1,000 regtest blocks', 1000 / s, 'blocks/s');
    report('RSS after mining 1,000 blocks', node.rssBytes() / 2 ** 20, 'MiB');

    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'getblockcount', params: [] });
    for (let i = 0; i < 200; i++) await keepAliveCall(node, agent, body);
    const n = 5000;
    const t2 = performance.now();
    for (let i = 0; i < n; i++) await keepAliveCall(node, agent, body);
    report(
      'getblockcount over one keep-alive connection',
      n / ((performance.now() - t2) / 1000),
      'req/s',
    );
    agent.destroy();
    report('peak RSS', node.peakRssBytes() / 2 ** 20, 'MiB');
  } finally {
    await node.stop();
  }
}
