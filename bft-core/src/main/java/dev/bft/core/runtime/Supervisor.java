package dev.bft.core.runtime;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the replica when any of its threads fails. A peer's bad input is dropped and counted where
 * it is read, so a Throwable that reaches a thread's top is a failure of our own (a bug, memory
 * exhausted, storage gone): a replica missing its protocol, writer, verification or I/O thread
 * would stay up and do nothing, which its peers cannot tell from a silent Byzantine one. It stops
 * instead, with one line saying which thread and why; a supervisor restarts it from LMDB.
 */
public final class Supervisor {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  private final String name;
  private final Consumer<Throwable> stop;
  private final AtomicBoolean failed = new AtomicBoolean();

  /** @param stop called once, on a thread of its own, with the first failure */
  public Supervisor(String name, Consumer<Throwable> stop) {
    this.name = name;
    this.stop = stop;
  }

  /** Reports a failure of {@code thread}; the first one stops the replica. */
  public void failed(String thread, Throwable cause) {
    if (!failed.compareAndSet(false, true)) {
      return;
    }
    LOG.error("{}: thread {} failed, stopping: {}", name, thread, cause.toString(), cause);
    Thread t = new Thread(() -> stop.accept(cause), "stop-" + name);
    t.setDaemon(false);
    t.start();
  }

  public boolean hasFailed() {
    return failed.get();
  }

  /** Runs {@code task}, reporting anything it throws as a failure of the current thread. */
  public Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        failed(Thread.currentThread().getName(), t);
      }
    };
  }

  /**
   * A single timer thread named {@code thread} whose tasks' failures stop the replica. A scheduled
   * executor keeps what a task throws in the task's future, where nobody looks: a timer that failed
   * so (a view-change timer, the epoch handover's write to disk) would simply never fire again.
   * Failures after shutdown are not reported: the replica is closing anyway.
   */
  public ScheduledExecutorService timers(String thread) {
    return new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, thread);
      t.setDaemon(true);
      return t;
    }) {
      @Override
      protected void afterExecute(Runnable task, Throwable thrown) {
        super.afterExecute(task, thrown);
        Throwable cause = thrown;
        if (cause == null && task instanceof Future<?> f && f.isDone() && !f.isCancelled()) {
          try {
            f.get();
          } catch (ExecutionException e) {
            cause = e.getCause();
          } catch (InterruptedException | CancellationException e) {
            // done and not cancelled: get() returns at once
          }
        }
        if (cause != null && !isShutdown()) {
          failed(Thread.currentThread().getName(), cause);
        }
      }
    };
  }

  /**
   * The last handler of every link: an exception a peer can cause (a reset, a TLS alert) closes
   * the link; an Error (memory, a bug on an I/O thread) stops the replica.
   */
  public ChannelHandler linkFaults(Consumer<String> refusals) {
    return new LinkFaults(refusals);
  }

  @ChannelHandler.Sharable
  private final class LinkFaults extends ChannelInboundHandlerAdapter {
    private final Consumer<String> refusals;

    LinkFaults(Consumer<String> refusals) {
      this.refusals = refusals;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof Error) {
        failed(Thread.currentThread().getName(), cause);
      } else {
        refusals.accept(ShellRefusal.LINK_ERROR.name());
        ctx.close();
      }
    }
  }
}
