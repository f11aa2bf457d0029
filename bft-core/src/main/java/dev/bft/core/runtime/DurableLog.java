package dev.bft.core.runtime;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.Message;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.RecoveredState;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import dev.bft.storage.LmdbStore;
import dev.bft.storage.StorageException;
import dev.bft.storage.Table;
import dev.bft.storage.WriteBatch;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The replica's records on LMDB. LOG holds, per sequence number, the PRE-PREPARE it accepted, its
 * own PREPARE and COMMIT and its prepared certificate, each as signed envelope bytes; META holds its
 * view and stable checkpoint (with proof) and the checkpoint the stored state belongs to; STATE
 * holds the service's chunks at that checkpoint, rewritten only where they changed. Records at or
 * below a new stable checkpoint are deleted in the transaction that records it.
 */
public final class DurableLog implements DurableRecords {
  private static final byte PRE_PREPARE = 1;
  private static final byte PREPARE = 2;
  private static final byte COMMIT = 3;
  private static final byte PREPARED = 4;
  private static final byte[] VIEW = "view".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] STABLE = "stable".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] STATE_SEQUENCE = "state.sequence".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] STATE_CLIENTS = "state.clients".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EPOCH = "epoch".getBytes(StandardCharsets.US_ASCII);

  private final LmdbStore store;
  private final java.util.function.Function<Message, byte[]> encoder;
  private final MessageDecoder decoder;
  private final int self;
  private final WriteBatch batch = new WriteBatch();
  private Digest[] persistedChunks;
  /** A service that stores its own state: then STATE stays empty and the service says where it stands. */
  private dev.bft.core.service.DurableState serviceState;

  public DurableLog(LmdbStore store, MessageEncoder encoder, MessageDecoder decoder, int self) {
    this(store, encoder::encode, decoder, self);
  }

  /** With {@code encode} shared with the sender, so a message persisted and sent is signed once. */
  public DurableLog(LmdbStore store, java.util.function.Function<Message, byte[]> encode, MessageDecoder decoder,
                    int self) {
    this.store = store;
    this.encoder = encode;
    this.decoder = decoder;
    this.self = self;
  }

  /**
   * The service stores its own state ({@link dev.bft.core.service.DurableState}): checkpoints then
   * only make what it committed durable, and recovery asks it where it stands.
   */
  public void serviceStoresItself(dev.bft.core.service.DurableState state) {
    this.serviceState = state;
  }

  public static byte[] key(long sequence, byte kind, int sender) {
    return ByteBuffer.allocate(13).putLong(sequence).put(kind).putInt(sender).array();
  }

  public void add(LogRecord record) {
    if (record instanceof LogRecord.AcceptedPrePrepare a) {
      PrePrepare pp = a.prePrepare();
      batch.put(Table.LOG, key(pp.sequence(), PRE_PREPARE, pp.sender()), encoder.apply(pp));
    } else if (record instanceof LogRecord.SentPrepare p) {
      batch.put(Table.LOG, key(p.prepare().sequence(), PREPARE, self), encoder.apply(p.prepare()));
    } else if (record instanceof LogRecord.SentCommit c) {
      batch.put(Table.LOG, key(c.commit().sequence(), COMMIT, self), encoder.apply(c.commit()));
    } else if (record instanceof LogRecord.Prepared p) {
      List<Message> parts = new ArrayList<>();
      parts.add(p.certificate().prePrepare());
      parts.addAll(p.certificate().prepares());
      batch.put(Table.LOG, key(p.certificate().prePrepare().sequence(), PREPARED, 0), frames(parts));
    } else if (record instanceof LogRecord.EnteredView v) {
      batch.put(Table.META, VIEW, ByteBuffer.allocate(9).putLong(v.view()).put((byte) (v.changing() ? 1 : 0)).array());
    } else if (record instanceof LogRecord.StableCheckpoint sc) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(ByteBuffer.allocate(8).putLong(sc.sequence()).array());
      b.writeBytes(frames(new ArrayList<>(sc.proof())));
      batch.put(Table.META, STABLE, b.toByteArray());
      batch.deleteBelow(Table.LOG, key(sc.sequence() + 1, (byte) 0, 0));
    }
  }

  /**
   * Adds the service state at checkpoint {@code sequence} from its snapshot (the live state may have
   * moved on): the chunks that changed since the last time, each whole, and the client table.
   */
  @Override
  public void addState(long sequence, StateSnapshot snapshot, ClientTable clients) {
    if (serviceState != null) {
      // The service committed this checkpoint's state itself; before this log may forget the
      // batches below the checkpoint (a later record), that state must survive a power cut.
      serviceState.sync();
      batch.put(Table.META, STATE_SEQUENCE, ByteBuffer.allocate(8).putLong(sequence).array());
      return;
    }
    Digest[] now = snapshot.chunkDigests();
    for (int i = 0; i < now.length; i++) {
      if (persistedChunks == null || !now[i].equals(persistedChunks[i])) {
        batch.put(Table.STATE, ByteBuffer.allocate(4).putInt(i).array(), ((dev.bft.core.service.ByteChunkSnapshot) snapshot).chunk(i));
      }
    }
    persistedChunks = now;
    batch.put(Table.META, STATE_SEQUENCE, ByteBuffer.allocate(8).putLong(sequence).array());
    batch.put(Table.META, STATE_CLIENTS, clients.encode());
  }

  /** The sequence number the stored service state is at, or 0. */
  public long storedStateSequence() {
    if (serviceState != null) {
      dev.bft.core.service.DurableState.Stored stored = serviceState.stored();
      return stored == null ? 0 : stored.sequence();
    }
    byte[] seq = store.get(Table.META, STATE_SEQUENCE);
    return seq == null ? 0 : ByteBuffer.wrap(seq).getLong();
  }

  /** The stable checkpoint stored, or 0. */
  public long storedStableCheckpoint() {
    byte[] stable = store.get(Table.META, STABLE);
    return stable == null ? 0 : ByteBuffer.wrap(stable).getLong();
  }

  /**
   * Moves the records to epoch {@code epoch}, which starts at checkpoint {@code start}: what the
   * old epoch signed no longer verifies, so its log goes, the view is 0 again, and the start is the
   * stable checkpoint without a proof (docs/reconfiguration.md). Done once, in one transaction; a
   * log already of this epoch is left alone.
   */
  public void moveToEpoch(long epoch, long start) {
    byte[] stored = store.get(Table.META, EPOCH);
    if (epoch == 0 || stored != null && ByteBuffer.wrap(stored).getLong() >= epoch) {
      return;
    }
    batch.put(Table.META, VIEW, ByteBuffer.allocate(9).putLong(0).put((byte) 0).array());
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(ByteBuffer.allocate(8).putLong(start).array());
    b.writeBytes(frames(List.of()));
    batch.put(Table.META, STABLE, b.toByteArray());
    batch.deleteBelow(Table.LOG, key(Long.MAX_VALUE, (byte) 0, 0));
    batch.put(Table.META, EPOCH, ByteBuffer.allocate(8).putLong(epoch).array());
    commit();
  }

  /**
   * Moves the records of a directory whose state is behind the epoch's start to epoch {@code
   * epoch}: the old epoch's log and stable checkpoint go (their signatures verify in no later
   * epoch), the state stays, and the replica fetches the start from there, only what differs.
   */
  public void moveBehindToEpoch(long epoch) {
    batch.put(Table.META, VIEW, ByteBuffer.allocate(9).putLong(0).put((byte) 0).array());
    batch.delete(Table.META, STABLE);
    batch.deleteBelow(Table.LOG, key(Long.MAX_VALUE, (byte) 0, 0));
    batch.put(Table.META, EPOCH, ByteBuffer.allocate(8).putLong(epoch).array());
    commit();
  }

  /** The epoch the records are of (0 until a move or a stamp). */
  public long storedEpoch() {
    byte[] stored = store.get(Table.META, EPOCH);
    return stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
  }

  /** An empty directory of epoch {@code epoch}: nothing to move, but later starts must not move what it will hold. */
  public void stampEpoch(long epoch) {
    batch.put(Table.META, EPOCH, ByteBuffer.allocate(8).putLong(epoch).array());
    commit();
  }

  /** Makes everything added since the last commit durable, in one transaction. */
  public void commit() {
    if (!batch.isEmpty()) {
      store.commit(batch);
      batch.clear();
    }
  }

  /** Forgets what was added since the last commit (the process "crashed" before writing it). */
  public void discardUncommitted() {
    batch.clear();
    // The chunks last added may not have reached the disk: the next checkpoint writes every chunk.
    persistedChunks = null;
  }

  public boolean isEmpty() {
    return store.get(Table.META, VIEW) == null && store.get(Table.META, STATE_SEQUENCE) == null
        && store.count(Table.LOG) == 0 && (serviceState == null || serviceState.stored() == null);
  }

  /** Reads everything back: installs the stored state into {@code state} and returns the records. */
  public RecoveredState recover(ReplicatedService state, long[] viewOut) {
    List<LogRecord> records = new ArrayList<>();
    byte[] view = store.get(Table.META, VIEW);
    long v = 0;
    if (view != null) {
      ByteBuffer b = ByteBuffer.wrap(view);
      v = b.getLong();
      records.add(new LogRecord.EnteredView(v, b.get() == 1));
    }
    viewOut[0] = v;
    byte[] stable = store.get(Table.META, STABLE);
    if (stable != null) {
      ByteBuffer b = ByteBuffer.wrap(stable);
      long seq = b.getLong();
      List<Checkpoint> proof = new ArrayList<>();
      for (Message m : unframe(b)) {
        proof.add((Checkpoint) m);
      }
      records.add(new LogRecord.StableCheckpoint(seq, proof));
    }
    store.forEach(Table.LOG, (k, value) -> {
      byte kind = k[8];
      if (kind == PREPARED) {
        List<Message> parts = unframe(ByteBuffer.wrap(value));
        List<Prepare> prepares = new ArrayList<>();
        for (Message m : parts.subList(1, parts.size())) {
          prepares.add((Prepare) m);
        }
        records.add(new LogRecord.Prepared(new PreparedProof((PrePrepare) parts.get(0), prepares)));
        return;
      }
      Message m = decode(value);
      if (m instanceof PrePrepare pp) {
        records.add(new LogRecord.AcceptedPrePrepare(pp));
      } else if (m instanceof Prepare p) {
        records.add(new LogRecord.SentPrepare(p));
      } else if (m instanceof Commit c) {
        records.add(new LogRecord.SentCommit(c));
      }
    });
    long executed = 0;
    ClientTable clients = new ClientTable();
    byte[] seq = store.get(Table.META, STATE_SEQUENCE);
    if (serviceState != null) {
      dev.bft.core.service.DurableState.Stored stored = serviceState.stored();
      if (stored != null) {
        executed = stored.sequence();
        clients = ClientTable.fromEntries(stored.clientEntries(), v, self);
      }
    } else if (seq != null) {
      executed = ByteBuffer.wrap(seq).getLong();
      clients = ClientTable.decode(store.get(Table.META, STATE_CLIENTS), v, self);
      store.forEach(Table.STATE, (k, chunk) -> ((dev.bft.core.service.ByteChunkService) state).installChunk(ByteBuffer.wrap(k).getInt(), chunk));
      persistedChunks = state.chunkDigests();
    }
    return new RecoveredState(executed, clients, records);
  }

  private byte[] frames(List<Message> messages) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(ByteBuffer.allocate(4).putInt(messages.size()).array());
    for (Message m : messages) {
      byte[] f = encoder.apply(m);
      b.writeBytes(ByteBuffer.allocate(4).putInt(f.length).array());
      b.writeBytes(f);
    }
    return b.toByteArray();
  }

  private List<Message> unframe(ByteBuffer b) {
    int count = b.getInt();
    List<Message> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] f = new byte[b.getInt()];
      b.get(f);
      out.add(decode(f));
    }
    return out;
  }

  private Message decode(byte[] frame) {
    DecodeResult r = decoder.decode(frame);
    if (r instanceof DecodeResult.Rejected rej) {
      throw new StorageException("stored record does not decode (" + rej.reason() + ": " + rej.detail()
          + "); the data directory is corrupt or belongs to another cluster");
    }
    return r.message();
  }
}
