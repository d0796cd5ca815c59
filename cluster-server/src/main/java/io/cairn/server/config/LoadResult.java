package io.cairn.server.config;

import java.util.List;

/**
 * The outcome of {@link ConfigLoader#loadWithWarnings}: the effective configuration plus the
 * warnings etcd would log while reading it (unrecognized {@code ETCD_*} variables, ignored TLS
 * files, deprecated flags, values replaced by defaults...). Warnings never stop a member.
 */
public record LoadResult(ServerConfig config, List<String> warnings) {
  public LoadResult {
    warnings = List.copyOf(warnings);
  }
}
