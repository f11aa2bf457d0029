package dev.bft.client;

import dev.bft.core.client.ClientCore;
import dev.bft.core.client.ClientEffects;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.Quorum;
import dev.bft.core.runtime.Frames;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client identity connected to every replica of a cluster. Operations are signed with the
 * client's key and queued: PBFT gives each identity one request in flight, so they run one after
 * another (use several identities for parallelism). A result is accepted on f + 1 matching replies
 * from distinct replicas (a large result comes in full from one of them and by digest from the
 * others, see {@link ClientCore}); on timeout the request goes to every replica, which is how a
 * primary that drops it gets replaced and how a large result the designated replica withheld comes. Thread-safe. The returned futures complete on one of the I/O threads
 * the client runs on: a callback that blocks must go to an executor of its own ({@code thenApplyAsync(f, executor)}).
 *
 * <p>Every operation has a deadline ({@link #DEFAULT_DEADLINE} unless set with {@link
 * #defaultDeadline(Duration)} or per call): when it passes, the operation completes exceptionally with
 * a {@link BftClientException} saying whether it may have taken effect. So does an operation whose
 * request f + 1 replicas refuse as stale (another process using this identity), and every operation
 * still waiting when the client is closed. An operation never waits forever.
 */
public final class BftClient implements AutoCloseable {
  private final int clientId;
  private final Ed25519KeyPair key;
  private final long retransmitMillis;
  /** The client's serial executor: one of the shared I/O threads, so a reply read there is handled without a thread hand-off. */
  private final EventExecutor thread;
  private final ScheduledExecutorService scheduler;
  private final ClientResources resources;
  private final boolean ownsResources;
  /** The epoch this client runs in; replaced, on the client's thread, when it moves to the next. */
  private volatile InEpoch at;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private Pending current;
  private ScheduledFuture<?> timer;
  private volatile boolean closed;
  /** Why this client cannot go on: the next epoch left it out or gave its identity another key. */
  private volatile String leftOut;
  private volatile Duration defaultDeadline = DEFAULT_DEADLINE;

  /** Long enough for a view change and a state transfer under load; short enough that nothing hangs. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);

  private static final class Pending {
    final byte[] operation;
    final boolean readOnly;
    boolean fact;
    final CompletableFuture<byte[]> result;
    final Duration deadline;
    ScheduledFuture<?> expiry;
    long requestNumber;

    Pending(byte[] operation, boolean readOnly, CompletableFuture<byte[]> result, Duration deadline) {
      this.operation = operation;
      this.readOnly = readOnly;
      this.result = result;
      this.deadline = deadline;
    }
  }

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
    if (!isMember(config, clientId, key)) {
      if (ownsResources) {
        resources.close();
      }
      throw new IllegalArgumentException("client " + clientId + " is not in the cluster file with this key");
    }
    this.clientId = clientId;
    this.key = key;
    this.retransmitMillis = retransmitMillis;
    this.resources = resources;
    this.ownsResources = ownsResources;
    this.thread = resources.io.next();
    this.scheduler = resources.timers;
    this.at = new InEpoch(config, System.currentTimeMillis() * 1000);
  }

  private static boolean isMember(ClusterConfig config, int clientId, Ed25519KeyPair key) {
    Ed25519PublicKey registered = config.requesters().get(clientId);
    return registered != null && registered.equals(key.publicKey());
  }

  /**
   * What this client holds of one epoch: its replicas' connections (shared with the process's
   * other clients of that epoch), an encoder stamping the epoch, and the request core for its quorum.
   */
  private final class InEpoch {
    final ClusterConfig config;
    final ClientResources.Epoch shared;
    final MessageEncoder encoder;
    final ClientCore core;
    /** When each replica's EPOCH-NOTICE was last checked: at most one a second per replica. */
    final long[] noticeCheckedAt;

    InEpoch(ClusterConfig config, long firstRequestNumber) {
      this.config = config;
      this.shared = resources.join(config);
      this.encoder = new MessageEncoder(clientId, key, dev.bft.core.message.codec.WireLimits.defaults(), config.epoch());
      this.core = new ClientCore(clientId, new Quorum(config.n(), config.f()), retransmitMillis, firstRequestNumber,
          new Effects(this));
      this.noticeCheckedAt = new long[config.n()];
      shared.links.register(clientId, key, encoder, (replica, frame) -> onReplyFrame(this, replica, frame));
    }

    void leave() {
      shared.links.unregister(clientId);
      resources.leave(shared);
    }
  }

  /** The deadline of the operations invoked from now on without one of their own. */
  public BftClient defaultDeadline(Duration deadline) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("a deadline must be positive, got " + deadline);
    }
    this.defaultDeadline = deadline;
    return this;
  }

  public CompletableFuture<byte[]> invoke(byte[] operation) {
    return invoke(operation, defaultDeadline);
  }

  /** Orders and executes {@code operation}; completes with a {@link BftClientException} if {@code deadline} passes first. */
  public CompletableFuture<byte[]> invoke(byte[] operation, Duration deadline) {
    return submit(operation, false, deadline);
  }

  /**
   * Executed without ordering; needs 2f + 1 matching replies, else it is re-issued as an ordered
   * request. A large result whose designated replier does not send it is asked for again after an
   * eighth of the retransmission timeout (docs/protocol.md, Clients).
   */
  public CompletableFuture<byte[]> invokeReadOnly(byte[] operation) {
    return invokeReadOnly(operation, defaultDeadline);
  }

  public CompletableFuture<byte[]> invokeReadOnly(byte[] operation, Duration deadline) {
    return submit(operation, true, deadline);
  }

  /**
   * Asks for an answer that never changes once given, such as where an epoch started (CHECK-EPOCH):
   * f + 1 matching replies suffice, and it is never ordered, so it is answered while the epoch's
   * other replicas are still to be started.
   */
  public CompletableFuture<byte[]> ask(byte[] operation, Duration deadline) {
    return submit(operation, true, true, deadline);
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

  private CompletableFuture<byte[]> submit(byte[] operation, boolean readOnly, Duration deadline) {
    return submit(operation, readOnly, false, deadline);
  }

  private CompletableFuture<byte[]> submit(byte[] operation, boolean readOnly, boolean fact, Duration deadline) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("a deadline must be positive, got " + deadline);
    }
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    Pending p = new Pending(operation.clone(), readOnly, f, deadline);
    p.fact = fact;
    try {
      thread.execute(() -> {
        if (closed) {
          f.completeExceptionally(notExecuted("client " + clientId + " is closed"));
          return;
        }
        if (leftOut != null) {
          f.completeExceptionally(notExecuted(leftOut));
          return;
        }
        queue.add(p);
        p.expiry = scheduler.schedule(() -> thread.execute(() -> expire(p)), deadline.toNanos(), TimeUnit.NANOSECONDS);
        next();
      });
    } catch (RejectedExecutionException resourcesClosed) {
      f.completeExceptionally(notExecuted("client " + clientId + "'s resources are closed"));
    }
    return f;
  }

  private static BftClientException notExecuted(String why) {
    return new BftClientException(BftClientException.Outcome.NOT_EXECUTED, why);
  }

  private void next() {
    if (current == null && !queue.isEmpty()) {
      current = queue.poll();
      ClientCore core = at.core;
      current.requestNumber = current.fact ? core.invokeFact(current.operation)
          : core.invoke(current.operation, current.readOnly);
    }
  }

  /** {@code p}'s deadline passed: it leaves the queue unsent, or its request is abandoned unanswered. */
  private void expire(Pending p) {
    if (p.result.isDone()) {
      return;
    }
    if (p == current) {
      String heard = at.core.progress();
      at.core.abandon();
      current = null;
      p.result.completeExceptionally(new BftClientException(BftClientException.Outcome.UNKNOWN,
          "client " + clientId + ": request " + p.requestNumber + " got no quorum within " + describe(p.deadline)
              + " (" + heard + "; " + reachability() + "); it may or may not have executed"));
      next();
    } else if (queue.remove(p)) {
      p.result.completeExceptionally(new BftClientException(BftClientException.Outcome.NOT_EXECUTED,
          "client " + clientId + ": not sent within " + describe(p.deadline) + ", queued behind an earlier operation; "
              + reachability()));
    }
  }

  /** Which replicas this client is connected to, naming the addresses of those it is not. */
  private String reachability() {
    InEpoch in = at;
    ClusterConfig config = in.config;
    java.util.List<String> unreachable = new java.util.ArrayList<>();
    for (int r = 0; r < config.n(); r++) {
      if (in.shared.links.channel(r, clientId) == null) {
        unreachable.add(r + " at " + config.replicas().get(r).address());
      }
    }
    if (unreachable.size() == config.n()) {
      return "no replica reachable; tried " + String.join(", ", unreachable);
    }
    return "connected to " + (config.n() - unreachable.size()) + " of " + config.n() + " replicas"
        + (unreachable.isEmpty() ? "" : "; not to " + String.join(", ", unreachable));
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** A reply frame from {@code replica} of epoch {@code in}, on whatever I/O thread read it: checked on the client's own. */
  private void onReplyFrame(InEpoch in, int replica, byte[] frame) {
    if (thread.inEventLoop()) {
      checkReply(in, replica, frame);
    } else {
      thread.execute(() -> checkReply(in, replica, frame));
    }
  }

  private void checkReply(InEpoch in, int replica, byte[] frame) {
    if (in != at) {
      return; // from an epoch this client has left
    }
    if (dev.bft.core.message.codec.EpochNotice.is(frame)) {
      onEpochNotice(in, replica, frame);
      return;
    }
    // Here the core can say whether the reply is still needed (else no signature is checked).
    DecodeResult r = in.shared.replies.decodeReply(frame, replica, in.core::wants);
    if (r instanceof DecodeResult.Accepted a) {
      in.core.onReply((Reply) a.message());
    }
  }

  /**
   * A replica says the cluster moved to the next epoch (EPOCH-NOTICE). Once checked against this
   * client's configuration (2f + 1 of its replicas signed the start, bound to the configuration the
   * notice carries), nothing this client sends in its epoch will execute any more, so it moves. A
   * replica's notice is checked at most once a second, so a liar sending them costs at most that.
   */
  private void onEpochNotice(InEpoch in, int replica, byte[] frame) {
    long now = System.nanoTime();
    if (replica < 0 || replica >= in.config.n()
        || in.noticeCheckedAt[replica] != 0 && now - in.noticeCheckedAt[replica] < TimeUnit.SECONDS.toNanos(1)) {
      return;
    }
    in.noticeCheckedAt[replica] = now;
    ClusterConfig next;
    try {
      next = dev.bft.core.message.codec.EpochNotice.decode(frame).verify(in.config);
    } catch (IllegalArgumentException e) {
      return; // proves nothing to this client: a liar's, or of an epoch further on (take the cluster file)
    }
    if (isMember(next, clientId, key)) {
      moveTo(next);
    } else {
      endAll(in, next, replica);
    }
  }

  /**
   * Goes on in {@code next}: the request outstanding goes again under its number to every replica
   * of the new epoch (exactly once, see {@link ClientCore#resume}); what is queued follows it.
   */
  private void moveTo(ClusterConfig next) {
    InEpoch old = at;
    Request outstanding = old.core.outstanding();
    long following = old.core.nextRequestNumber();
    old.core.abandon();
    InEpoch in = new InEpoch(next, following);
    at = in;
    old.leave();
    if (current != null) {
      current.requestNumber = current.fact || outstanding == null ? next(in, current)
          : in.core.resume(outstanding.requestNumber(), outstanding.operation(), outstanding.readOnly());
    }
  }

  private static long next(InEpoch in, Pending p) {
    return p.fact ? in.core.invokeFact(p.operation) : in.core.invoke(p.operation, p.readOnly);
  }

  /** The next epoch left this identity out, or gave it another key: what is outstanding may have executed before the end. */
  private void endAll(InEpoch in, ClusterConfig next, int teller) {
    leftOut = "client " + clientId + ": the cluster moved to epoch " + next.epoch() + " (replica " + teller
        + " told it, proven by the replicas of epoch " + in.config.epoch() + "), which "
        + (next.requesters().containsKey(clientId) ? "gave client " + clientId + " another key" : "removed client " + clientId);
    if (current != null) {
      in.core.abandon();
      finish(current).completeExceptionally(new BftClientException(BftClientException.Outcome.UNKNOWN,
          leftOut + "; request " + current.requestNumber + " may or may not have executed before the epoch ended"));
      current = null;
    }
    for (Pending p; (p = queue.poll()) != null; ) {
      finish(p).completeExceptionally(notExecuted(leftOut));
    }
  }

  /**
   * The configuration this client runs in: the one it was made with, or the epoch it moved to when
   * a replica proved the cluster moved (write it down, as {@code bft reconfigure} writes the cluster
   * file, so the next start begins there).
   */
  public ClusterConfig configuration() {
    return at.config;
  }

  /** The view this client believes the cluster is in (the one f + 1 replicas vouched for). */
  public long view() {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> at.core.view(), thread).join();
  }

  /** Requests this client has sent again to every replica after a timeout. */
  public int retransmissions() {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> at.core.retransmissions(), thread).join();
  }

  /** Read-only requests re-issued as ordered ones because 2f + 1 matching replies did not come in time. */
  public long readOnlyFallbacks() {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> at.core.readOnlyFallbacks(), thread).join();
  }

  /** Reads asked again for a result 2f + 1 replicas agreed on but their designated replier did not send. */
  public long readOnlyReasks() {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> at.core.readOnlyReasks(), thread).join();
  }

  /** Connected replicas right now (for waiting until a cluster is up). */
  public int connectedReplicas() {
    InEpoch in = at;
    int n = 0;
    for (int r = 0; r < in.config.n(); r++) {
      if (in.shared.links.channel(r, clientId) != null) {
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
    CompletableFuture<Void> drained = new CompletableFuture<>();
    thread.execute(() -> {
      at.leave();
      if (timer != null) {
        timer.cancel(false);
      }
      if (current != null) {
        finish(current).completeExceptionally(new BftClientException(BftClientException.Outcome.UNKNOWN,
            "client " + clientId + " closed while request " + current.requestNumber + " was outstanding"));
        current = null;
      }
      for (Pending p; (p = queue.poll()) != null; ) {
        finish(p).completeExceptionally(new BftClientException(BftClientException.Outcome.NOT_EXECUTED,
            "client " + clientId + " closed before the operation was sent"));
      }
      drained.complete(null);
    });
    try {
      drained.get(5, TimeUnit.SECONDS);
    } catch (Exception notDrained) {
      // the client's thread is gone (its resources closed first): nothing is left to complete there
    }
    if (ownsResources) {
      resources.close();
    }
  }

  /** The client core's effects in one epoch, on the client thread. */
  private final class Effects implements ClientEffects {
    private final InEpoch in;

    Effects(InEpoch in) {
      this.in = in;
    }

    @Override
    public void send(int replica, Request request) {
      Channel c = in.shared.links.channel(replica, clientId);
      if (c != null) {
        Frames.write(c, in.encoder.encode(request));
      }
    }

    @Override
    public void sendToAll(Request request) {
      byte[] frame = in.encoder.encode(request);
      for (int r = 0; r < in.config.n(); r++) {
        Channel c = in.shared.links.channel(r, clientId);
        if (c != null) {
          Frames.write(c, frame);
        }
      }
    }

    @Override
    public void setTimer(long ticks) {
      cancelTimer();
      try {
        timer = scheduler.schedule(() -> thread.execute(in.core::onTimer), ticks, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException resourcesClosed) {
        // shared resources closed under a client still running: its operations end with the client, nothing to retransmit for
      }
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
      finish(done).complete(result);
      next();
    }

    @Override
    public void refused(long requestNumber, long laterExecuted) {
      Pending done = current;
      current = null;
      finish(done).completeExceptionally(new BftClientException(BftClientException.Outcome.UNKNOWN,
          "client " + clientId + ": request " + requestNumber + " refused as stale: the replicas executed request "
              + laterExecuted + " of this identity after it. Another process is using client identity " + clientId
              + " (or this one restarted with its clock behind); the request may have executed before that one"));
      next();
    }
  }

  /** {@code p}'s future, its deadline timer cancelled (so finished operations do not pile up in the timer queue). */
  private static CompletableFuture<byte[]> finish(Pending p) {
    if (p.expiry != null) {
      p.expiry.cancel(false);
    }
    return p.result;
  }
}
