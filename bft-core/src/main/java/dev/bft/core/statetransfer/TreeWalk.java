package dev.bft.core.statetransfer;

import dev.bft.core.service.MerkleTree;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;

/**
 * Finds which chunks differ between this replica's state and a proven one by walking the proven
 * Merkle tree from its root: a node is opened only when its proven digest differs from this
 * replica's node at the same place, and a page of digests some levels below it is taken only if it
 * hashes up to the proven node. A replica that lags by d chunks of 2^D opens about d x D / k nodes
 * for pages of k levels, not the 2^D leaves. Pure: the fetcher asks peers for the pages.
 *
 * <p>Level 0 is the root, level L holds 2^L nodes, level D the chunk digests. Pages split the D
 * levels with the remainder on top ({@link #pageDepth}), so a page is never wider than its limit
 * and never reaches below the leaves, and both sides agree on every page's depth.
 */
final class TreeWalk {
  /** A node of the proven tree that differs from this replica's: an inner node to open, or a leaf (a chunk) to fetch. */
  record Found(int level, int index, Digest proven) {}

  private final int depth;
  private final int maxPageDepth;
  /** This replica's tree when the walk began: what matched then is what the checkpoint holds there. */
  private final Digest[][] mine;
  /** Proven digests of the open nodes (differing, children not yet known), by {@link #key}. */
  private final Map<Long, Digest> open = new TreeMap<>();

  TreeWalk(Digest[] myLeaves, int maxPageDepth) {
    this.mine = MerkleTree.levels(myLeaves);
    this.depth = mine.length - 1;
    this.maxPageDepth = maxPageDepth;
  }

  int depth() {
    return depth;
  }

  /** Chunk {@code chunk}'s digest in this replica when the walk began. */
  Digest myLeaf(int chunk) {
    return mine[depth][chunk];
  }

  /** How many levels the page below a node of {@code level} spans: 1 to the limit, the remainder first. */
  int pageDepth(int level) {
    return pageDepth(depth, level, maxPageDepth);
  }

  /** The same for a tree of {@code treeDepth} levels below its root: 0 for a tree of one node. */
  static int pageDepth(int treeDepth, int level, int maxPageDepth) {
    return level >= treeDepth ? 0 : (treeDepth - level - 1) % maxPageDepth + 1;
  }

  /**
   * The proven root and the page below it (manifest page 0): nothing if the root is this replica's,
   * else what differs in that page, or for a state of one chunk the chunk itself. Null when the page
   * is not the root's.
   */
  List<Found> begin(Digest root, Digest[] top) {
    List<Found> found = compare(0, new Digest[] {root}, 0);
    return found.isEmpty() || depth == 0 ? found : offer(0, 0, top);
  }

  boolean isOpen(int level, int index) {
    return open.containsKey(key(level, index));
  }

  /**
   * A page for open node {@code (level, index)}: its {@code 2^pageDepth(level)} digests that many
   * levels below, left to right. Null when they do not hash up to the proven node (a lie), and the
   * node stays open; else the node closes and the differing nodes among them are returned.
   */
  List<Found> offer(int level, int index, Digest[] digests) {
    Digest proven = open.get(key(level, index));
    int pageDepth = pageDepth(level);
    if (proven == null || digests.length != 1 << pageDepth || !MerkleTree.root(digests).equals(proven)) {
      return null;
    }
    open.remove(key(level, index));
    return compare(level + pageDepth, digests, index << pageDepth);
  }

  private List<Found> compare(int level, Digest[] proven, int first) {
    List<Found> found = new ArrayList<>();
    for (int i = 0; i < proven.length; i++) {
      if (!proven[i].equals(mine[level][first + i])) {
        found.add(new Found(level, first + i, proven[i]));
        if (level < depth) {
          open.put(key(level, first + i), proven[i]);
        }
      }
    }
    return found;
  }

  private static long key(int level, int index) {
    return (long) level << 32 | index;
  }
}
