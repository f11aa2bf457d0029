package dev.bft.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.message.Request;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.KeyDirectory;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.message.codec.Rejection;
import dev.bft.core.message.codec.ClusterBounds;
import dev.bft.core.protocol.Epochs;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.KeyFiles;
import dev.bft.crypto.SignatureDomain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configurations as bytes every replica agrees on, and reconfigurations that change them: applied
 * alike everywhere, refused with a reason when they do not make a configuration, and accepted by a
 * replica only with valid approvals of enough administrators.
 */
class ReconfigurationTest {
  static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path dir;

  private ClusterConfig cluster() throws Exception {
    return ClusterFile.load(ClusterKeygen.generate(dir, 1, 2, "127.0.0.1", 7000, false, RANDOM));
  }

  private Ed25519KeyPair admin() throws Exception {
    return KeyFiles.read(ClusterKeygen.adminKeyFile(dir, ClusterKeygen.ADMIN_ID));
  }

  private static Reconfiguration approved(Reconfiguration r, int id, Ed25519KeyPair key) {
    return r.approvedBy(new Reconfiguration.Approval(id,
        key.sign(SignatureDomain.of(Reconfiguration.APPROVAL_DOMAIN), r.approved())));
  }

  private static Reconfiguration.AddReplica newReplica(int port) {
    return new Reconfiguration.AddReplica("127.0.0.1", port, Ed25519KeyPair.generate(RANDOM).publicKey());
  }

