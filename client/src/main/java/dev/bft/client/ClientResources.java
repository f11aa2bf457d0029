package dev.bft.client;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.message.codec.MessageDecoder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the {@link BftClient}s of one process can share: one connection per replica, the I/O
 * threads, the timer thread, and the decoder of replies, which remembers verified reply roots. A
 * replica signs a whole batch of replies at once, so clients sharing a decoder check each such
 * signature once for all of them; clients sharing a connection get a batch's replies in one read;
 * and a few I/O threads serve many clients better than a thread each. Close it after the clients.
 *
 * <p>Connections and the decoder belong to an epoch's configuration: clients that move to the
 * next epoch share that epoch's, and an older epoch's connections close once none of its clients
 * is left.
 */
public final class ClientResources implements AutoCloseable {
  final EventLoopGroup io;
  final ScheduledExecutorService timers;
  private final TreeMap<Long, Epoch> epochs = new TreeMap<>();
  private boolean closed;

  /** One epoch's replicas as the clients of this process see them. */
  static final class Epoch {
    final ClusterConfig config;
    final MessageDecoder replies;
    final ReplicaLinks links;
    private int clients;

    private Epoch(ClusterConfig config, ClientResources resources) {
      this.config = config;
      this.replies = MessageDecoder.of(config);
      this.links = new ReplicaLinks(config, resources.io, resources.timers, replies);
    }
  }

  /** Resources sized for this machine: one I/O thread per core. */
  public ClientResources(ClusterConfig config) {
    this(config, Runtime.getRuntime().availableProcessors());
  }

  public ClientResources(ClusterConfig config, int ioThreads) {
    this.io = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
    java.util.concurrent.ScheduledThreadPoolExecutor timerThread = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "bft-client-timers");
      t.setDaemon(true);
      return t;
    });
    timerThread.setRemoveOnCancelPolicy(true); // every operation's deadline is cancelled when it completes
    this.timers = timerThread;
    epochs.put(config.epoch(), new Epoch(config, this));
  }

  /** The epoch of {@code config} for one more client; an epoch already here must have the same replicas. */
  synchronized Epoch join(ClusterConfig config) {
    if (closed) {
      throw new IllegalStateException("these client resources are closed");
    }
    Epoch e = epochs.computeIfAbsent(config.epoch(), k -> new Epoch(config, this));
    if (!e.config.replicas().equals(config.replicas())) {
      throw new IllegalArgumentException("these client resources already serve other replicas as epoch " + config.epoch());
    }
    e.clients++;
    return e;
  }

  /** A client left {@code e}: the connections of an epoch behind the newest close with its last client. */
  synchronized void leave(Epoch e) {
    e.clients--;
    if (e.clients == 0 && e.config.epoch() < epochs.lastKey()) {
      epochs.remove(e.config.epoch());
      e.links.close();
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      epochs.values().forEach(e -> e.links.close());
    }
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    timers.shutdownNow();
  }
}
