package dev.bft.core.message;

/** Wire type numbers. They are part of every signature's domain, so they never change meaning. */
public enum MessageType {
  REQUEST(1),
  PRE_PREPARE(2),
  PREPARE(3),
  COMMIT(4),
  REPLY(5),
  CHECKPOINT(6),
  VIEW_CHANGE(7),
  NEW_VIEW(8),
  FETCH(9),
  STATE(10),
  STATUS(11),
  FETCH_BATCH(12),
  BATCH(13),
  ORAL_MESSAGE(20),
  SIGNED_ORDER(21),
  HELLO(30);

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type for a wire code, or null when the code is unknown (the decoder rejects it). */
  public static MessageType fromCode(int code) {
    for (MessageType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
