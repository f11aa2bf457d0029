package dev.bft.core.agreement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A loyal process of interactive consistency (Pease, Shostak and Lamport 1980): every process has a
 * private value and all loyal processes must end with the same vector, holding each loyal process's
 * true value at its index. It runs n instances of OM(m) side by side, one per process as commander
 * of its own value, and its vector is its own value at its own index and its OM decision elsewhere.
 * This inherits OM(m)'s proof per entry instead of re-arguing a vector algorithm; for m = 1 the
 * messages are exactly the 1980 ones (round 0: my value to all; round 1: relay what each sent me).
 * An OM message's path starts at its commander, so the first path element names the entry and one
 * message type serves all instances.
 */
public final class VectorProcess implements General<OralMessage> {
  private final int id;
  private final String value;
  private final List<OralGeneral> instances = new ArrayList<>();

  public VectorProcess(int id, int n, int m, String value) {
    this.id = id;
    this.value = value;
    for (int c = 0; c < n; c++) {
      instances.add(c == id ? OralGeneral.commander(id, n, m, value) : OralGeneral.lieutenant(id, n, m, c));
    }
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public List<OralMessage> round(int round, List<OralMessage> received) {
    List<List<OralMessage>> byEntry = new ArrayList<>();
    for (int c = 0; c < instances.size(); c++) {
      byEntry.add(new ArrayList<>());
    }
    for (OralMessage msg : received) {
      int entry = msg.path().get(0);
      if (entry >= 0 && entry < instances.size()) {
        byEntry.get(entry).add(msg);
      }
    }
    List<OralMessage> out = new ArrayList<>();
    for (int c = 0; c < instances.size(); c++) {
      out.addAll(instances.get(c).round(round, byEntry.get(c)));
    }
    return out;
  }

  /** After the last round: entry c is what this process concluded process c holds. */
  public List<String> vector() {
    List<String> v = new ArrayList<>();
    for (int c = 0; c < instances.size(); c++) {
      v.add(c == id ? value : instances.get(c).decision());
    }
    return Collections.unmodifiableList(v);
  }

  /** The vector written out, so that a run's decisions compare vectors as a whole. */
  @Override
  public String decision() {
    return vector().toString();
  }
}
