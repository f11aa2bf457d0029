package dev.bft.core.statetransfer;

import dev.bft.core.service.ChunkReceiver;
import dev.bft.core.service.ReplicatedService;
import dev.bft.crypto.Digest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The chunks of one transfer as they stream in: per chunk its proven digest and, once asked for,
 * the service's {@link ChunkReceiver} and the position to ask for next. Pieces are fed to the
 * receiver in order; nothing of a chunk's bytes is held here, so a chunk larger than the heap
 * arrives if the receiver stages it elsewhere. Finished receivers wait for the one install.
 */
final class ChunkStreams {
  /**
   * Re-asks of one position (other than a chunk's start) before the chunk starts over: a lying next
   * position goes unanswered by every correct peer, while an answer lost twice is rare.
   */
  static final int POSITION_RETRIES = 1;
  /** Positions a stream remembers having taken, so that a duplicated or re-sent answer is recognised as stale, not as a lie. */
  private static final int REMEMBERED = 8;

  enum Outcome {
    /** Stale (a duplicate, or for a position already taken): no harm, nothing changes. */
    STALE,
    /** Taken; the next piece starts at {@link #position}. */
    MORE,
    /** Taken, and the chunk is whole with its proven digest. */
    FINISHED,
    /** A lie: the piece was refused or the chunk's digest is not the proven one. The receiver is discarded; the chunk starts over. */
    BAD
  }

  private static final class Stream {
    ChunkReceiver receiver;
    byte[] position = new byte[0];
    /** The peer whose piece named {@link #position}, or -1 at the start. */
    int namedBy = -1;
    final ArrayDeque<byte[]> taken = new ArrayDeque<>();
    int retries;
    /** Bytes the receiver accepted so far. */
    long accepted;
  }

  private final ReplicatedService state;
  private final TransferStats stats;
  private final Map<Integer, Digest> proven = new TreeMap<>();
  private final Map<Integer, Stream> streams = new TreeMap<>();
  private final Map<Integer, ChunkReceiver> finished = new TreeMap<>();

  ChunkStreams(ReplicatedService state, TransferStats stats) {
    this.state = state;
    this.stats = stats;
  }

  /** Chunk {@code chunk} is to be fetched and must end with digest {@code digest}. */
  void want(int chunk, Digest digest) {
    proven.put(chunk, digest);
  }

  boolean finished(int chunk) {
    return finished.containsKey(chunk);
  }

  /** Where the next piece of {@code chunk} starts, opening a receiver for it if none is open. */
  byte[] position(int chunk) {
    Stream s = streams.get(chunk);
    if (s == null) {
      s = new Stream();
      s.receiver = state.receiveChunk(chunk, proven.get(chunk));
      streams.put(chunk, s);
    }
    return s.position;
  }

  /** A piece of {@code chunk} from {@code peer}, the peer it was asked of, for {@code position}. */
  Outcome onPiece(int peer, int chunk, byte[] position, byte[] bytes, byte[] next) {
    Stream s = streams.get(chunk);
    if (s == null) {
      return Outcome.STALE;
    }
    if (!Arrays.equals(position, s.position)) {
      boolean stale = s.taken.stream().anyMatch(p -> Arrays.equals(p, position));
      return stale ? Outcome.STALE : restart(chunk);
    }
    // A piece that is not the last must carry bytes: else a peer could keep a chunk open for ever.
    if ((next != null && bytes.length == 0) || !s.receiver.accept(bytes)) {
      return restart(chunk);
    }
    s.accepted += bytes.length;
    if (next != null) {
      if (s.taken.size() == REMEMBERED) {
        s.taken.removeFirst();
      }
      s.taken.addLast(s.position);
      s.position = next;
      s.namedBy = peer;
      s.retries = 0;
      return Outcome.MORE;
    }
    Digest d = s.receiver.finish();
    if (d == null || !d.equals(proven.get(chunk))) {
      return restart(chunk);
    }
    streams.remove(chunk);
    finished.put(chunk, s.receiver);
    return Outcome.FINISHED;
  }

  /**
   * The piece asked for went unanswered a whole period. When its position was re-asked
   * {@link #POSITION_RETRIES} times in vain, the chunk starts over, and the answer is the peer that
   * named the position (it named one no peer serves: a lie); else -1, and the position is asked again.
   */
  int unanswered(int chunk) {
    Stream s = streams.get(chunk);
    if (s == null || s.position.length == 0 || ++s.retries <= POSITION_RETRIES) {
      return -1;
    }
    restart(chunk);
    return s.namedBy;
  }

  private Outcome restart(int chunk) {
    Stream s = streams.remove(chunk);
    if (s != null) {
      s.receiver.discard();
      stats.mostBytesDiscarded = Math.max(stats.mostBytesDiscarded, s.accepted);
    }
    return Outcome.BAD;
  }

  /** The finished receivers in chunk order, handed over for the install. */
  List<ChunkReceiver> takeFinished() {
    List<ChunkReceiver> all = new ArrayList<>(finished.values());
    finished.clear();
    proven.clear();
    return all;
  }

  /** Forgets every receiver, open or finished: the transfer ended or a newer one replaced it. */
  void discardAll() {
    streams.values().forEach(s -> s.receiver.discard());
    finished.values().forEach(ChunkReceiver::discard);
    streams.clear();
    finished.clear();
    proven.clear();
  }

  int open() {
    return streams.size();
  }
}
