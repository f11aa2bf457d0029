package dev.bft.client.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Separate network hosts on one Linux machine: each host is a network namespace of its own, with
 * one interface ({@code eth0}) and one address, cabled by a veth pair to a bridge that lives in a
 * switch namespace of its own. Nothing is added to the machine's own network namespace, so the
 * private subnet cannot clash with the machine's networks, and a host is cut off by taking its
 * cable down at the switch. Needs root and iproute2's {@code ip}.
 *
 * <p>Namespaces are named {@code bft<pid>-...} after the process that made them, so that a run that
 * was killed before it could tidy up is recognised and removed by the next one.
 */
public final class NetworkHosts implements AutoCloseable {
  /** The subnet every run uses; it exists only inside the run's namespaces. */
  public static final String SUBNET = "10.77.0.";
  private static final Pattern OURS = Pattern.compile("^(bft(\\d+)-\\S+)");
  private static final String BRIDGE = "br0";

  private final String prefix;
  private final int hosts;
  private final List<String> made = new ArrayList<>();
  private final Thread tidyOnExit = new Thread(this::tidy, "remove-namespaces");
  private boolean closed;

  private NetworkHosts(String prefix, int hosts) {
    this.prefix = prefix;
    this.hosts = hosts;
  }

  /** Why namespaces cannot be made here, in one line, or null when they can. */
  public static String unavailable() {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return "network namespaces need Linux";
    }
    String probe = "bft" + ProcessHandle.current().pid() + "-probe";
    try {
      Result add = run("ip", "netns", "add", probe);
      if (add.code != 0) {
        return "cannot make a network namespace (" + add.output.strip() + "); it needs root and iproute2";
      }
      run("ip", "netns", "delete", probe);
      return null;
    } catch (IOException e) {
      return "cannot run 'ip' from iproute2: " + e.getMessage();
    }
  }

  /**
   * Makes {@code hosts} hosts, host i at {@link #address(int)}, all on one bridge. Removes first what
   * killed runs left behind. On failure removes what it made and throws; on exit of the JVM (Ctrl-C,
   * SIGTERM) removes them, killing what still runs inside.
   */
  public static NetworkHosts create(int hosts) throws IOException {
    if (hosts < 1 || hosts > 200) {
      throw new IllegalArgumentException(hosts + " hosts: between 1 and 200");
    }
    removeLeftovers();
    NetworkHosts net = new NetworkHosts("bft" + ProcessHandle.current().pid() + "-", hosts);
    Runtime.getRuntime().addShutdownHook(net.tidyOnExit);
    try {
      net.build();
      return net;
    } catch (IOException | RuntimeException e) {
      net.close();
      throw e;
    }
  }

  private void build() throws IOException {
    String sw = switchNamespace();
    add(sw);
    must("ip", "-n", sw, "link", "add", BRIDGE, "type", "bridge");
    must("ip", "-n", sw, "link", "set", BRIDGE, "up");
    for (int h = 0; h < hosts; h++) {
      String ns = namespace(h);
      add(ns);
      must("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", cable(h), "netns", sw);
      must("ip", "-n", sw, "link", "set", cable(h), "master", BRIDGE);
      must("ip", "-n", sw, "link", "set", cable(h), "up");
      must("ip", "-n", ns, "addr", "add", address(h) + "/24", "dev", "eth0");
      must("ip", "-n", ns, "link", "set", "eth0", "up");
      must("ip", "-n", ns, "link", "set", "lo", "up");
    }
  }

  private void add(String ns) throws IOException {
    must("ip", "netns", "add", ns);
    made.add(ns);
  }

  public int hosts() {
    return hosts;
  }

  /** The namespace of host {@code h}. */
  public String namespace(int h) {
    return prefix + "h" + h;
  }

  private String switchNamespace() {
    return prefix + "sw";
  }

  /** Host {@code h}'s end of its cable, as the switch names it. */
  private static String cable(int h) {
    return "h" + h;
  }

  /** Host {@code h}'s address. */
  public static String address(int h) {
    return SUBNET + (h + 1);
  }

  /** The words that run a command on host {@code h}: prefix them to the command. */
  public List<String> on(int h) {
    return List.of("ip", "netns", "exec", namespace(h));
  }

  /** Cuts host {@code h} off the network: its cable is down at the switch, so nothing reaches it or leaves it. */
  public void cut(int h) throws IOException {
    must("ip", "-n", switchNamespace(), "link", "set", cable(h), "down");
  }

  /** Plugs host {@code h} back in. */
  public void heal(int h) throws IOException {
    must("ip", "-n", switchNamespace(), "link", "set", cable(h), "up");
  }

  /** Stops whatever still runs on the hosts and removes every namespace, link and bridge of this run. */
  @Override
  public synchronized void close() {
    tidy();
    try {
      Runtime.getRuntime().removeShutdownHook(tidyOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running already
    }
  }

  private synchronized void tidy() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = made.size() - 1; i >= 0; i--) {
      remove(made.get(i));
    }
    made.clear();
  }

  /** Removes the namespaces of runs whose process is gone, and what still runs inside them. */
  public static void removeLeftovers() throws IOException {
    for (String line : run("ip", "netns", "list").output.split("\n")) {
      Matcher m = OURS.matcher(line.strip());
      if (m.find() && ProcessHandle.of(Long.parseLong(m.group(2))).map(ProcessHandle::isAlive).orElse(false) == false) {
        remove(m.group(1));
      }
    }
  }

  /**
   * Deleting a namespace does not stop its processes; a replica left inside would run on,
   * unreachable, holding its LMDB directory. So they get SIGTERM, a few seconds, then SIGKILL.
   */
  private static void remove(String ns) {
    try {
      List<ProcessHandle> inside = new ArrayList<>();
      for (String pid : run("ip", "netns", "pids", ns).output.split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(inside::add);
        }
      }
      inside.forEach(ProcessHandle::destroy);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      for (ProcessHandle p : inside) {
        while (p.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        p.destroyForcibly();
      }
      run("ip", "netns", "delete", ns);
    } catch (IOException | NumberFormatException e) {
      System.err.println("could not remove network namespace " + ns + ": " + e.getMessage() + " (ip netns delete " + ns + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void must(String... command) throws IOException {
    Result r = run(command);
    if (r.code != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + r.output.strip());
    }
  }

  private record Result(int code, String output) {}

  private static Result run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in 30 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + " interrupted");
    }
    return new Result(p.exitValue(), output);
  }
}
