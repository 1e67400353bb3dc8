"""An independent peer for bitcoind-lite, built on python-bitcoinlib's `bitcoin.messages`.

Usage: /usr/bin/python3 p2p_peer.py PORT
Handshakes with the node on 127.0.0.1:PORT, downloads every header and the first block,
mines one regtest block on the node's tip and announces it by headers (then serves it when the
node asks), and waits for the node to announce a block it mines itself. The last stdout line is
"RESULT <json>".
"""
import json
import socket
import struct
import sys
import time

import bitcoin
from bitcoin.core import (COIN, CBlock, CBlockHeader, CMutableTransaction, CMutableTxIn,
                          CMutableTxOut, COutPoint, b2lx, lx)
from bitcoin.core.script import CScript, OP_TRUE
from bitcoin.messages import (MsgSerializable, msg_block, msg_getdata, msg_getheaders,
                              msg_headers, msg_pong, msg_verack, msg_version)
from bitcoin.net import CInv

from bitcoin.core.serialize import VarIntSerializer  # noqa: E402
from bitcoin.messages import messagemap  # noqa: E402

bitcoin.SelectParams('regtest')


class msg_headers_core(msg_headers):
    """python-bitcoinlib 0.11's msg_headers omits the transaction count (always 0) that
    follows each header on the wire; this subclass reads and writes it as Core does."""

    @classmethod
    def msg_deser(cls, f, protover=0):
        c = cls()
        n = VarIntSerializer.stream_deserialize(f)
        for _ in range(n):
            c.headers.append(CBlockHeader.stream_deserialize(f))
            VarIntSerializer.stream_deserialize(f)
        return c

    def msg_ser(self, f):
        VarIntSerializer.stream_serialize(len(self.headers), f)
        for h in self.headers:
            h.stream_serialize(f)
            f.write(b'\x00')


messagemap[b'headers'] = msg_headers_core
MSG_BLOCK = 2
MSG_WITNESS_BLOCK = 2 | (1 << 30)
REGTEST_GENESIS = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206'
REGTEST_TARGET = 0x7fffff << (8 * (0x20 - 3))


def main():
    port = int(sys.argv[1])
    sock = socket.create_connection(('127.0.0.1', port), timeout=30)
    f = sock.makefile('rb')
    result = {'received': []}

    def send(msg):
        sock.sendall(msg.to_bytes())

    def recv():
        msg = MsgSerializable.stream_deserialize(f)
        if msg is not None:
            result['received'].append(msg.command.decode())
        return msg

    v = msg_version()
    v.nVersion = 70016
    v.nServices = 1 | 8  # NODE_NETWORK | NODE_WITNESS: the node only downloads from these
    v.strSubVer = b'/python-bitcoinlib:0.11/'
    v.nStartingHeight = 0
    v.addrTo.ip = '127.0.0.1'
    v.addrTo.port = port
    send(v)

    # The handshake: version and verack from the node (wtxidrelay/sendaddrv2 are not in the
    # library's messagemap and come back as None).
    got_version = got_verack = False
    while not (got_version and got_verack):
        m = recv()
        if m is None:
            continue
        if m.command == b'version':
            got_version = True
            result['version'] = m.nVersion
            result['subver'] = m.strSubVer.decode()
            result['services'] = m.nServices
            result['startheight'] = m.nStartingHeight
            send(msg_verack())
        elif m.command == b'verack':
            got_verack = True

    # python-bitcoinlib's regtest params carry mainnet's genesis block; use regtest's hash.
    genesis = lx(REGTEST_GENESIS)
    gh = msg_getheaders()
    gh.locator.vHave = [genesis]
    send(gh)
    headers = None
    while headers is None:
        m = recv()
        if m is not None and m.command == b'headers':
            headers = m.headers
        elif m is not None and m.command == b'ping':
            send(msg_pong(nonce=m.nonce))
    prev = genesis
    for h in headers:
        assert h.hashPrevBlock == prev, 'headers do not link'
        prev = h.GetHash()
    result['headers'] = len(headers)
    result['tip'] = b2lx(prev)

    gd = msg_getdata()
    gd.inv = [CInv()]
    gd.inv[0].type = MSG_BLOCK
    gd.inv[0].hash = headers[0].GetHash()
    send(gd)
    block = None
    while block is None:
        m = recv()
        if m is not None and m.command == b'block':
            block = m.block
    result['block1'] = b2lx(block.GetHash())
    result['block1_txs'] = len(block.vtx)

    # Mine one block on the node's tip, announce it by headers, serve it when asked.
    height = len(headers) + 1
    cb = CMutableTransaction(
        [CMutableTxIn(COutPoint(), CScript([height, b'py']), 0xffffffff)],
        [CMutableTxOut(50 * COIN, CScript([OP_TRUE]))])
    tip_header = headers[-1]
    nonce = 0
    while True:
        mined = CBlock(nVersion=0x20000000, hashPrevBlock=prev,
                       hashMerkleRoot=cb.GetTxid(), nTime=tip_header.nTime + 1,
                       nBits=0x207fffff, nNonce=nonce, vtx=[cb])
        if int.from_bytes(mined.GetHash(), 'little') <= REGTEST_TARGET:
            break
        nonce += 1
    mh = msg_headers_core()
    mh.headers = [CBlockHeader(nVersion=mined.nVersion, hashPrevBlock=mined.hashPrevBlock,
                               hashMerkleRoot=mined.hashMerkleRoot, nTime=mined.nTime,
                               nBits=mined.nBits, nNonce=mined.nNonce)]
    send(mh)
    result['mined'] = b2lx(mined.GetHash())

    announced = None
    deadline = time.time() + 30
    while announced is None and time.time() < deadline:
        m = recv()
        if m is None:
            continue
        if m.command == b'getdata':
            for inv in m.inv:
                if inv.hash == mined.GetHash():
                    result['getdata_type'] = inv.type
                    mb = msg_block()
                    mb.block = mined
                    send(mb)
        elif m.command == b'ping':
            send(msg_pong(nonce=m.nonce))
        elif m.command == b'inv':
            for inv in m.inv:
                if inv.type == MSG_BLOCK and inv.hash != mined.GetHash():
                    announced = ('inv', b2lx(inv.hash))
        elif m.command == b'headers':
            for h in m.headers:
                if h.GetHash() != mined.GetHash():
                    announced = ('headers', b2lx(h.GetHash()))
    result['announced'] = announced
    print('RESULT ' + json.dumps(result), flush=True)


if __name__ == '__main__':
    main()
