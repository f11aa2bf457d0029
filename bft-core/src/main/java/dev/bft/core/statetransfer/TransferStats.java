package dev.bft.core.statetransfer;

/** Counters of state transfer: what was fetched, and what Byzantine servers were caught serving. */
public final class TransferStats {
  public long transfers;
  public long nodePages;
  public long chunksFetched;
  public long bytesFetched;
  public long badChunks;
  public long badNodePages;
  public long badManifests;
  /**
   * The most bytes one receiver took of a chunk before it was discarded (a lie caught, or a stream
   * started over): what lying peers made this replica stage. The header check keeps it within an
   * honest chunk's size, whatever size a liar declares.
   */
  public long mostBytesDiscarded;

  /** Lies caught, of every kind. */
  public long badAnswers() {
    return badChunks + badNodePages + badManifests;
  }

  @Override
  public String toString() {
    return "transfers=" + transfers + " nodePages=" + nodePages + " chunks=" + chunksFetched + " bytes=" + bytesFetched
        + " badChunks=" + badChunks + " badNodePages=" + badNodePages + " badManifests=" + badManifests
        + " mostBytesDiscarded=" + mostBytesDiscarded;
  }
}
