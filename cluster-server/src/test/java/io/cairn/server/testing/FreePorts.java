package io.cairn.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out free TCP ports on 127.0.0.1. A port is found by binding port 0 and closing the socket
 * again; every port handed out is remembered for the lifetime of the JVM so that two members
 * started by the same test run never get the same port.
 */
public final class FreePorts {
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {}

  /** One free loopback port that this JVM has not handed out before. */
  public static synchronized int next() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        port = socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind a loopback port", e);
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no unused loopback port found after 200 attempts");
  }

  /** {@code count} distinct free ports. */
  public static int[] next(int count) {
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) {
      ports[i] = next();
    }
    return ports;
  }
}
