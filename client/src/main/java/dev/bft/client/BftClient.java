package dev.bft.client;

import dev.bft.core.client.ClientCore;
import dev.bft.core.client.ClientEffects;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.Quorum;
import dev.bft.core.runtime.Frames;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client identity connected to every replica of a cluster. Operations are signed with the
 * client's key and queued: PBFT gives each identity one request in flight, so they run one after
 * another (use several identities for parallelism). A result is accepted on f + 1 matching replies
 * from distinct replicas; on timeout the request goes to every replica, which is how a primary
 * that drops it gets replaced. Thread-safe. The returned futures complete on one of the I/O threads
 * the client runs on: a callback that blocks must go to an executor of its own ({@code thenApplyAsync(f, executor)}).
 */
public final class BftClient implements AutoCloseable {
  private final int clientId;
  private final MessageEncoder encoder;
  private final MessageDecoder decoder;
  private final ClientCore core;
  /** The client's serial executor: one of the shared I/O threads, so a reply read there is handled without a thread hand-off. */
  private final EventExecutor thread;
  private final ScheduledExecutorService scheduler;
  private final ClientResources resources;
  private final boolean ownsResources;
  private final ClusterConfig config;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private Pending current;
  private ScheduledFuture<?> timer;
  private volatile boolean closed;

  private record Pending(byte[] operation, boolean readOnly, CompletableFuture<byte[]> result) {}

  public BftClient(ClusterConfig config, int clientId, Ed25519KeyPair key, long retransmitMillis) {
    this(config, clientId, key, retransmitMillis, new ClientResources(config, 1), true);
  }

  /**
   * A client on resources shared with other clients of this process (see {@link ClientResources});
   * closing the client leaves them open.
   */
  public BftClient(ClusterConfig config, int clientId, Ed25519KeyPair key, long retransmitMillis, ClientResources shared) {
    this(config, clientId, key, retransmitMillis, shared, false);
  }

  private BftClient(ClusterConfig config, int clientId, Ed25519KeyPair key, long retransmitMillis,
                    ClientResources resources, boolean ownsResources) {
    Ed25519PublicKey registered = config.clients().get(clientId);
    if (registered == null || !registered.equals(key.publicKey())) {
      if (ownsResources) {
        resources.close();
      }
      throw new IllegalArgumentException("client " + clientId + " is not in the cluster file with this key");
    }
    this.config = config;
    this.clientId = clientId;
    this.encoder = new MessageEncoder(clientId, key);
    this.resources = resources;
    this.ownsResources = ownsResources;
    this.decoder = resources.replies;
    this.thread = resources.io.next();
    this.scheduler = resources.timers;
    this.core = new ClientCore(clientId, new Quorum(config.n(), config.f()), retransmitMillis,
        System.currentTimeMillis() * 1000, new Effects());
    resources.links.register(clientId, key, encoder, this::onReplyFrame);
  }

  public CompletableFuture<byte[]> invoke(byte[] operation) {
    return submit(operation, false);
  }

  /** Executed without ordering; needs 2f + 1 matching replies, else it is re-issued as an ordered request. */
  public CompletableFuture<byte[]> invokeReadOnly(byte[] operation) {
    return submit(operation, true);
  }

  public CompletableFuture<KvResult> put(byte[] key, byte[] value) {
    return invoke(new KvOperation.Put(key, value).encode()).thenApply(KvResult::decode);
  }

  public CompletableFuture<KvResult> get(byte[] key) {
    return invoke(new KvOperation.Get(key).encode()).thenApply(KvResult::decode);
  }

  public CompletableFuture<KvResult> delete(byte[] key) {
    return invoke(new KvOperation.Delete(key).encode()).thenApply(KvResult::decode);
  }

  public CompletableFuture<KvResult> compareAndSet(byte[] key, byte[] expected, byte[] newValue) {
    return invoke(new KvOperation.Cas(key, expected, newValue).encode()).thenApply(KvResult::decode);
  }

  private CompletableFuture<byte[]> submit(byte[] operation, boolean readOnly) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    thread.execute(() -> {
      queue.add(new Pending(operation.clone(), readOnly, f));
      next();
    });
    return f;
  }

  private void next() {
    if (current == null && !queue.isEmpty()) {
      current = queue.poll();
      core.invoke(current.operation(), current.readOnly());
    }
  }

  /** A reply frame from {@code replica}, on whatever I/O thread read it: checked on the client's own. */
  private void onReplyFrame(int replica, byte[] frame) {
    if (thread.inEventLoop()) {
      checkReply(replica, frame);
    } else {
      thread.execute(() -> checkReply(replica, frame));
    }
  }

  private void checkReply(int replica, byte[] frame) {
    // Here the core can say whether the reply is still needed (else no signature is checked).
    DecodeResult r = decoder.decodeReply(frame, replica, core::wants);
    if (r instanceof DecodeResult.Accepted a) {
      core.onReply((Reply) a.message());
    }
  }

  /** The view this client believes the cluster is in (the one f + 1 replicas vouched for). */
  public long view() {
    return java.util.concurrent.CompletableFuture.supplyAsync(core::view, thread).join();
  }

  /** Requests this client has sent again to every replica after a timeout. */
  public int retransmissions() {
    return java.util.concurrent.CompletableFuture.supplyAsync(core::retransmissions, thread).join();
  }

  /** Connected replicas right now (for waiting until a cluster is up). */
  public int connectedReplicas() {
    int n = 0;
    for (int r = 0; r < config.n(); r++) {
      if (resources.links.channel(r, clientId) != null) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    resources.links.unregister(clientId);
    thread.execute(() -> {
      if (timer != null) {
        timer.cancel(false);
      }
    });
    if (ownsResources) {
      resources.close();
    }
  }

  /** The client core's effects, on the client thread. */
  private final class Effects implements ClientEffects {
    @Override
    public void send(int replica, Request request) {
      Channel c = resources.links.channel(replica, clientId);
      if (c != null) {
        Frames.write(c, encoder.encode(request));
      }
    }

    @Override
    public void sendToAll(Request request) {
      byte[] frame = encoder.encode(request);
      for (int r = 0; r < config.n(); r++) {
        Channel c = resources.links.channel(r, clientId);
        if (c != null) {
          Frames.write(c, frame);
        }
      }
    }

    @Override
    public void setTimer(long ticks) {
      cancelTimer();
      timer = scheduler.schedule(() -> thread.execute(core::onTimer), ticks, TimeUnit.MILLISECONDS);
    }

    @Override
    public void cancelTimer() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    @Override
    public void completed(long requestNumber, byte[] result) {
      Pending done = current;
      current = null;
      done.result().complete(result);
      next();
    }
  }
}
