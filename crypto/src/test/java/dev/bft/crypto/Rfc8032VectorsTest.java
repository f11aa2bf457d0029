package dev.bft.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 8032 §7.1 (pure Ed25519) and §7.2 (Ed25519ctx) test vectors: key derivation, signing and
 * verification through the same BouncyCastle entry points our keys use.
 */
class Rfc8032VectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest(name = "RFC 8032 7.1 {0}")
  @CsvSource({
      "TEST 1, 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60, "
          + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '', "
          + "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
      "TEST 2, 4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb, "
          + "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72, "
          + "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
      "TEST 3, c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7, "
          + "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82, "
          + "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  })
  void pureEd25519(String name, String sk, String pk, String msg, String sig) {
    Ed25519KeyPair keys = Ed25519KeyPair.fromPrivateKey(HEX.parseHex(sk));
    assertThat(keys.publicKey().toHex()).isEqualTo(pk);
    byte[] message = HEX.parseHex(msg);
    byte[] signature = new byte[64];
    Ed25519.sign(keys.privateKeyBytes(), 0, keys.publicKey().toBytes(), 0, message, 0, message.length, signature, 0);
    assertThat(HEX.formatHex(signature)).isEqualTo(sig);
    assertThat(Ed25519.verify(HEX.parseHex(sig), 0, HEX.parseHex(pk), 0, message, 0, message.length)).isTrue();
  }

  @ParameterizedTest(name = "RFC 8032 7.2 context {3}")
  @CsvSource({
      "0305334e381af78f141cb666f6199f57bc3495335a256a95bd2a55bf546663f6, "
          + "dfc9425e4f968f7f0c29f0259cf5f9aed6851c2bb4ad8bfb860cfee0ab248292, f726936d19c800494e3fdaff20b276a8, 666f6f, "
          + "55a4cc2f70a54e04288c5f4cd1e45a7bb520b36292911876cada7323198dd87a8b36950b95130022907a7fb7c4e9b2d5f6cca685a587b4b21f4b888e4e7edb0d",
      "0305334e381af78f141cb666f6199f57bc3495335a256a95bd2a55bf546663f6, "
          + "dfc9425e4f968f7f0c29f0259cf5f9aed6851c2bb4ad8bfb860cfee0ab248292, f726936d19c800494e3fdaff20b276a8, 626172, "
          + "fc60d5872fc46b3aa69f8b5b4351d5808f92bcc044606db097abab6dbcb1aee3216c48e8b3b66431b5b186d1d28f8ee15a5ca2df6668346291c2043d4eb3e90d",
  })
  void ed25519ctx(String sk, String pk, String msg, String ctx, String sig) {
    Ed25519KeyPair keys = Ed25519KeyPair.fromPrivateKey(HEX.parseHex(sk));
    assertThat(keys.publicKey().toHex()).isEqualTo(pk);
    byte[] message = HEX.parseHex(msg);
    byte[] signature = new byte[64];
    Ed25519.sign(keys.privateKeyBytes(), 0, keys.publicKey().toBytes(), 0, HEX.parseHex(ctx), message, 0,
        message.length, signature, 0);
    assertThat(HEX.formatHex(signature)).isEqualTo(sig);
  }
}
