package dev.bft.core.sim;

import dev.bft.core.service.ChunkedState;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.KvSnapshot;
import dev.bft.core.service.ReplicatedService;
import dev.bft.crypto.Digest;

/**
 * The key-value service as the simulator transfers it: snapshots are its copy-on-write
 * {@link KvSnapshot}s, and a snapshot's digest is recomputed from its chunks, so a substituted or
 * corrupted snapshot cannot pass for the one a checkpoint proved.
 */
public final class SnapshottingKv implements ReplicatedService, StateSnapshots, ChunkedState {
  private final KeyValueService kv = new KeyValueService();

  @Override
  public byte[] execute(byte[] operation, ExecutionContext ctx) {
    return kv.execute(operation, ctx);
  }

  @Override
  public byte[] executeReadOnly(byte[] operation) {
    return kv.executeReadOnly(operation);
  }

  @Override
  public Digest stateDigest() {
    return kv.stateDigest();
  }

  @Override
  public Object snapshot() {
    return kv.snapshot();
  }

  @Override
  public Digest digestOf(Object snapshot) {
    KvSnapshot s = (KvSnapshot) snapshot;
    Digest[] leaves = new Digest[s.leafCount()];
    for (int b = 0; b < leaves.length; b++) {
      leaves[b] = KvSnapshot.chunkDigest(s.content(b));
    }
    return dev.bft.core.service.MerkleTree.root(leaves);
  }

  @Override
  public void restore(Object snapshot) {
    kv.restore((KvSnapshot) snapshot);
  }

  @Override
  public int chunkCount() {
    return kv.chunkCount();
  }

  @Override
  public Digest[] chunkDigests() {
    return kv.chunkDigests();
  }

  @Override
  public byte[] chunk(int index) {
    return kv.chunk(index);
  }

  @Override
  public void installChunk(int index, byte[] chunk) {
    kv.installChunk(index, chunk);
  }

  @Override
  public Digest digestOfChunk(byte[] chunk) {
    return kv.digestOfChunk(chunk);
  }
}
