/**
 * A seccomp filter (classic BPF) that fails `bind(2)` with EACCES, given to bubblewrap with
 * `--seccomp FD`. Why: bubblewrap brings up `lo` in the new network namespace, so without it the
 * confined node could still open a new listening port there. Such a port is unreachable from the
 * host, but the attempt should fail outright. The node needs no bind: its listening sockets
 * arrive bound, and outbound sockets arrive connected from the broker.
 *
 * Only for architectures whose syscall numbers are listed; elsewhere no filter is installed and
 * the launcher says so. Other ABIs on the same machine (x32) pass unfiltered.
 */

const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_RET_K = 0x06;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO = 0x00050000;
const EACCES = 13;

/** AUDIT_ARCH_* and __NR_bind per Node's `process.arch`. */
const ARCHES: Record<string, { audit: number; bind: number }> = {
  x64: { audit: 0xc000003e, bind: 49 },
  arm64: { audit: 0xc00000b7, bind: 200 },
};

/** The filter as bytes (struct sock_filter[], little-endian), or undefined on other arches. */
export function noBindFilter(arch: string = process.arch): Uint8Array | undefined {
  const a = ARCHES[arch];
  if (a === undefined) return undefined;
  // [code, jt, jf, k]; seccomp_data: nr at offset 0, arch at offset 4.
  const program: [number, number, number, number][] = [
    [BPF_LD_W_ABS, 0, 0, 4],
    [BPF_JEQ_K, 0, 3, a.audit], // another arch: allow (to the last instruction)
    [BPF_LD_W_ABS, 0, 0, 0],
    [BPF_JEQ_K, 0, 1, a.bind],
    [BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EACCES],
    [BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW],
  ];
  const out = new Uint8Array(program.length * 8);
  const view = new DataView(out.buffer);
  program.forEach(([code, jt, jf, k], i) => {
    view.setUint16(i * 8, code, true);
    view.setUint8(i * 8 + 2, jt);
    view.setUint8(i * 8 + 3, jf);
    view.setUint32(i * 8 + 4, k, true);
  });
  return out;
}
