package io.cairn.server.config;

/**
 * A command line, environment or config file that cannot be used. The message is meant to be
 * printed as is (on stderr, before exiting with status 2); where etcd 3.5 has a message for the
 * same mistake, the message is etcd's.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
