package dev.bft.core.runtime;

/**
 * Why the shell refused a connection, a handshake frame or a request for work, counted with the
 * decoder's {@link dev.bft.core.message.codec.Rejection}s in {@code bft_frames_rejected{reason}}.
 * Each is something a stranger or a Byzantine peer can cause; none changes the replica's state.
 */
public enum ShellRefusal {
  /** Over the bound of unauthenticated connections from one address, or in all. */
  PRE_AUTH_CONNECTIONS,
  /** Over the rate of new connections from one address (each costs a TLS handshake, a signature). */
  PRE_AUTH_RATE,
  /** A link that did not authenticate within {@link Handshake#DEADLINE_MILLIS}. */
  HANDSHAKE_TIMEOUT,
  /** A connecting side's first frame is not a challenge. */
  CHALLENGE_MALFORMED,
  /** A HELLO whose envelope does not parse. */
  HELLO_MALFORMED,
  /** A HELLO claiming this replica itself: its own answer reflected back. */
  HELLO_REFLECTED,
  /** A HELLO from a quarantined client, or from a replica that should not be connecting to this one. */
  HELLO_REFUSED,
  /** A first frame that is not a valid HELLO signed by the identity it claims. */
  HELLO_INVALID,
  /** A HELLO addressed to another peer: relayed from another link. */
  HELLO_WRONG_PEER,
  /** A HELLO that answers another challenge than this link's. */
  HELLO_WRONG_NONCE,
  /** A HELLO claiming an identity whose key is not the one the peer showed TLS. */
  TLS_KEY_MISMATCH,
  /** An I/O or TLS failure on a link, which is then closed. */
  LINK_ERROR,
  /** A joining HELLO on a client link that is not valid (the link is quarantined). */
  BAD_HELLO,
  /** A FETCH beyond the peer's budget of state transfer bytes per second. */
  FETCH_OVER_BUDGET,
  /**
   * A FETCH for what the held snapshot cannot have: a node outside its tree, a chunk beyond its
   * count, a position it never gave. A correct fetcher asks none of these.
   */
  FETCH_UNSERVABLE,
  /**
   * An EPOCH-NOTICE from a replica that does not parse or proves nothing to this replica (a
   * Byzantine peer's, or a correct one's for an epoch further on than the next).
   */
  EPOCH_NOTICE_INVALID,
  /** A STATE for a checkpoint this replica is not fetching. */
  STATE_UNSOLICITED,
  /** A verification queue was full for the sending peer (frames or bytes). */
  VERIFY_QUEUE_FULL,
  /** A link's outbound buffer was full; the message was not sent. */
  OUTBOUND_QUEUE_FULL,
  /** A client was quarantined. */
  CLIENT_QUARANTINED
}
