package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.config.ClusterFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BftMainTest {
  @TempDir
  Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cl = BftMain.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void keygenWritesALoadableCluster() {
    assertThat(run("keygen", "--replicas", "4", "--clients", "2", "--out", dir.toString())).isZero();
    assertThat(out.toString()).contains("4 replicas (f=1)");
    assertThat(ClusterFile.load(dir.resolve("cluster.conf")).clients()).hasSize(2);
    assertThat(dir.resolve("keys/replica-3.key")).exists();
    assertThat(dir.resolve("keys/client-1001.key")).exists();
  }

  @Test
  void anUnknownServiceIsRefusedInOneLineNamingTheKnownOnes() {
    assertThat(run("keygen", "--out", dir.toString())).isZero();
    String cluster = dir.resolve("cluster.conf").toString();
    assertThat(run("replica", "--config", cluster, "--id", "0", "--service", "bank")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft replica: --service bank is neither a known service nor a class on "
        + "the classpath (known services: kv, kv-heap, ledger; or a class name)");
    err.getBuffer().setLength(0);
    assertThat(run("cluster", "--dir", dir.toString(), "--service", "bank", "--demo-only")).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("bft cluster: --service bank is neither").doesNotContain("\n");
  }

  @Test
  void keygenWithHostsGivesEachReplicaItsAddressAndServesMetricsOnEveryInterface() {
    assertThat(run("keygen", "--hosts", "bft-0:7000,bft-1:7000,10.0.0.3:7100,bft-3:7000", "--out", dir.toString())).isZero();
    assertThat(out.toString()).contains("4 replicas (f=1) at bft-0:7000,");
    var cluster = ClusterFile.load(dir.resolve("cluster.conf"));
    assertThat(cluster.replica(1).address()).isEqualTo("bft-1:7000");
    assertThat(cluster.replica(2).address()).isEqualTo("10.0.0.3:7100");
    assertThat(cluster.replica(2).metricsPort()).as("its port plus n").isEqualTo(7104);
    assertThat(cluster.metricsHost()).isEqualTo("0.0.0.0");
    assertThat(cluster.metricsHostOf(3)).isEqualTo("bft-3");
  }

  @Test
  void keygenWithHostsRefusesAWrongCountAClashAndAMixWithHostInOneLine() {
    assertThat(run("keygen", "--hosts", "a:1,b:1,c:1", "--out", dir.toString())).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft keygen: 3 replica addresses: a cluster has 3f+1 replicas (4, 7, 10, ...)");
    err.getBuffer().setLength(0);
    assertThat(run("keygen", "--hosts", "a:7000,a:7004,b:7000,c:7000", "--out", dir.toString())).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft keygen: replica 1 needs a:7004, which replica 0 already uses"
        + " (each replica needs its port and that port plus 4 for metrics)");
    err.getBuffer().setLength(0);
    assertThat(run("keygen", "--hosts", "a:7000,b:7000,c:7000,d:7000", "--host", "x", "--out", dir.toString())).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft keygen: --hosts names every replica's address; leave out --host");
    err.getBuffer().setLength(0);
    assertThat(run("keygen", "--hosts", "a:7000,b,c:7000,d:7000", "--out", dir.toString())).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft keygen: 'b' is not host:port");
    assertThat(dir.resolve("cluster.conf")).doesNotExist();
  }

  @Test
  void keygenWithFTwoMakesSevenReplicas() {
    assertThat(run("keygen", "--f", "2", "--out", dir.toString())).isZero();
    assertThat(ClusterFile.load(dir.resolve("cluster.conf")).n()).isEqualTo(7);
  }

  @Test
  void keygenRefusesFiveReplicasAndOverwritingInOneLine() throws Exception {
    assertThat(run("keygen", "--replicas", "5", "--out", dir.toString())).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft keygen: --replicas 5 is not 3f+1 for any f >= 1 (try 4, 7 or 10)");
    assertThat(run("keygen", "--out", dir.toString())).isZero();
    String before = Files.readString(dir.resolve("cluster.conf"));
    err.getBuffer().setLength(0);
    assertThat(run("keygen", "--out", dir.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("already exists; use --force").doesNotContain("\tat ");
    assertThat(Files.readString(dir.resolve("cluster.conf"))).isEqualTo(before);
  }

  @Test
  void theNemesisChecksItsArgumentsBeforeStartingAnything() {
    Path runDir = dir.resolve("nemesis");
    assertThat(run("nemesis", "--dir", runDir.toString(), "--rate", "-5")).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("bft nemesis: --rate must be 0 (unbounded) to 1000000 operations per second");
    err.getBuffer().setLength(0);
    assertThat(run("nemesis", "--dir", runDir.toString(), "--replicas", "5")).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("bft nemesis: --replicas 5 is not 3f+1 (try 4 or 7)");
    assertThat(runDir).doesNotExist();
  }

  @Test
  void theLoadGeneratorChecksItsArgumentsBeforeConnecting() {
    assertThat(run("keygen", "--out", dir.toString(), "--clients", "2")).isZero();
    String conf = dir.resolve("cluster.conf").toString();
    assertThat(run("client", "load", "--config", conf, "--clients", "3")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo(
        "bft client load: --clients 3: the cluster file has 2 client identities (bft keygen --clients N makes more)");
    err.getBuffer().setLength(0);
    assertThat(run("client", "load", "--config", conf, "--duration", "5x")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft client load: --duration '5x' is not like 30s, 2m or 500ms");
    err.getBuffer().setLength(0);
    assertThat(run("client", "load", "--config", conf, "--read-ratio", "1.5")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft client load: --read-ratio 1.5 is not between 0 and 1");
  }

  @Test
  void theBenchmarkSuiteChecksItsArgumentsBeforeStartingAnything() {
    assertThat(run("bench", "--dir", dir.toString(), "--attacks", "slow")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo(
        "bft bench: --attacks slow: expected <replica id>=<behaviour> (e.g. 0=slow) or client=bad-signature|valid|malformed");
    err.getBuffer().setLength(0);
    assertThat(run("bench", "--dir", dir.toString(), "--attacks", "client=polite")).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("bft bench: --attacks client=polite: expected");
    err.getBuffer().setLength(0);
    assertThat(run("bench", "--dir", dir.toString(), "--set", "batch.delay.ms")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft bench: --set batch.delay.ms: expected key=value, e.g. batch.delay.ms=5");
    err.getBuffer().setLength(0);
    assertThat(run("bench", "--dir", dir.toString(), "--batch-sizes", "0")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft bench: --batch-sizes 0: expected a batch size of at least 1");
    err.getBuffer().setLength(0);
    assertThat(run("bench", "--dir", dir.toString(), "--durabilities", "sync")).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("bft bench: --durabilities sync: expected async or none (sync is every other run's)");
    err.getBuffer().setLength(0);
    assertThat(run("bench", "--dir", dir.toString(), "--tls", "maybe")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft bench: --tls maybe: expected off or none (on is every other run's)");
    assertThat(dir.resolve("throughput.csv")).doesNotExist();
  }

  @Test
  void statusReportsUnreachableReplicasAndFailsWhenMoreThanFAreDown() {
    assertThat(run("keygen", "--out", dir.toString())).isZero();
    out.getBuffer().setLength(0);
    assertThat(run("status", "--config", dir.resolve("cluster.conf").toString())).isEqualTo(1);
    assertThat(out.toString()).contains("DOWN", "4 replica(s) down or unreachable; the cluster tolerates f = 1");
  }

  @Test
  void aBadOptionIsOneLineAndExitCodeTwo() {
    assertThat(run("keygen", "--out", dir.toString(), "--frobnicate")).isEqualTo(2);
    assertThat(err.toString()).startsWith("bft: Unknown option: '--frobnicate'").contains("bft keygen --help");
  }

  @Test
  void runtimeCommandsReportConfigurationMistakesInOneLine() {
    assertThat(run("client", "--config", dir.resolve("none.conf").toString(), "get", "k")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft client: " + dir.resolve("none.conf") + ": cluster file does not exist");
    assertThat(run("keygen", "--out", dir.toString())).isZero();
    err.getBuffer().setLength(0);
    assertThat(run("replica", "--config", dir.resolve("cluster.conf").toString(), "--id", "9")).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("bft replica: --id 9 is not a replica of");
    err.getBuffer().setLength(0);
    assertThat(run("client", "--config", dir.resolve("cluster.conf").toString(), "frob", "k")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft client: unknown operation 'frob' (put, get, delete, cas)");
  }

  @Test
  void snapshotMistakesAreOneLineAndChangeNothing() throws Exception {
    assertThat(run("keygen", "--out", dir.toString())).isZero();
    String cluster = dir.resolve("cluster.conf").toString();
    assertThat(run("snapshot", "export", "--config", cluster, "--id", "0", "--out", dir.resolve("s.snap").toString()))
        .isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("bft snapshot export: no replica runs on ").doesNotContain("\n");
    assertThat(dir.resolve("s.snap")).doesNotExist();
    err.getBuffer().setLength(0);
    Path notASnapshot = Files.writeString(dir.resolve("notes.txt"), "hello");
    assertThat(run("snapshot", "import", "--config", cluster, "--id", "3", "--in", notASnapshot.toString())).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft snapshot import: snapshot file " + notASnapshot
        + ": it is not a bft snapshot file (it does not start with BFT-SNAP)");
    assertThat(dir.resolve("data/replica-3")).doesNotExist();
    err.getBuffer().setLength(0);
    assertThat(run("snapshot", "import", "--joining", "--config", cluster, "--id", "2", "--in", notASnapshot.toString()))
        .isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft snapshot import: replica 2 is in the cluster file already: a "
        + "replica to be added takes an id past 3");
    assertThat(dir.resolve("data/replica-2")).doesNotExist();
    err.getBuffer().setLength(0);
    assertThat(run("snapshot", "verify", "--config", cluster, "--in", dir.resolve("none.snap").toString())).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft snapshot verify: snapshot file " + dir.resolve("none.snap")
        + " does not exist");
  }

  @Test
  void reconfigurationMistakesAreOneLineAndSendNothing() throws Exception {
    assertThat(run("keygen", "--out", dir.toString())).isZero();
    String cluster = dir.resolve("cluster.conf").toString();
    String before = Files.readString(dir.resolve("cluster.conf"));
    assertThat(run("reconfigure", "--config", cluster, "--remove-client", "4242")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft reconfigure: client 4242 is not enrolled");
    err.getBuffer().setLength(0);
    assertThat(run("reconfigure", "--config", cluster, "--remove-client", "1000", "--admin-key",
        dir.resolve("keys/client-1000.key").toString())).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("bft reconfigure: a key given with --admin-key is no administrator of");
    err.getBuffer().setLength(0);
    assertThat(run("reconfigure", "--config", cluster, "--add-client", "--timeout", "soon")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft reconfigure: --timeout 'soon' is not like 30s, 2m or 500ms");
    err.getBuffer().setLength(0);
    String replica0 = Files.readString(dir.resolve("keys/replica-0.key"));
    String[][] mistakes = {
        {"--f", "0"}, {"--remove", "7"}, {"--replace", "1", "127.0.0.1:7002"},
        {"--replace", "0", "10.0.0.1:7000", "--replace", "1", "10.0.0.1:7001", "--replace", "2", "10.0.0.1:7002"},
        {"--add", "127.0.0.1:9000"}, {"--f", "1", "--add", "127.0.0.1:9000"}, {"--rotate-key", "4"}};
    String[] said = {
        "--f 0: f is at least 1", "replica 7 is not in the configuration (ids 0..3)", "already used",
        "it keeps 1 of the replicas with their keys; at least f + 1 = 2 must stay (replace the others in a later epoch)",
        "it leaves 5 replicas; a cluster has 3f + 1 (4, 7, 10, ...)", "--f 1 needs 4 replicas; the other changes leave 5",
        "--rotate-key 4: no such replica (ids 0..3)"};
    for (int i = 0; i < mistakes.length; i++) {
      List<String> args = new java.util.ArrayList<>(List.of("reconfigure", "--config", cluster));
      args.addAll(List.of(mistakes[i]));
      assertThat(run(args.toArray(String[]::new))).as(String.join(" ", mistakes[i])).isEqualTo(1);
      assertThat(err.toString().strip()).as(String.join(" ", mistakes[i])).startsWith("bft reconfigure: ")
          .contains(said[i]).doesNotContain("\n");
      err.getBuffer().setLength(0);
    }
    assertThat(Files.readString(dir.resolve("keys/replica-0.key"))).as("no key replaced").isEqualTo(replica0);
    assertThat(dir.resolve("keys/replica-4.key")).doesNotExist();
    assertThat(run("reconfigure", "--config", cluster)).as("no change given").isEqualTo(2);
    assertThat(Files.readString(dir.resolve("cluster.conf"))).as("the cluster file is left as it was").isEqualTo(before);
    assertThat(dir.resolve("keys/client-1001.key")).as("no key written for a client never enrolled").doesNotExist();
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("keygen", "cluster", "replica", "client");
  }

  @Test
  void checkHistoryExitsZeroForALinearizableHistoryAndOneWithTheExplanationOtherwise() throws Exception {
    Path good = dir.resolve("good.txt");
    Files.writeString(good, """
        # a put that timed out and took effect, seen by a later read
        1 100 180 put x a -> ok
        2 110 unknown put x b
        3 200 250 get x -> value b
        4 260 unknown get x
        """);
    assertThat(run("check-history", good.toString())).isZero();
    assertThat(out.toString().strip()).startsWith(good + ": linearizable (4 operations on 1 keys;").doesNotContain("\n");
    out.getBuffer().setLength(0);
    Path bad = dir.resolve("bad.txt");
    Files.writeString(bad, """
        1 100 180 put x a -> ok
        2 110 fail put x b
        3 200 250 get x -> value b
        """);
    assertThat(run("check-history", bad.toString())).isEqualTo(1);
    assertThat(out.toString().lines().findFirst().orElseThrow()).startsWith(bad + ": NOT linearizable (")
        .contains("key 'x': no linearization explains client 3 [200, 250] get(x) -> value b");
    assertThat(out.toString()).contains("put(x, b) -> failed");
  }

  @Test
  void checkHistoryExitsTwoForAFileItCannotReadInOneLine() throws Exception {
    assertThat(run("check-history", dir.resolve("missing.txt").toString())).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("bft check-history: " + dir.resolve("missing.txt") + ": no such file");
    err.getBuffer().setLength(0);
    Path broken = dir.resolve("broken.txt");
    Files.writeString(broken, "1 100 180 put x a -> ok\n1 200 banana get x -> ok\n");
    assertThat(run("check-history", broken.toString())).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("bft check-history: " + broken
        + " line 2: 'banana' is not a completion time, 'unknown' or 'fail'");
  }
}
