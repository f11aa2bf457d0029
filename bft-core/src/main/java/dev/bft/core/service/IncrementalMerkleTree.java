package dev.bft.core.service;

import dev.bft.crypto.Digest;
import dev.bft.crypto.Digests;
import java.security.MessageDigest;
import java.security.DigestException;
import java.util.Arrays;

/**
 * The {@link MerkleTree} of a power-of-two number of leaves, every node kept, so that changing a
 * leaf rehashes only its path to the root: a service with 65 536 chunks pays 16 hashes per changed
 * chunk at a checkpoint instead of 65 535. Changes are applied lazily, at the next {@link #root} or
 * {@link #node}, so leaves set many times or sharing ancestors cost each ancestor once.
 *
 * <p>Nodes are held as flat byte arrays (2 x leaves x 32 bytes: 4 MiB for 65 536 leaves) rather than
 * as {@link Digest} objects, which would cost twice that in headers. Thread-safe by locking: the
 * state-transfer server reads nodes of a tree built over a snapshot's leaves from network threads.
 */
public final class IncrementalMerkleTree {
  private final int leafCount;
  private final int height;
  /** {@code nodes[l]} holds level l (0 = leaves) as consecutive 32-byte digests; {@code nodes[height]} is the root. */
  private final byte[][] nodes;
  /** {@code stale[l][i]}: node i of level l awaits rehashing, and then so do all its ancestors. */
  private final boolean[][] stale;
  private final int[][] pending;
  private final int[] pendingCount;
  private final MessageDigest sha = Digests.newSha256();

  /** A tree whose leaves are all {@code leaf} (an empty state's chunk digest, say). */
  public IncrementalMerkleTree(int leafCount, Digest leaf) {
    this(leafCount);
    for (int i = 0; i < leafCount; i++) {
      System.arraycopy(leaf.bytesUnsafe(), 0, nodes[0], i * Digest.SIZE, Digest.SIZE);
    }
    // Equal children make equal parents: one hash per level instead of one per node.
    for (int l = 1; l <= height; l++) {
      hash(nodes[l - 1], 0, nodes[l], 0);
      for (int i = 1; i < leafCount >>> l; i++) {
        System.arraycopy(nodes[l], 0, nodes[l], i * Digest.SIZE, Digest.SIZE);
      }
    }
  }

  /** A tree over {@code leaves}, in leaves - 1 hashes. */
  public IncrementalMerkleTree(Digest[] leaves) {
    this(leaves.length);
    for (int i = 0; i < leafCount; i++) {
      System.arraycopy(leaves[i].bytesUnsafe(), 0, nodes[0], i * Digest.SIZE, Digest.SIZE);
    }
    for (int l = 1; l <= height; l++) {
      for (int i = 0; i < leafCount >>> l; i++) {
        hash(nodes[l - 1], 2 * i, nodes[l], i);
      }
    }
  }

  private IncrementalMerkleTree(int leafCount) {
    if (leafCount < 1 || Integer.bitCount(leafCount) != 1) {
      throw new IllegalArgumentException("a Merkle tree needs a power-of-two number of leaves, not " + leafCount);
    }
    this.leafCount = leafCount;
    this.height = Integer.numberOfTrailingZeros(leafCount);
    this.nodes = new byte[height + 1][];
    this.stale = new boolean[height + 1][];
    this.pending = new int[height + 1][];
    this.pendingCount = new int[height + 1];
    for (int l = 0; l <= height; l++) {
      nodes[l] = new byte[(leafCount >>> l) * Digest.SIZE];
      stale[l] = new boolean[leafCount >>> l];
      pending[l] = new int[leafCount >>> l];
    }
  }

  public int leafCount() {
    return leafCount;
  }

  /** The number of levels above the leaves: the root is at level {@code height()}. */
  public int height() {
    return height;
  }

  /** Sets leaf {@code index}; its ancestors are rehashed at the next read of them. */
  public synchronized void set(int index, Digest leaf) {
    System.arraycopy(leaf.bytesUnsafe(), 0, nodes[0], checkIndex(0, index) * Digest.SIZE, Digest.SIZE);
    for (int l = 1, i = index >>> 1; l <= height && !stale[l][i]; l++, i >>>= 1) {
      stale[l][i] = true;
      pending[l][pendingCount[l]++] = i;
    }
  }

  public synchronized Digest leaf(int index) {
    return node(0, index);
  }

  /** Node {@code index} of level {@code level} (0 = the leaves, {@link #height()} = the root). */
  public synchronized Digest node(int level, int index) {
    if (level < 0 || level > height) {
      throw new IllegalArgumentException("level " + level + " of a tree of height " + height);
    }
    checkIndex(level, index);
    refresh();
    return Digest.of(Arrays.copyOfRange(nodes[level], index * Digest.SIZE, (index + 1) * Digest.SIZE));
  }

  public synchronized Digest root() {
    return node(height, 0);
  }

  /** A fresh copy of every leaf. */
  /**
   * Every leaf digest, concatenated: what a snapshot keeps (2 MiB at 65 536 leaves), rather than
   * {@link #leaves()}'s objects (over twice that, for every snapshot held).
   */
  public synchronized byte[] leafBytes() {
    refresh();
    return nodes[0].clone();
  }

  /** The leaves of {@link #leafBytes()} as digests. */
  public static Digest[] digests(byte[] leafBytes) {
    Digest[] out = new Digest[leafBytes.length / Digest.SIZE];
    for (int i = 0; i < out.length; i++) {
      out[i] = Digest.of(Arrays.copyOfRange(leafBytes, i * Digest.SIZE, (i + 1) * Digest.SIZE));
    }
    return out;
  }

  public synchronized Digest[] leaves() {
    Digest[] out = new Digest[leafCount];
    for (int i = 0; i < leafCount; i++) {
      out[i] = Digest.of(Arrays.copyOfRange(nodes[0], i * Digest.SIZE, (i + 1) * Digest.SIZE));
    }
    return out;
  }

  private void refresh() {
    // Bottom up: every stale node's children are current by the time its level comes.
    for (int l = 1; l <= height; l++) {
      for (int k = 0; k < pendingCount[l]; k++) {
        int i = pending[l][k];
        hash(nodes[l - 1], 2 * i, nodes[l], i);
        stale[l][i] = false;
      }
      pendingCount[l] = 0;
    }
  }

  /** Writes SHA-256('N' || child left || child left + 1) of {@code below} to node {@code at} of {@code level}. */
  private void hash(byte[] below, int left, byte[] level, int at) {
    sha.update((byte) 'N');
    sha.update(below, left * Digest.SIZE, 2 * Digest.SIZE);
    try {
      sha.digest(level, at * Digest.SIZE, Digest.SIZE);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 did not fit 32 bytes", e);
    }
  }

  private int checkIndex(int level, int index) {
    if (index < 0 || index >= leafCount >>> level) {
      throw new IllegalArgumentException("node " + index + " of level " + level + " in a tree of " + leafCount + " leaves");
    }
    return index;
  }
}