  @Test
  void theCanonicalBytesLeaveOutWhatIsLocalAndRoundTrip() throws Exception {
    ClusterConfig c = cluster();
    ClusterConfig elsewhere = new ClusterConfig(c.f(), c.replicas(), c.clients(), c.parameters(), dir.resolve("other"),
        "0.0.0.0", c.epoch(), c.admins(), c.adminQuorum());

    assertThat(Configurations.digest(elsewhere)).isEqualTo(Configurations.digest(c));
    ClusterConfig back = Configurations.decode(Configurations.encode(c), c.dataDirectory(), c.metricsHost());
    assertThat(Configurations.encode(back)).isEqualTo(Configurations.encode(c));
    assertThat(back.admins()).containsOnlyKeys(ClusterKeygen.ADMIN_ID);
    assertThatThrownBy(() -> Configurations.decode(new byte[] {'G', 1, 0}, dir, "127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut short");
    byte[] huge = Configurations.encode(c);
    huge[2 + 8 + 4 + 3] = (byte) 0xff; // the replica count's low byte: more members than bytes
    assertThatThrownBy(() -> Configurations.decode(huge, dir, "127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("claims");
  }

  @Test
  void growingFrom4To7ReplicasMakesEpoch1WithFTwo() throws Exception {
    ClusterConfig c = cluster();
    Reconfiguration r = new Reconfiguration(0, List.of(newReplica(8000), newReplica(8001), newReplica(8002)), List.of());
    ClusterConfig next = Reconfiguration.decode(r.encode()).applyTo(c);

    assertThat(next.epoch()).isEqualTo(1);
    assertThat(next.n()).isEqualTo(7);
    assertThat(next.f()).isEqualTo(2);
    assertThat(next.replica(6).port()).isEqualTo(8002);
    assertThat(Configurations.digest(r.applyTo(c))).as("every replica computes the same").isEqualTo(Configurations.digest(next));
  }

  @Test
  void removingAReplicaMovesTheLastIntoItsIdAndChangesThatAreNoConfigurationAreRefused() throws Exception {
    ClusterConfig seven = new Reconfiguration(0, List.of(newReplica(8000), newReplica(8001), newReplica(8002)), List.of())
        .applyTo(cluster());
    ClusterConfig four = new Reconfiguration(1, List.of(new Reconfiguration.RemoveReplica(1),
        new Reconfiguration.RemoveReplica(5), new Reconfiguration.RemoveReplica(4)), List.of()).applyTo(seven);

    assertThat(four.n()).isEqualTo(4);
    assertThat(four.replica(1).publicKey()).as("replica 6 took id 1").isEqualTo(seven.replica(6).publicKey());
    assertThatThrownBy(() -> new Reconfiguration(2, List.of(new Reconfiguration.RemoveReplica(0)), List.of()).applyTo(four))
        .hasMessageContaining("leaves 3 replicas");
    assertThatThrownBy(() -> new Reconfiguration(0, List.of(new Reconfiguration.RemoveReplica(0)), List.of()).applyTo(four))
        .hasMessageContaining("epoch 0; the configuration is of epoch 2");
    assertThatThrownBy(() -> new Reconfiguration(2, List.of(new Reconfiguration.ReplaceReplica(9, "h", 1,
        Ed25519KeyPair.generate(RANDOM).publicKey())), List.of()).applyTo(four)).hasMessageContaining("replica 9 is not");
    assertThatThrownBy(() -> new Reconfiguration(2, List.of(new Reconfiguration.ReplaceReplica(1,
        four.replica(0).host(), four.replica(0).port(), Ed25519KeyPair.generate(RANDOM).publicKey())), List.of())
        .applyTo(four)).hasMessageContaining("already used");
  }

  @Test
  void fPlusOneReplicasOfTheNewConfigurationMustStayWithTheirKeys() throws Exception {
    ClusterConfig c = cluster();
    List<Reconfiguration.Change> replaceTwo = List.of(
        new Reconfiguration.ReplaceReplica(0, "127.0.0.1", 8000, Ed25519KeyPair.generate(RANDOM).publicKey()),
        new Reconfiguration.ReplaceReplica(1, "127.0.0.1", 8001, Ed25519KeyPair.generate(RANDOM).publicKey()));
    assertThat(new Reconfiguration(0, replaceTwo, List.of()).applyTo(c).n()).as("2 stay: f' + 1").isEqualTo(4);

    List<Reconfiguration.Change> replaceThree = new java.util.ArrayList<>(replaceTwo);
    replaceThree.add(new Reconfiguration.ReplaceReplica(2, "127.0.0.1", 8002, Ed25519KeyPair.generate(RANDOM).publicKey()));
    assertThatThrownBy(() -> new Reconfiguration(0, replaceThree, List.of()).applyTo(c))
        .hasMessageContaining("it keeps 1 of the replicas with their keys; at least f + 1 = 2 must stay");
  }

  @Test
  void clientsAreEnrolledRemovedAndRekeyed() throws Exception {
    ClusterConfig c = cluster();
    ClusterConfig next = new Reconfiguration(0, List.of(
        new Reconfiguration.AddClient(1500, Ed25519KeyPair.generate(RANDOM).publicKey()),
        new Reconfiguration.RemoveClient(1000),
        new Reconfiguration.ReplaceClientKey(1001, Ed25519KeyPair.generate(RANDOM).publicKey())), List.of()).applyTo(c);

    assertThat(next.clients()).containsOnlyKeys(1001, 1500);
    assertThat(next.clients().get(1001)).isNotEqualTo(c.clients().get(1001));
    assertThat(next.replicas()).isEqualTo(c.replicas());
    assertThatThrownBy(() -> new Reconfiguration(0, List.of(new Reconfiguration.AddClient(ClusterKeygen.ADMIN_ID,
        Ed25519KeyPair.generate(RANDOM).publicKey())), List.of()).applyTo(c)).hasMessageContaining("must not overlap");
  }

  @Test
  void theRulesEndTheEpochOnlyWithEnoughApprovalsAndRefuseTheRestWithAReason() throws Exception {
    ClusterConfig c = cluster();
    ReconfigurationRules rules = new ReconfigurationRules(c);
    Reconfiguration r = new Reconfiguration(0, List.of(new Reconfiguration.RemoveClient(1000)), List.of());

    assertThat(rules.check(1000, r.encode())).as("a client's request goes to the service").isNull();
    assertThat(rules.check(ClusterKeygen.ADMIN_ID, r.encode())).isInstanceOf(Epochs.Answer.class);
    assertThat(rules.check(ClusterKeygen.ADMIN_ID, approved(r, ClusterKeygen.ADMIN_ID, admin()).encode()))
        .isEqualTo(new Epochs.Ends(Configurations.digest(r.applyTo(c))));
    Epochs.Verdict garbage = rules.check(ClusterKeygen.ADMIN_ID, "put k v".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(((Epochs.Answer) garbage).result(), StandardCharsets.UTF_8))
        .startsWith("refused: not a reconfiguration");
  }

  @Test
  void aReplicaRefusesAnAdministratorsRequestWhoseApprovalDoesNotVerify() throws Exception {
    ClusterConfig c = cluster();
    MessageDecoder decoder = new MessageDecoder(KeyDirectory.of(c), ClusterBounds.of(c.n(), 128, 256));
    MessageEncoder admin = new MessageEncoder(ClusterKeygen.ADMIN_ID, admin());
    Reconfiguration r = new Reconfiguration(0, List.of(new Reconfiguration.RemoveClient(1000)), List.of());

    Reconfiguration good = approved(r, ClusterKeygen.ADMIN_ID, admin());
    DecodeResult accepted = decoder.decode(admin.encode(Request.unsigned(ClusterKeygen.ADMIN_ID, 1, false, good.encode())));
    assertThat(accepted.accepted()).as(String.valueOf(accepted)).isTrue();

    Reconfiguration forged = approved(r, ClusterKeygen.ADMIN_ID, Ed25519KeyPair.generate(RANDOM));
    DecodeResult refused = decoder.decode(admin.encode(Request.unsigned(ClusterKeygen.ADMIN_ID, 2, false, forged.encode())));
    assertThat(refused).isInstanceOf(DecodeResult.Rejected.class);
    assertThat(((DecodeResult.Rejected) refused).reason()).isEqualTo(Rejection.BAD_SIGNATURE);

    Reconfiguration otherChanges = new Reconfiguration(0, List.of(new Reconfiguration.RemoveClient(1001)),
        good.approvals());
    DecodeResult moved = decoder.decode(admin.encode(Request.unsigned(ClusterKeygen.ADMIN_ID, 3, false,
        otherChanges.encode())));
    assertThat(moved.accepted()).as("an approval of other changes does not carry over").isFalse();
  }
}
