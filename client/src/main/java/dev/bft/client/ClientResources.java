package dev.bft.client;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.message.codec.MessageDecoder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the {@link BftClient}s of one process can share: one connection per replica, the I/O
 * threads, the timer thread, and the decoder of replies, which remembers verified reply roots. A
 * replica signs a whole batch of replies at once, so clients sharing a decoder check each such
 * signature once for all of them; clients sharing a connection get a batch's replies in one read;
 * and a few I/O threads serve many clients better than a thread each. Close it after the clients.
 */
public final class ClientResources implements AutoCloseable {
  final EventLoopGroup io;
  final ScheduledExecutorService timers;
  final MessageDecoder replies;
  final ReplicaLinks links;

  /** Resources sized for this machine: one I/O thread per core. */
  public ClientResources(ClusterConfig config) {
    this(config, Runtime.getRuntime().availableProcessors());
  }

  public ClientResources(ClusterConfig config, int ioThreads) {
    this.replies = MessageDecoder.of(config);
    this.io = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
    java.util.concurrent.ScheduledThreadPoolExecutor timerThread = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "bft-client-timers");
      t.setDaemon(true);
      return t;
    });
    timerThread.setRemoveOnCancelPolicy(true); // every operation's deadline is cancelled when it completes
    this.timers = timerThread;
    this.links = new ReplicaLinks(config, io, timers, replies);
  }

  @Override
  public void close() {
    links.close();
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    timers.shutdownNow();
  }
}
