/**
 * Bytes to messages and back. The decoder is total: any byte string yields either a verified,
 * typed message or a typed rejection, never an escaping exception. Signatures are checked over the
 * exact received body bytes; nothing is re-serialised to verify. No I/O happens here.
 */
package dev.bft.core.message.codec;
