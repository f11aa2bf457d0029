package dev.bft.adversary.agreement;

import dev.bft.core.agreement.General;
import dev.bft.core.agreement.InteractiveConsistency;
import dev.bft.core.agreement.OralGeneral;
import dev.bft.core.agreement.OralMessage;
import dev.bft.core.agreement.OrderSignatures;
import dev.bft.core.agreement.RoundNetwork;
import dev.bft.core.agreement.RoundRunner;
import dev.bft.core.agreement.SignedGeneral;
import dev.bft.core.agreement.SignedOrder;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Sets up a generals' run: general 0 commands, the others are lieutenants, those in {@code traitors}
 * are played by a traitor strategy. Runs it and checks IC1 and IC2.
 */
public final class Generals {
  /** A named traitor behaviour. */
  public enum Strategy {
    /** commander: different values to different lieutenants; lieutenant: flips every relayed value */
    EQUIVOCATE,
    /** relays the opposite of what it received (a commander sends the opposite of its value) */
    LIE,
    /** sends nothing */
    SILENT
  }

  /** A run and its verdict. */
  public record Outcome<M extends dev.bft.core.agreement.AgreementMessage>(RoundRunner.Run<M> run,
                                                                          InteractiveConsistency ic) {}

  private Generals() {}

  public static void validate(int n, int m, Set<Integer> traitors, boolean signed) {
    if (n < 3) {
      throw new IllegalArgumentException("--n " + n + ": the problem needs a commander and at least two lieutenants");
    }
    if (m < 0 || (!signed && m > n - 2) || (signed && m > n - 2)) {
      throw new IllegalArgumentException("--m " + m + " is out of range 0.." + (n - 2) + " for n = " + n);
    }
    for (int t : traitors) {
      if (t < 0 || t >= n) {
        throw new IllegalArgumentException("traitor " + t + " is not a general (ids 0.." + (n - 1) + ", 0 commands)");
      }
    }
  }

  static Set<Integer> loyalLieutenants(int n, Set<Integer> traitors) {
    Set<Integer> loyal = new TreeSet<>();
    for (int i = 1; i < n; i++) {
      if (!traitors.contains(i)) {
        loyal.add(i);
      }
    }
    return loyal;
  }

  /** OM(m) with the given traitors, each played by {@code traitorFor.apply(id)}. */
  public static Outcome<OralMessage> oral(int n, int m, String value, Set<Integer> traitors,
                                         IntFunction<General<OralMessage>> traitorFor, RoundNetwork network) {
    return oral(n, m, value, traitors, traitorFor, (dev.bft.core.agreement.RoundTransport<OralMessage>) (round, sent, count) -> {
      List<List<OralMessage>> inboxes = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        inboxes.add(new ArrayList<>());
      }
      for (OralMessage msg : sent) {
        if (network.delivers(round, msg)) {
          inboxes.get(msg.to()).add(msg);
        }
      }
      return inboxes;
    });
  }

  /** OM(m) over any transport (in memory, or real sockets). */
  public static Outcome<OralMessage> oral(int n, int m, String value, Set<Integer> traitors,
                                         IntFunction<General<OralMessage>> traitorFor,
                                         dev.bft.core.agreement.RoundTransport<OralMessage> transport) {
    List<General<OralMessage>> generals = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (traitors.contains(i)) {
        generals.add(traitorFor.apply(i));
      } else {
        generals.add(i == 0 ? OralGeneral.commander(0, n, m, value) : OralGeneral.lieutenant(i, n, m, 0));
      }
    }
    RoundRunner.Run<OralMessage> run = RoundRunner.run(generals, m + 1, transport);
    return new Outcome<>(run, InteractiveConsistency.check(run.decisions(), loyalLieutenants(n, traitors),
        !traitors.contains(0), value));
  }

  public static Outcome<OralMessage> oral(int n, int m, String value, Set<Integer> traitors, Strategy strategy) {
    return oral(n, m, value, traitors, id -> oralTraitor(id, n, m, value, strategy), RoundNetwork.RELIABLE);
  }

  public static Outcome<OralMessage> oral(int n, int m, String value, Set<Integer> traitors, Strategy strategy,
                                         dev.bft.core.agreement.RoundTransport<OralMessage> transport) {
    return oral(n, m, value, traitors, id -> oralTraitor(id, n, m, value, strategy), transport);
  }

  /** The deterministic test keys of generals 0..n-1 (general i has key i), shared with the socket transport. */
  public static Ed25519KeyPair[] testKeys(int n) {
    Ed25519KeyPair[] keys = new Ed25519KeyPair[n];
    for (int i = 0; i < n; i++) {
      keys[i] = Ed25519KeyPair.forTesting(i);
    }
    return keys;
  }

  static General<OralMessage> oralTraitor(int id, int n, int m, String value, Strategy strategy) {
    return switch (strategy) {
      case SILENT -> new SilentTraitor<>(id);
      case EQUIVOCATE -> id == 0 ? new EquivocatingCommander(id, n) : new LyingRelay(id, n, m, 0);
      case LIE -> id == 0
          ? OralGeneral.commander(0, n, m, dev.bft.core.agreement.Values.ATTACK.equals(value)
              ? dev.bft.core.agreement.Values.RETREAT : dev.bft.core.agreement.Values.ATTACK)
          : new LyingRelay(id, n, m, 0);
    };
  }

  /** SM(m) with the given traitors; keys are deterministic test keys (general i has key i). */
  public static Outcome<SignedOrder> signed(int n, int m, String value, Set<Integer> traitors, Strategy strategy) {
    return signed(n, m, value, traitors, strategy, null);
  }

  /** SM(m) over a transport; null means in memory. */
  public static Outcome<SignedOrder> signed(int n, int m, String value, Set<Integer> traitors, Strategy strategy,
                                           dev.bft.core.agreement.RoundTransport<SignedOrder> transport) {
    Map<Integer, Ed25519PublicKey> publicKeys = new HashMap<>();
    Ed25519KeyPair[] keys = new Ed25519KeyPair[n];
    for (int i = 0; i < n; i++) {
      keys[i] = Ed25519KeyPair.forTesting(i);
      publicKeys.put(i, keys[i].publicKey());
    }
    OrderSignatures sigs = new OrderSignatures(publicKeys);
    List<General<SignedOrder>> generals = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (traitors.contains(i)) {
        generals.add(switch (strategy) {
          case SILENT -> new SilentTraitor<>(i);
          case EQUIVOCATE, LIE -> i == 0 ? new SignedEquivocatingCommander(0, n, keys[0]) : new SilentTraitor<>(i);
        });
      } else {
        generals.add(i == 0 ? SignedGeneral.commander(0, n, m, value, keys[0], sigs)
            : SignedGeneral.lieutenant(i, n, m, 0, keys[i], sigs));
      }
    }
    RoundRunner.Run<SignedOrder> run = transport == null ? RoundRunner.run(generals, m + 1, RoundNetwork.RELIABLE)
        : RoundRunner.run(generals, m + 1, transport);
    return new Outcome<>(run, InteractiveConsistency.check(run.decisions(), loyalLieutenants(n, traitors),
        !traitors.contains(0), value));
  }
}
