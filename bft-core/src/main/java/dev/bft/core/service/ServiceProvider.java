package dev.bft.core.service;

/**
 * A service that {@code bin/bft replica --service NAME} and {@code bin/bft cluster --service NAME}
 * can start by its short name. Registered with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/dev.bft.core.service.ServiceProvider}.
 */
public interface ServiceProvider {
  /** The name users type, e.g. {@code kv}. */
  String name();

  /** One line on what the service is, for --help and error messages. */
  String description();

  /** A fresh service in its initial state: every replica of a cluster must get an equal one. */
  ReplicatedService create();

  /**
   * A fresh service for a replica whose context is {@code context}: a service that stores its own
   * state opens it there. The default ignores the context.
   */
  default ReplicatedService create(ServiceContext context) {
    return create();
  }
}
