package dev.bft.core.sim;

/**
 * A Byzantine behaviour that also hears the client requests its replica receives (a primary that
 * orders requests where it should not needs some to order). The simulator hands each one over
 * before the replica's shell decides whether to admit it.
 */
public interface RequestTap {
  void heard(dev.bft.core.message.Request request);
}
