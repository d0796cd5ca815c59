package io.cairn.server.transport;

/** A peer answered a call with an error; the message is the peer's error text. */
public final class PeerCallException extends RuntimeException {
  public PeerCallException(String message) {
    super(message, null, false, false);
  }
}
