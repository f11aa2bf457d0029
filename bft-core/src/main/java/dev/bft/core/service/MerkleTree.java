package dev.bft.core.service;

import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.List;

/**
 * A binary Merkle tree over a power-of-two number of leaf digests. Inner nodes are
 * SHA-256('N' ‖ left ‖ right), so a leaf can never pass for an inner node.
 */
public final class MerkleTree {
  /** The deepest tree: a chunk count is a power of two that an int holds, so at most 2^30 leaves. */
  public static final int MAX_DEPTH = 30;

  private MerkleTree() {}

  /** The number of levels below the root of a tree over {@code leafCount} leaves, a power of two. */
  public static int depth(int leafCount) {
    if (leafCount < 1 || Integer.bitCount(leafCount) != 1) {
      throw new IllegalArgumentException("a Merkle tree needs a power of two leaves, not " + leafCount);
    }
    return Integer.numberOfTrailingZeros(leafCount);
  }

  /**
   * Every level of the tree, the root's first: {@code levels[L]} holds the 2^L nodes of level L and
   * the last level is {@code leaves} (copied). State transfer compares two trees level by level.
   */
  public static Digest[][] levels(Digest[] leaves) {
    int depth = depth(leaves.length);
    Digest[][] levels = new Digest[depth + 1][];
    levels[depth] = leaves.clone();
    for (int level = depth - 1; level >= 0; level--) {
      Digest[] below = levels[level + 1];
      Digest[] nodes = new Digest[below.length / 2];
      for (int i = 0; i < nodes.length; i++) {
        nodes[i] = node(below[2 * i], below[2 * i + 1]);
      }
      levels[level] = nodes;
    }
    return levels;
  }

  public static Digest root(Digest[] leaves) {
    Digest[] level = leaves.clone();
    int size = level.length;
    while (size > 1) {
      for (int i = 0; i < size / 2; i++) {
        level[i] = node(level[2 * i], level[2 * i + 1]);
      }
      size /= 2;
    }
    return level[0];
  }

  /** The sibling digests from leaf {@code index} up to the root. */
  public static List<Digest> path(Digest[] leaves, int index) {
    List<Digest> path = new ArrayList<>();
    Digest[] level = leaves.clone();
    int size = level.length;
    int i = index;
    while (size > 1) {
      path.add(level[i ^ 1]);
      for (int j = 0; j < size / 2; j++) {
        level[j] = node(level[2 * j], level[2 * j + 1]);
      }
      size /= 2;
      i /= 2;
    }
    return path;
  }

  /** Whether {@code leaf} at {@code index} with {@code path} leads to {@code root}. */
  public static boolean verify(Digest root, Digest leaf, int index, List<Digest> path) {
    return root.equals(rootFrom(leaf, index, path));
  }

  /** The root that {@code leaf} at {@code index} with {@code path} leads to, or null when the index does not fit the path. */
  public static Digest rootFrom(Digest leaf, int index, List<Digest> path) {
    Digest d = leaf;
    int i = index;
    for (Digest sibling : path) {
      d = (i & 1) == 0 ? node(d, sibling) : node(sibling, d);
      i >>>= 1;
    }
    return i == 0 ? d : null;
  }

  /** Every leaf's path at once, in O(n log n) hashes rather than n trees. */
  public static List<List<Digest>> allPaths(Digest[] leaves) {
    List<List<Digest>> paths = new ArrayList<>(leaves.length);
    for (int i = 0; i < leaves.length; i++) {
      paths.add(new ArrayList<>());
    }
    Digest[] level = leaves.clone();
    int size = level.length;
    int span = 1; // leaves under each node of the current level
    while (size > 1) {
      for (int leaf = 0; leaf < leaves.length; leaf++) {
        paths.get(leaf).add(level[(leaf / span) ^ 1]);
      }
      for (int j = 0; j < size / 2; j++) {
        level[j] = node(level[2 * j], level[2 * j + 1]);
      }
      size /= 2;
      span *= 2;
    }
    return paths;
  }

  static Digest node(Digest left, Digest right) {
    return Digest.sha256(new byte[] {'N'}, left.bytesUnsafe(), right.bytesUnsafe());
  }

}
