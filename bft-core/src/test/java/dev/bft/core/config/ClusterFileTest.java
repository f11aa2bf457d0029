package dev.bft.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.crypto.Ed25519KeyPair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClusterFileTest {
  static String key(int i) {
    return Ed25519KeyPair.forTesting(i).publicKey().toHex();
  }

  /** A valid 4-replica file, one entry per line, so a test can replace a line by number. */
  static List<String> valid() {
    List<String> lines = new ArrayList<>(List.of(
        "# test cluster",
        "f = 1",
        "replica.0 = 127.0.0.1:7000 " + key(0),
        "replica.1 = 127.0.0.1:7001 " + key(1),
        "replica.2 = 127.0.0.1:7002 " + key(2),
        "replica.3 = 127.0.0.1:7003 " + key(3),
        "client.1000 = " + key(1000),
        "batch.size = 64",
        "checkpoint.interval = 128"));
    return lines;
  }

  static ClusterConfig parse(List<String> lines) {
    return ClusterFile.parse("cluster.conf", lines, Path.of("/srv/bft"));
  }

  @Test
  void administratorsAndTheEpochAreReadAndWrittenAndHeldApartFromOtherIds() {
    List<String> lines = valid();
    lines.addAll(List.of("epoch = 3", "epoch.start = 256 " + "ab".repeat(32), "admin.900 = " + key(900), "admin.901 = " + key(901), "admin.quorum = 2"));
    ClusterConfig c = parse(lines);
    assertThat(c.epoch()).isEqualTo(3);
    assertThat(c.start().sequence()).isEqualTo(256);
    assertThat(c.admins()).containsOnlyKeys(900, 901);
    assertThat(c.adminQuorum()).isEqualTo(2);
    assertThat(c.requesters()).containsOnlyKeys(1000, 900, 901);
    ClusterConfig back = ClusterFile.parse("again", ClusterFile.render(c.epoch(), c.start(), c.f(), new ArrayList<>(c.replicas().values()),
        c.clients(), c.admins(), c.adminQuorum(), c.parameters(), "data").lines().toList(), Path.of("/srv/bft"));
    assertThat(Configurations.digest(back)).isEqualTo(Configurations.digest(c));
    assertThat(back.start()).isEqualTo(c.start());
    List<String> noStart = valid();
    noStart.add("epoch = 2");
    assertThatThrownBy(() -> parse(noStart)).hasMessageContaining("needs 'epoch.start");
    assertThat(parse(valid()).admins()).as("no administrators: the cluster cannot be reconfigured").isEmpty();

    List<String> overlap = valid();
    overlap.add("admin.1000 = " + key(900));
    assertThatThrownBy(() -> parse(overlap)).hasMessageContaining("admin id 1000 must not overlap");
    List<String> tooMany = valid();
    tooMany.addAll(List.of("admin.900 = " + key(900), "admin.quorum = 2"));
    assertThatThrownBy(() -> parse(tooMany)).hasMessageContaining("admin.quorum");
  }

  @Test
  void aValidFileLoadsWithDefaultsForWhatItLeavesOut() {
    ClusterConfig c = parse(valid());
    assertThat(c.f()).isEqualTo(1);
    assertThat(c.n()).isEqualTo(4);
    assertThat(c.replica(2).address()).isEqualTo("127.0.0.1:7002");
    assertThat(c.replica(2).publicKey().toHex()).isEqualTo(key(2));
    assertThat(c.clients()).containsOnlyKeys(1000);
    assertThat(c.parameters().batchSize()).isEqualTo(64);
    assertThat(c.parameters().logWindow()).isEqualTo(256);
    assertThat(c.parameters().durability()).isEqualTo(Durability.SYNC);
    assertThat(c.parameters().batchLingerMillis()).as("on by default: it backs off by itself where it does not pay")
        .isEqualTo(3);
    assertThat(c.parameters().batchDelayMillis()).as("docs/protocol.md's drain rule: partial batches wait for the drain")
        .isEqualTo(ProtocolParameters.UNTIL_DRAINED);
    List<String> timed = valid();
    timed.add("batch.delay.ms = 9");
    assertThat(parse(timed).parameters().batchDelayMillis()).isEqualTo(9);
    timed.set(timed.size() - 1, "batch.delay.ms = drain");
    assertThat(parse(timed).parameters().batchDelayMillis()).isEqualTo(ProtocolParameters.UNTIL_DRAINED);
    List<String> lingering = valid();
    lingering.add("batch.linger.ms = 6");
    assertThat(parse(lingering).parameters().batchLingerMillis()).isEqualTo(6);
    assertThat(c.dataDirectory()).isEqualTo(Path.of("/srv/bft/data"));
  }

  @ParameterizedTest(name = "line {0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "2 | f = 0                              | cluster.conf:2: f 0 is out of range 1..100",
      "2 | f = two                            | cluster.conf:2: f 'two' is not a number",
      "2 | f = 2                              | cluster.conf:2: f = 2 needs replicas 0..6; replica 4 is missing",
      "4 | replica.1 = 127.0.0.1:70000 KEY1   | cluster.conf:4: replica 1 port 70000 is out of range",
      "4 | replica.1 = 127.0.0.1:x KEY1       | cluster.conf:4: replica 1 port 'x' is not a number",
      "4 | replica.1 = 127.0.0.1 KEY1         | cluster.conf:4: replica 1: address '127.0.0.1' is not <host>:<port>",
      "4 | replica.1 = 127.0.0.1:7001         | cluster.conf:4: replica 1: expected '<host>:<port> <public key hex>'",
      "4 | replica.1 = 127.0.0.1:7001 abcd    | cluster.conf:4: replica 1 public key: an Ed25519 public key is 32 bytes, got 2",
      "4 | replica.1 = 127.0.0.1:7001 zz      | cluster.conf:4: replica 1 public key: public key is not hex",
      "4 | replica.0 = 127.0.0.1:7009 KEY1    | cluster.conf:4: replica 0 is defined twice (first on line 3)",
      "4 | replica.1 = 127.0.0.1:7000 KEY1    | cluster.conf:4: replica 1 address 127.0.0.1:7000 is already used on line 3",
      "4 | replica.x = 127.0.0.1:7001 KEY1    | cluster.conf:4: replica id 'x' is not a non-negative integer",
      "6 | replica.4 = 127.0.0.1:7004 KEY1    | cluster.conf:2: f = 1 needs replicas 0..3; replica 3 is missing",
      "7 | client.1000 = nope                 | cluster.conf:7: client 1000 public key: public key is not hex",
      "7 | client.2 = KEY1                    | cluster.conf: client id 2 must not overlap replica ids 0..3",
      "8 | batch.size = 0                     | cluster.conf:8: batch.size 0 is out of range 1..65536",
      "8 | batch.sise = 10                    | cluster.conf:8: unknown key 'batch.sise' (did you mean 'batch.size'?)",
      "8 | log.window = 200                   | cluster.conf:8: log.window 200 must be a multiple of checkpoint.interval 128",
      "8 | durability = maybe                 | cluster.conf:8: durability must be 'sync' or 'async', got 'maybe'",
      "8 | batch.linger.ms = -1                | cluster.conf:8: batch.linger.ms -1 is out of range 0..10000",
      "8 | batch.delay.ms = soon              | cluster.conf:8: batch.delay.ms 'soon' is neither 'drain' nor a number of milliseconds",
      "8 | batch.delay.ms = -1                | cluster.conf:8: batch.delay.ms -1 is out of range 0..10000",
      "8 | pipeline.depth = 9999              | cluster.conf:8: pipeline.depth 9999 is out of range 1..256",
      "8 | just words                         | cluster.conf:8: expected 'key = value', got 'just words'",
      "9 | f = 1                              | cluster.conf:9: 'f' is set twice (first on line 2)",
      "9 | storage.map.mb = 1                 | cluster.conf:9: storage.map.mb 1 is out of range 16..16777216",
      "9 | replica.2.metrics = 0              | cluster.conf:9: replica.2.metrics 0 is out of range 1..65535",
      "9 | replica.9.metrics = 9100           | cluster.conf:9: metrics port for replica 9, which is not in the cluster",
      "9 | reply.digest.bytes = -1            | cluster.conf:9: reply.digest.bytes -1 is out of range 0..1048576",
      "9 | reply.digest.bytes = 1048577       | cluster.conf:9: reply.digest.bytes 1048577 is out of range 0..1048576",
  })
  void everyMistakeIsOneLineWithFileAndLine(int line, String replacement, String expected) {
    List<String> lines = valid();
    lines.set(line - 1, replacement.replace("KEY1", key(1)));
    assertThatThrownBy(() -> parse(lines)).isInstanceOf(ConfigException.class).hasMessage(expected);
  }

  @Test
  void theReplyDigestThresholdDefaultsToAKilobyteAndIsWrittenWithItsComment() {
    assertThat(parse(valid()).parameters().replyDigestBytes()).isEqualTo(1024);
    List<String> never = valid();
    never.add("reply.digest.bytes = 0");
    ProtocolParameters p = parse(never).parameters();
    assertThat(p.replyDigestBytes()).as("0: results always in full").isZero();
    ClusterConfig c = parse(valid());
    String written = ClusterFile.render(c.f(), new ArrayList<>(c.replicas().values()), c.clients(),
        p.withTls(true), "data");
    assertThat(written).contains("\n# a result longer than this many bytes goes in full from one replica, by digest"
        + " from the others (0: always in full)\nreply.digest.bytes = 0\n");
    assertThat(ClusterFile.parse("cluster.conf", written.lines().toList(), Path.of("/srv/bft")).parameters())
        .as("what is written loads back").isEqualTo(p);
  }

  @Test
  void aMetricsPortIsOptionalPerReplica() {
    List<String> lines = valid();
    lines.add("replica.3.metrics = 9103");
    ClusterConfig c = parse(lines);
    assertThat(c.replica(3).metricsPort()).isEqualTo(9103);
    assertThat(c.replica(2).metricsPort()).isZero();
  }

  @Test
  void metricsBindToLoopbackUnlessTheClusterFileSaysOtherwise() {
    ClusterConfig c = parse(valid());
    assertThat(c.metricsHost()).isEqualTo("127.0.0.1");
    assertThat(c.metricsHostOf(2)).isEqualTo("127.0.0.1");
    List<String> lines = valid();
    lines.add("metrics.host = 0.0.0.0");
    ClusterConfig open = parse(lines);
    assertThat(open.metricsHost()).isEqualTo("0.0.0.0");
    assertThat(open.metricsHostOf(2)).as("reached at the replica's own host").isEqualTo(open.replica(2).host());
  }

  @Test
  void aMissingFOrFileIsReported() {
    List<String> lines = valid();
    lines.remove(1);
    assertThatThrownBy(() -> parse(lines)).hasMessage("cluster.conf: missing 'f = <faults tolerated>'");
    assertThatThrownBy(() -> ClusterFile.load(Path.of("/nonexistent/cluster.conf")))
        .hasMessage("/nonexistent/cluster.conf: cluster file does not exist");
  }
}
