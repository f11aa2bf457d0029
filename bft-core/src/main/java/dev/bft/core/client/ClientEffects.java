package dev.bft.core.client;

import dev.bft.core.message.Request;

/** What a client core asks its shell to do. Requests are unsigned here; the shell signs them. */
public interface ClientEffects {
  void send(int replica, Request request);

  void sendToAll(Request request);

  /** Arms (or re-arms) the retransmission timer. */
  void setTimer(long ticks);

  void cancelTimer();

  /** The request numbered {@code requestNumber} completed with {@code result}. */
  void completed(long requestNumber, byte[] result);

  /**
   * f + 1 replicas refused request {@code requestNumber} as stale: request {@code laterExecuted} of
   * this identity executed instead, sent by another process using it or by an earlier run of this one.
   */
  void refused(long requestNumber, long laterExecuted);
}
