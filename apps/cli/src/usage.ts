/** The text of `-help`, after bitcoin-cli's, listing the options this client understands. */
export const USAGE = `bitcoind-lite RPC client

Usage:  pnpm cli -- [options] <command> [params]      Send command to the node
or:     pnpm cli -- [options] -named <command> [name=value]...
or:     pnpm cli -- [options] help                    List commands
or:     pnpm cli -- [options] help <command>          Get help for a command

Options:

  -chain=<chain>      Use the chain <chain>: main, test, testnet4, signet, regtest
  -regtest, -testnet, -testnet4, -signet
                      Shorthands for -chain=
  -datadir=<dir>      Data directory (default: ~/.bitcoin); the cookie is read from
                      <dir>/<chain folder>/.cookie
  -named              Pass named instead of positional arguments
  -rpcclienttimeout=<n>
                      Timeout in seconds during HTTP requests, or 0 for no timeout (default: 900)
  -rpcconnect=<ip>    Send commands to node running on <ip> (default: 127.0.0.1)
  -rpccookiefile=<loc>
                      Location of the auth cookie (relative to the chain folder of the datadir)
  -rpcpassword=<pw>   Password for JSON-RPC connections
  -rpcport=<port>     Connect to JSON-RPC on <port> (default: 8332, testnet: 18332,
                      testnet4: 48332, signet: 38332, regtest: 18443)
  -rpcuser=<user>     Username for JSON-RPC connections
  -rpcwait            Wait for RPC server to start
  -rpcwaittimeout=<n> Timeout in seconds to wait for the RPC server to start, or 0 for no
                      timeout (default: 0)
  -rpcwallet=<name>   Send RPC for the named wallet (/wallet/<name>)
  -stdin              Read extra arguments from standard input, one per line until EOF
  -stdinrpcpass       Read the RPC password from the first line of standard input
`;
