package io.cairn.server.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** etcd's {@code os_fd_used} and {@code os_fd_limit}, read at scrape time. */
final class OsMetrics {
  OsMetrics(Families f) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      f.suppliedGauge("os_fd_used", "The number of used file descriptors.")
          .bindLong(unix::getOpenFileDescriptorCount);
      f.suppliedGauge("os_fd_limit", "The file descriptor limit.")
          .bindLong(unix::getMaxFileDescriptorCount);
    }
  }
}
