package dev.bft.bench.core;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Message;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.codec.KeyDirectory;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.message.codec.VerifiedSignatures;
import dev.bft.core.message.codec.WireLimits;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.Effects;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.protocol.TimerId;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.KvOperation;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * n real replica cores in one thread with a FIFO between them and no network: what the protocol
 * itself costs. With {@code signed}, every message is encoded and signed by its sender and decoded
 * and verified by each receiver with the production codec, and the client requests are signed
 * frames (each replica verifies each client signature once, as in the real cluster). Without it,
 * the typed messages go straight across: the protocol's cost alone.
 */
public final class InProcessCluster {
  public static final int FIRST_CLIENT = 1000;

  private record Delivery(int to, int from, Object payload) {}

  private final int n;
  private final boolean signed;
  private final Replica[] replicas;
  private final MessageEncoder[] encoders;
  private final MessageDecoder[] decoders;
  private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
  private final boolean[] batchTimerArmed;
  private long executedRequests;
  private final int clients;
  private final byte[][] nextRequestFrame;
  private final Request[] nextRequest;
  private final long[] requestNumber;
  private final MessageEncoder[] clientEncoders;
  private final Random random = new Random(7);

  public InProcessCluster(int n, int batchSize, int clients, boolean signed) {
    this(n, batchSize, clients, signed, 1);
  }

  /** Decoded and verified in parallel on a pool of this many threads before delivery (1: inline). */
  private final java.util.concurrent.ForkJoinPool verifyPool;

  /**
   * @param verifyThreads with more than one, frames are decoded and verified on a pool before they
   *                      are delivered in arrival order, as the replica runtime's verification stage does
   */
  public InProcessCluster(int n, int batchSize, int clients, boolean signed, int verifyThreads) {
    this.verifyPool = verifyThreads > 1 ? new java.util.concurrent.ForkJoinPool(verifyThreads) : null;
    this.n = n;
    this.signed = signed;
    this.clients = clients;
    Quorum q = Quorum.ofReplicas(n);
    Map<Integer, Ed25519PublicKey> replicaKeys = new HashMap<>();
    Map<Integer, Ed25519PublicKey> clientKeys = new HashMap<>();
    encoders = new MessageEncoder[n];
    for (int i = 0; i < n; i++) {
      Ed25519KeyPair k = Ed25519KeyPair.forTesting(i);
      replicaKeys.put(i, k.publicKey());
      encoders[i] = new MessageEncoder(i, k);
    }
    clientEncoders = new MessageEncoder[clients];
    for (int c = 0; c < clients; c++) {
      Ed25519KeyPair k = Ed25519KeyPair.forTesting(FIRST_CLIENT + c);
      clientKeys.put(FIRST_CLIENT + c, k.publicKey());
      clientEncoders[c] = new MessageEncoder(FIRST_CLIENT + c, k);
    }
    decoders = new MessageDecoder[n];
    replicas = new Replica[n];
    batchTimerArmed = new boolean[n];
    // pipeline deep enough that batches, not round trips, limit throughput
    ReplicaConfig base = new ReplicaConfig(q, 0, batchSize, 1, 8, 128, 1024, 1_000_000);
    for (int i = 0; i < n; i++) {
      decoders[i] = new MessageDecoder(KeyDirectory.of(replicaKeys, clientKeys), WireLimits.defaults(),
          new VerifiedSignatures(1 << 16), dev.bft.core.message.codec.ClusterBounds.of(base));
      replicas[i] = new Replica(base.withReplicaId(i), new KeyValueService(), new Sink(i));
    }
    nextRequestFrame = new byte[clients][];
    nextRequest = new Request[clients];
    requestNumber = new long[clients];
    for (int c = 0; c < clients; c++) {
      prepareNext(c);
    }
  }

  /**
   * A 64-byte key-value put (8-byte key, 47-byte value), signed ahead of time as a client would.
   * Each client overwrites its own key, so the state stays the same size however long JMH runs.
   */
  private void prepareNext(int c) {
    byte[] key = java.nio.ByteBuffer.allocate(8).putLong(c).array();
    byte[] value = new byte[47];
    random.nextBytes(value);
    Request r = Request.unsigned(FIRST_CLIENT + c, ++requestNumber[c], false, new KvOperation.Put(key, value).encode());
    nextRequest[c] = r;
    nextRequestFrame[c] = signed ? clientEncoders[c].encode(r) : null;
  }

