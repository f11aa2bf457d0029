package dev.bft.core.runtime;

import dev.bft.core.message.Commit;
import dev.bft.core.message.Message;
import dev.bft.core.message.Prepare;
import java.util.function.Predicate;

/**
 * The verification stage's cheap check before a signature: whether a PREPARE or COMMIT could still
 * count at this replica. The protocol drops votes of older views and outside the window, so a
 * flood of them should cost a parse, not a signature check; and a vote for a sequence number this
 * replica has executed changes nothing (its certificates were built when it prepared), which spares
 * the surplus vote of every slot. Other messages always pass.
 *
 * <p>The protocol thread publishes its view, watermarks and last executed sequence after each group
 * of events; the verification threads read them. All four only grow, so a stale value makes the
 * check more lenient, never stricter; one view ahead and one window beyond the high watermark are
 * let through for what the published values lag behind.
 */
final class VoteFilter implements Predicate<Message> {
  private volatile long view;
  private volatile long low;
  private volatile long high;
  private volatile long executed;

  /** On the protocol thread, after a group of events. */
  void publish(long view, long lowWatermark, long highWatermark, long lastExecuted) {
    this.view = view;
    this.low = lowWatermark;
    this.high = highWatermark;
    this.executed = lastExecuted;
  }

  @Override
  public boolean test(Message m) {
    long v;
    long sequence;
    if (m instanceof Prepare p) {
      v = p.view();
      sequence = p.sequence();
    } else if (m instanceof Commit c) {
      v = c.view();
      sequence = c.sequence();
    } else {
      return true;
    }
    long h = high;
    long window = h - low;
    return v >= view && v <= view + 1 && sequence > Math.max(low, executed) && sequence <= h + window;
  }
}
