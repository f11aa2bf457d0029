package dev.bft.core.protocol;

/**
 * The one place where PBFT's quorum arithmetic lives: n = 3f + 1 replicas, certificates of 2f + 1,
 * weak certificates of f + 1, the primary of a view, and the replica that sends a large result in full.
 */
public record Quorum(int n, int f) {
  public Quorum {
    if (f < 1 || n != 3 * f + 1) {
      throw new IllegalArgumentException("a cluster needs n = 3f + 1 replicas with f >= 1, got n=" + n + ", f=" + f);
    }
  }

  public static Quorum ofReplicas(int n) {
    if ((n - 1) % 3 != 0) {
      throw new IllegalArgumentException(n + " replicas is not 3f + 1 for any f");
    }
    return new Quorum(n, (n - 1) / 3);
  }

  /** 2f + 1: enough that any two such sets share a correct replica. */
  public int certificate() {
    return 2 * f + 1;
  }

  /** f + 1: enough that at least one member is correct. */
  public int weak() {
    return f + 1;
  }

  /** 2f: the PREPAREs from distinct backups that, with the PRE-PREPARE, make a prepared certificate. */
  public int prepares() {
    return 2 * f;
  }

  public int primary(long view) {
    return (int) Math.floorMod(view, (long) n);
  }

  /**
   * The replica that sends a large result in full, the others sending its digest: (client + request
   * number) mod n, a function of the request alone so every replica agrees without a message and
   * consecutive requests of a client rotate over the replicas. Not the primary: it is the busiest
   * replica already, and a faulty primary would then delay every large reply by a retransmission
   * while it lasted, where a faulty designated replier delays only its share.
   */
  public int replier(int clientId, long requestNumber) {
    return (int) ((Math.floorMod(clientId, n) + Math.floorMod(requestNumber, (long) n)) % n);
  }

  public boolean isReplica(int id) {
    return id >= 0 && id < n;
  }
}
