package dev.bft.client.cli;

import java.util.HashMap;
import java.util.Map;

/** Replicas' metrics pages a test sets by hand; a replica without a page is down (its read throws). */
final class FakeMetricsPages implements JitSettled.MetricsReader {
  final Map<Integer, String> pages = new HashMap<>();

  @Override
  public String read(dev.bft.core.config.ReplicaEndpoint replica) throws java.io.IOException {
    String page = pages.get(replica.id());
    if (page == null) {
      throw new java.io.IOException("replica " + replica.id() + " is down");
    }
    return page;
  }
}
