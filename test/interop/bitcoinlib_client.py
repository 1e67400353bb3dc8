"""An independent client for bitcoind-lite: python-bitcoinlib (Debian's python3-bitcoinlib).

Usage: bitcoinlib_client.py RPC_PORT COOKIE P2P_PORT
Drives the node over JSON-RPC (getblockchaininfo, generatetoaddress to a bcrt1 address made here,
getblock deserialized by python-bitcoinlib) and over P2P (version handshake, getheaders, getdata
for one block), and prints one JSON object with what it saw. Exits non-zero on any mismatch.
"""
import io
import json
import socket
import sys
import time

import bitcoin
import bitcoin.rpc
from bitcoin.core import CBlock, CBlockHeader, b2lx, lx, x
from bitcoin.core.serialize import VarIntSerializer
from bitcoin.core.script import CScript, OP_0
from bitcoin.messages import (MsgSerializable, msg_getdata, msg_getheaders, msg_headers, msg_verack,
                              msg_version, msg_pong, msg_ping)
from bitcoin.net import CInv
from bitcoin.wallet import CBitcoinSecret, P2WPKHBitcoinAddress
from bitcoin.core import Hash160

bitcoin.SelectParams('regtest')


def _headers_msg_deser(cls, f, protover=None):
    # python-bitcoinlib 0.11.2 reads a `headers` payload as bare 80-byte headers, but each entry
    # is a header followed by a tx count (always 0) as Core sends it; read that byte too.
    c = cls()
    n = VarIntSerializer.stream_deserialize(f)
    c.headers = []
    for _ in range(n):
        c.headers.append(CBlockHeader.stream_deserialize(f))
        if VarIntSerializer.stream_deserialize(f) != 0:
            raise ValueError('headers entry with a non-zero tx count')
    return c


msg_headers.msg_deser = classmethod(_headers_msg_deser)


def fail(msg):
    print(json.dumps({'ok': False, 'error': msg}))
    sys.exit(1)


def rpc_part(rpc_port, cookie):
    proxy = bitcoin.rpc.Proxy(service_url='http://%s@127.0.0.1:%d' % (cookie, rpc_port))
    info = proxy.call('getblockchaininfo')
    if info['chain'] != 'regtest':
        fail('chain is %r' % info['chain'])
    secret = CBitcoinSecret.from_secret_bytes(bytes(range(1, 33)))
    script = CScript([OP_0, Hash160(secret.pub)])
    address = P2WPKHBitcoinAddress.from_scriptPubKey(script)
    hashes = proxy.call('generatetoaddress', 101, str(address))
    if len(hashes) != 101:
        fail('generatetoaddress returned %d hashes' % len(hashes))
    first = proxy.getblock(lx(hashes[0]))  # fetched raw and deserialized by python-bitcoinlib
    if b2lx(first.GetHash()) != hashes[0]:
        fail('block hash mismatch')
    coinbase = first.vtx[0]
    if not coinbase.is_coinbase():
        fail('first transaction is not a coinbase')
    if coinbase.vout[0].scriptPubKey != address.to_scriptPubKey():
        fail('coinbase does not pay %s' % address)
    if coinbase.vout[0].nValue != 50 * 100000000:
        fail('coinbase value %d' % coinbase.vout[0].nValue)
    if first.calc_merkle_root() != first.hashMerkleRoot:
        fail('merkle root does not recompute')
    count = proxy.getblockcount()
    return {'address': str(address), 'height': count, 'first': hashes[0], 'tip': hashes[-1]}


def read_message(sock, buf):
    while True:
        f = io.BytesIO(buf[0])
        try:
            msg = MsgSerializable.stream_deserialize(f)
            buf[0] = buf[0][f.tell():]
            return msg
        except Exception:
            # Not enough bytes yet (or an unknown command, which deserializes to None once whole).
            pass
        data = sock.recv(65536)
        if not data:
            fail('connection closed by node')
        buf[0] += data


def p2p_part(p2p_port, expect_hash):
    sock = socket.create_connection(('127.0.0.1', p2p_port), timeout=20)
    version = msg_version()
    version.nVersion = 70016
    version.nStartingHeight = 0
    version.addrTo.ip = '127.0.0.1'
    version.addrTo.port = p2p_port
    version.strSubVer = b'/python-bitcoinlib-test/'
    sock.sendall(version.to_bytes())
    buf = [b'']
    got_version = got_verack = False
    seen = []
    deadline = time.time() + 20
    while not (got_version and got_verack) and time.time() < deadline:
        msg = read_message(sock, buf)
        if msg is None:
            continue
        seen.append(msg.command.decode())
        if msg.command == b'version':
            got_version = True
            node_subver = msg.strSubVer.decode()
            sock.sendall(msg_verack().to_bytes())
        elif msg.command == b'verack':
            got_verack = True
    if not (got_version and got_verack):
        fail('no handshake: saw %r' % seen)
    genesis = bitcoin.params.GENESIS_BLOCK.GetHash()
    gh = msg_getheaders()
    gh.locator.vHave = [genesis]
    sock.sendall(gh.to_bytes())
    headers = None
    while headers is None and time.time() < deadline:
        msg = read_message(sock, buf)
        if msg is None:
            continue
        if msg.command == b'ping':
            pong = msg_pong()
            pong.nonce = msg.nonce
            sock.sendall(pong.to_bytes())
        if msg.command == b'headers':
            headers = msg.headers
    if headers is None:
        fail('no headers')
    if b2lx(headers[0].GetHash()) != expect_hash:
        fail('first header %s is not block 1 %s' % (b2lx(headers[0].GetHash()), expect_hash))
    for prev, cur in zip([genesis] + [h.GetHash() for h in headers[:-1]], headers):
        if cur.hashPrevBlock != prev:
            fail('headers do not link')
    gd = msg_getdata()
    inv = CInv()
    inv.type = 2  # MSG_BLOCK
    inv.hash = headers[0].GetHash()
    gd.inv = [inv]
    sock.sendall(gd.to_bytes())
    block = None
    while block is None and time.time() < deadline:
        msg = read_message(sock, buf)
        if msg is not None and msg.command == b'block':
            block = msg.block
    if block is None:
        fail('no block')
    if block.GetHash() != headers[0].GetHash() or block.calc_merkle_root() != block.hashMerkleRoot:
        fail('block does not match its header')
    sock.close()
    return {'subver': node_subver, 'headers': len(headers), 'block': b2lx(block.GetHash()),
            'block_txs': len(block.vtx)}


def main():
    rpc_port, cookie, p2p_port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    r = rpc_part(rpc_port, cookie)
    p = p2p_part(p2p_port, r['first'])
    print(json.dumps({'ok': True, 'rpc': r, 'p2p': p}))


main()
