package io.cairn.server;

/** Entry point of {@code bin/cairn-server}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("not ready");
    System.exit(1);
  }
}