  /** Submits one request from each of {@code count} clients to the primary and runs until all executed everywhere. */
  public void runRound(int count) {
    long target = executedRequests + (long) count * n;
    for (int c = 0; c < count; c++) {
      queue.add(new Delivery(0, -1, signed ? nextRequestFrame[c] : nextRequest[c]));
    }
    // Run until every request executed everywhere and nothing is left in flight (checkpoint votes
    // included: dropping them would stall the window).
    while (executedRequests < target || !queue.isEmpty()) {
      if (verifyPool != null && queue.size() > 1) {
        deliverAllVerifiedInParallel();
        continue;
      }
      if (signed && isClientFrame(queue.peek())) {
        deliverClientRequestsTogether();
        continue;
      }
      Delivery d = queue.poll();
      if (d == null) {
        for (int i = 0; i < n; i++) {
          if (batchTimerArmed[i]) {
            batchTimerArmed[i] = false;
            replicas[i].onTimer(TimerId.BATCH);
          }
        }
        if (queue.isEmpty()) {
          throw new IllegalStateException("stalled at " + executedRequests + " of " + target);
        }
        continue;
      }
      deliver(d);
    }
    for (int c = 0; c < count; c++) {
      prepareNext(c);
    }
  }

  /** The verification stage: everything queued now is decoded on the pool, then delivered in order. */
  private void deliverAllVerifiedInParallel() {
    java.util.List<Delivery> batch = new java.util.ArrayList<>(queue);
    queue.clear();
    Message[] decoded = new Message[batch.size()];
    verifyPool.submit(() -> java.util.stream.IntStream.range(0, batch.size()).parallel().forEach(i -> {
      Delivery d = batch.get(i);
      decoded[i] = d.payload() instanceof byte[] frame
          ? decoders[d.to()].decode(frame, d.from() >= 0 ? d.from() : -1).message() : (Message) d.payload();
    })).join();
    for (int i = 0; i < batch.size(); i++) {
      dispatch(batch.get(i).to(), decoded[i]);
    }
  }

  private static boolean isClientFrame(Delivery d) {
    return d != null && d.from() < 0 && d.payload() instanceof byte[];
  }

  /**
   * The client requests queued for one replica are verified together, as the runtime's
   * verification stage does with the request frames waiting for it.
   */
  private void deliverClientRequestsTogether() {
    int to = queue.peek().to();
    java.util.List<byte[]> frames = new java.util.ArrayList<>();
    while (isClientFrame(queue.peek()) && queue.peek().to() == to) {
      frames.add((byte[]) queue.poll().payload());
    }
    int[] senders = new int[frames.size()];
    java.util.Arrays.fill(senders, -1);
    for (var r : decoders[to].decodeAll(frames, senders, m -> true)) {
      dispatch(to, r.message());
    }
  }

  private void dispatch(int to, Message m) {
    if (m instanceof Request r) {
      replicas[to].onRequest(r, 0);
    } else {
      replicas[to].onMessage((ReplicaMessage) m, 0);
    }
  }

  private void deliver(Delivery d) {
    Message m;
    if (d.payload() instanceof byte[] frame) {
      m = decoders[d.to()].decode(frame, d.from() >= 0 ? d.from() : -1).message();
    } else {
      m = (Message) d.payload();
    }
    if (m instanceof Request r) {
      replicas[d.to()].onRequest(r, 0);
    } else {
      replicas[d.to()].onMessage((ReplicaMessage) m, 0);
    }
  }

  public int clients() {
    return clients;
  }

  /** The effects of one replica: messages go to the FIFO (encoded and signed once per send when signed). */
  private final class Sink implements Effects {
    private final int id;

    Sink(int id) {
      this.id = id;
    }

    private Object payload(ReplicaMessage m) {
      return signed ? encoders[id].encode(m) : m;
    }

    @Override
    public void send(int replica, ReplicaMessage message) {
      queue.add(new Delivery(replica, id, payload(message)));
    }

    @Override
    public void broadcast(ReplicaMessage message) {
      Object p = payload(message);
      for (int to = 0; to < n; to++) {
        if (to != id) {
          queue.add(new Delivery(to, id, p));
        }
      }
    }

    /** Replies of the batch executing now: signed together when it has executed, as the replica runtime does. */
    private final java.util.List<Reply> replies = new java.util.ArrayList<>();

    @Override
    public void reply(Reply reply) {
      if (signed) {
        replies.add(reply); // the client is not simulated
      }
    }

    @Override
    public void forward(int replica, Request request) {}

    @Override
    public void persist(LogRecord record) {}

    @Override
    public void setTimer(TimerId timer, long ticks) {
      if (timer == TimerId.BATCH) {
        batchTimerArmed[id] = true;
      }
    }

    @Override
    public void cancelTimer(TimerId timer) {
      if (timer == TimerId.BATCH) {
        batchTimerArmed[id] = false;
      }
    }

    @Override
    public void executed(long sequence, Batch batch) {
      executedRequests += batch.size();
      if (!replies.isEmpty()) {
        encoders[id].encodeReplies(replies);
        replies.clear();
      }
    }

    @Override
    public void checkpointTaken(long sequence, Digest digest, ClientTable clients) {}

    @Override
    public void fetchState(long sequence, Digest digest) {}
  }
}
