package dev.bft.core.runtime;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * The transport over the replica's Netty links: frames are written without a flush and each link
 * written to is flushed once per {@link #flush()}. A link whose outbound buffer is over its limit
 * loses the frame (counted): a slow or stuck peer then misses messages, which PBFT retransmits,
 * instead of exhausting this replica's memory.
 */
final class LinkTransport implements Transport {
  private final IntFunction<Channel> replicas;
  private final IntFunction<Channel> clients;
  private final Runnable outboundFull;
  /** The writer thread's, and a Byzantine behaviour's delayed sends from the timer thread: both flush. */
  private final Set<Channel> unflushed = ConcurrentHashMap.newKeySet();

  LinkTransport(IntFunction<Channel> replicas, IntFunction<Channel> clients, Runnable outboundFull) {
    this.replicas = replicas;
    this.clients = clients;
    this.outboundFull = outboundFull;
  }

  @Override
  public void toReplica(int replica, byte[] frame) {
    write(replicas.apply(replica), frame);
  }

  @Override
  public void toClient(int client, byte[] frame) {
    write(clients.apply(client), frame);
  }

  private void write(Channel c, byte[] frame) {
    if (c == null || !c.isActive()) {
      return;
    }
    if (!c.isWritable()) {
      outboundFull.run();
      return;
    }
    c.write(Unpooled.wrappedBuffer(frame));
    unflushed.add(c);
  }

  @Override
  public void flush() {
    for (Iterator<Channel> i = unflushed.iterator(); i.hasNext(); ) {
      Channel c = i.next();
      i.remove();
      c.flush();
    }
  }
}
