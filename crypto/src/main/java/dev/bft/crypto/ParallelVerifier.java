package dev.bft.crypto;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks many signatures one at a time on a pool of threads (one per core by default): how
 * verification scales with cores, for the benchmarks. The runtime has its own per-peer pool
 * (FairVerificationQueue) and checks client signatures together with {@link SignatureBatch}. Small
 * lists run on the caller's thread: handing 1-3 signatures to another thread costs more than it saves.
 */
public final class ParallelVerifier implements AutoCloseable {
  private static final int INLINE_BELOW = 4;

  private final int threads;
  private final ExecutorService pool;

  public ParallelVerifier(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("a batch verifier needs at least one thread, got " + threads);
    }
    this.threads = threads;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "verify-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.pool = Executors.newFixedThreadPool(threads, factory);
  }

  public static ParallelVerifier forAllCores() {
    return new ParallelVerifier(Runtime.getRuntime().availableProcessors());
  }

  public int threads() {
    return threads;
  }

  /** Verifies every item; bit i is set when item i verified. Blocks until done. */
  public BitSet verifyAll(List<SignedItem> items) {
    return verifyAllAsync(items).join();
  }

  /** Verifies every item on the pool; the future completes with bit i set when item i verified. */
  public CompletableFuture<BitSet> verifyAllAsync(List<SignedItem> items) {
    int size = items.size();
    if (size < INLINE_BELOW || threads == 1) {
      return threads == 1 && size >= INLINE_BELOW
          ? CompletableFuture.supplyAsync(() -> verifyRange(items, 0, size), pool)
          : CompletableFuture.completedFuture(verifyRange(items, 0, size));
    }
    int chunks = Math.min(threads, size);
    List<CompletableFuture<BitSet>> parts = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int from = (int) ((long) size * c / chunks);
      int to = (int) ((long) size * (c + 1) / chunks);
      parts.add(CompletableFuture.supplyAsync(() -> verifyRange(items, from, to), pool));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
      BitSet all = new BitSet(size);
      for (CompletableFuture<BitSet> p : parts) {
        all.or(p.join());
      }
      return all;
    });
  }

  private static BitSet verifyRange(List<SignedItem> items, int from, int to) {
    BitSet ok = new BitSet(to);
    for (int i = from; i < to; i++) {
      if (items.get(i).verify()) {
        ok.set(i);
      }
    }
    return ok;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
