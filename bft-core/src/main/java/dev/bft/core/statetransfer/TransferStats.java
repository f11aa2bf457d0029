package dev.bft.core.statetransfer;

/** Counters of state transfer: what was fetched, and what Byzantine servers were caught serving. */
public final class TransferStats {
  public long transfers;
  public long chunksFetched;
  public long bytesFetched;
  public long badChunks;
  public long badManifests;

  @Override
  public String toString() {
    return "transfers=" + transfers + " chunks=" + chunksFetched + " bytes=" + bytesFetched + " badChunks=" + badChunks
        + " badManifests=" + badManifests;
  }
}
