package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import java.util.ArrayList;
import java.util.List;

/** Effects written down in order, so a test can say exactly what a replica did for one event. */
final class RecordingEffects implements Effects {
  /** One effect; {@code to} is -1 for a broadcast. */
  record Sent(int to, ReplicaMessage message) {}

  final List<Object> all = new ArrayList<>();
  final List<Sent> sent = new ArrayList<>();
  final List<Reply> replies = new ArrayList<>();
  final List<LogRecord> persisted = new ArrayList<>();
  final List<Long> executed = new ArrayList<>();
  final List<Request> forwarded = new ArrayList<>();
  final List<TimerId> timersSet = new ArrayList<>();
  final List<TimerId> timersCancelled = new ArrayList<>();
  final List<Long> timerTicks = new ArrayList<>();
  final List<Long> checkpointsTaken = new ArrayList<>();
  final List<Long> fetches = new ArrayList<>();
  /** Each epoch end reported: the reconfiguration's sequence, the epoch checkpoint, the next configuration's digest. */
  final List<Object[]> epochsEnded = new ArrayList<>();
  final List<List<dev.bft.core.message.Checkpoint>> epochProofs = new ArrayList<>();

  @Override
  public void send(int replica, ReplicaMessage message) {
    Sent s = new Sent(replica, message);
    sent.add(s);
    all.add(s);
  }

  @Override
  public void broadcast(ReplicaMessage message) {
    send(-1, message);
  }

  @Override
  public void reply(Reply reply) {
    replies.add(reply);
    all.add(reply);
  }

  @Override
  public void forward(int replica, Request request) {
    forwarded.add(request);
    all.add(request);
  }

  @Override
  public void persist(LogRecord record) {
    persisted.add(record);
    all.add(record);
  }

  @Override
  public void setTimer(TimerId timer, long ticks) {
    timersSet.add(timer);
    timerTicks.add(ticks);
  }

  List<Long> timeouts(TimerId timer) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < timersSet.size(); i++) {
      if (timersSet.get(i) == timer) {
        out.add(timerTicks.get(i));
      }
    }
    return out;
  }

  @Override
  public void cancelTimer(TimerId timer) {
    timersCancelled.add(timer);
  }

  boolean cancelled(TimerId timer) {
    return timersCancelled.contains(timer);
  }

  @Override
  public void executed(long sequence, Batch batch) {
    executed.add(sequence);
  }

  @Override
  public void checkpointTaken(long sequence, dev.bft.crypto.Digest digest, ClientTable clients) {
    checkpointsTaken.add(sequence);
  }

  @Override
  public void epochEnded(long sequence, long boundary, dev.bft.crypto.Digest next) {
    epochsEnded.add(new Object[] {sequence, boundary, next});
  }

  @Override
  public void epochProven(long boundary, List<dev.bft.core.message.Checkpoint> proof) {
    epochProofs.add(proof);
  }

  @Override
  public void fetchState(long sequence, dev.bft.crypto.Digest digest) {
    fetches.add(sequence);
  }

  <T extends ReplicaMessage> List<T> broadcasts(Class<T> type) {
    return sent.stream().filter(s -> s.to() == -1 && type.isInstance(s.message()))
        .map(s -> type.cast(s.message())).toList();
  }

  void clear() {
    all.clear();
    sent.clear();
    replies.clear();
    persisted.clear();
    executed.clear();
    forwarded.clear();
    timersSet.clear();
    timersCancelled.clear();
    timerTicks.clear();
  }
}
