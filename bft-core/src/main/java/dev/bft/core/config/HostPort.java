package dev.bft.core.config;

import java.util.ArrayList;
import java.util.List;

/** A host name or address and a port, as written {@code host:port} ({@code [v6addr]:port} for IPv6). */
public record HostPort(String host, int port) {
  public HostPort {
    if (host.isBlank()) {
      throw new IllegalArgumentException("an address needs a host");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(host + ":" + port + ": port out of range 1..65535");
    }
  }

  public static HostPort parse(String text) {
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not host:port");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, [addr]:port");
    }
    try {
      return new HostPort(host, Integer.parseInt(t.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': port '" + t.substring(colon + 1) + "' is not a number");
    }
  }

  /** Parses {@code h0:p0,h1:p1,...}. */
  public static List<HostPort> parseList(String text) {
    List<HostPort> all = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      all.add(parse(part));
    }
    return all;
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
