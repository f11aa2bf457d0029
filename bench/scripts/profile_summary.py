#!/usr/bin/env python3
"""Where a replica's (or the load generator's) CPU goes, from a collapsed profile of profile.sh.

    python3 bench/scripts/profile_summary.py profile-PID.collapsed

Each sample is put in the first category whose frame it contains, in the order below, so a
signature check inside the storage writer counts as signing or verification, not as storage.
"""
import sys
from collections import Counter

CATEGORIES = [
    ("signature verification", ["SignatureBatch", "CofactoredVerification", "Ed25519PublicKey.verify", "SignedItem.verify"]),
    ("signing", ["Signer.sign", "Ed25519KeyPair.sign", "Ed25519PrivateKey"]),
    ("SHA-256 (digests, Merkle paths)", ["dev/bft/crypto/Digest", "SHA256", "sha256_implCompress"]),
    ("LMDB commit (fdatasync, pwrite)", ["mdb_txn_commit"]),
    ("LMDB other", ["lmdbjava", "mdb_"]),
    ("GC", ["G1", "GCTaskThread"]),
    ("JIT compiler", ["CompileBroker", "C2Compiler", "C1Compiler"]),
    ("decoding (parse, copy)", ["MessageDecoder", "EnvelopeHeader", "com/google/protobuf"]),
    ("encoding", ["MessageEncoder"]),
    ("protocol core", ["dev/bft/core/protocol/"]),
    ("Netty and socket I/O", ["io/netty", "sendto", "recvfrom", "writev", "tcp_", "sock_"]),
    ("thread hand-offs (park, futex, scheduler)", ["Unsafe.park", "LockSupport", "futex", "finish_task_switch", "Object.wait", "schedule"]),
]


def main(path):
    total = 0
    counts = Counter()
    for line in open(path):
        stack, _, n = line.rstrip().rpartition(" ")
        if not stack:
            continue
        n = int(n)
        total += n
        for name, marks in CATEGORIES:
            if any(m in stack for m in marks):
                counts[name] += n
                break
        else:
            counts["other"] += n
    print(f"{path}: {total} samples")
    for name, n in counts.most_common():
        print(f"  {100 * n / total:5.1f} %  {name}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
