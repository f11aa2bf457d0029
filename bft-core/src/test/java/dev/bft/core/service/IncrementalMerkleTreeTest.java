package dev.bft.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.crypto.Digest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IncrementalMerkleTreeTest {
  static Digest leaf(Random r) {
    byte[] b = new byte[Digest.SIZE];
    r.nextBytes(b);
    return Digest.of(b);
  }

  @Test
  void theRootEqualsAFullRecomputationAfterRandomUpdates() {
    long seed = new Random().nextLong();
    System.out.println("IncrementalMerkleTreeTest seed " + seed);
    Random r = new Random(seed);
    for (int leaves : new int[] {1, 2, 8, 256}) {
      Digest[] expected = new Digest[leaves];
      Arrays.fill(expected, Digest.sha256(new byte[] {1}));
      IncrementalMerkleTree tree = new IncrementalMerkleTree(leaves, expected[0]);
      assertThat(tree.root()).isEqualTo(MerkleTree.root(expected));
      for (int round = 0; round < 50; round++) {
        // Several updates between reads, some to the same leaf or to siblings.
        for (int k = r.nextInt(6); k >= 0; k--) {
          int i = r.nextInt(leaves);
          expected[i] = leaf(r);
          tree.set(i, expected[i]);
        }
        assertThat(tree.root()).as("seed %d, %d leaves, round %d", seed, leaves, round).isEqualTo(MerkleTree.root(expected));
        assertThat(tree.leaves()).containsExactly(expected);
      }
      assertThat(new IncrementalMerkleTree(expected).root()).isEqualTo(MerkleTree.root(expected));
    }
  }

  @Test
  void nodesAreTheSubtreeRootsAndProveLeavesAsMerklePathsDo() {
    Random r = new Random(7);
    Digest[] leaves = new Digest[16];
    for (int i = 0; i < leaves.length; i++) {
      leaves[i] = leaf(r);
    }
    IncrementalMerkleTree tree = new IncrementalMerkleTree(leaves);
    assertThat(tree.height()).isEqualTo(4);
    for (int level = 0; level <= 4; level++) {
      for (int i = 0; i < 16 >> level; i++) {
        Digest[] under = Arrays.copyOfRange(leaves, i << level, (i + 1) << level);
        assertThat(tree.node(level, i)).isEqualTo(MerkleTree.root(under));
      }
    }
    // The sibling at each level is the path MerkleTree.path gives.
    for (int level = 0; level < 4; level++) {
      assertThat(tree.node(level, (5 >> level) ^ 1)).isEqualTo(MerkleTree.path(leaves, 5).get(level));
    }
    assertThatThrownBy(() -> tree.node(5, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tree.node(1, 8)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IncrementalMerkleTree(12, leaves[0])).hasMessageContaining("power-of-two");
  }
}
