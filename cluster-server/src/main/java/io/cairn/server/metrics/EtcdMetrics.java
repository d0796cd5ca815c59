package io.cairn.server.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The metrics of one member. etcd's metrics are registered on the Prometheus registry directly,
 * with etcd 3.5's names, types, help texts, labels and buckets; JVM and process metrics come from
 * Micrometer's binders on the same registry. {@link #scrape()} renders all of them as etcd's Go
 * server renders its {@code /metrics}.
 *
 * <p>Recording is grouped by concern: {@link #server()}, {@link #disk()}, {@link #mvcc()}, {@link
 * #lease()}, {@link #network()}, {@link #snapshot()}, {@link #cairn()}; gRPC calls are counted by
 * a {@link GrpcMetricsInterceptor}.
 */
public final class EtcdMetrics implements AutoCloseable {
  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final GoTextFormat format;
  private final ServerMetrics server;
  private final DiskMetrics disk;
  private final MvccMetrics mvcc;
  private final LeaseMetrics lease;
  private final NetworkMetrics network;
  private final SnapshotMetrics snapshot;
  private final GrpcServerMetrics grpc;
  private final CairnMetrics cairn;
  private final OsMetrics os;

  /** @param serverVersion the etcd version the member reports, for {@code etcd_server_version} */
  public EtcdMetrics(String serverVersion) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus, Clock.SYSTEM);
    new ProcessorMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Families f = new Families(prometheus);
    server = new ServerMetrics(f, serverVersion);
    disk = new DiskMetrics(f);
    mvcc = new MvccMetrics(f);
    lease = new LeaseMetrics(f);
    network = new NetworkMetrics(f);
    snapshot = new SnapshotMetrics(f);
    grpc = new GrpcServerMetrics(f);
    cairn = new CairnMetrics(f);
    os = new OsMetrics(f);
    format = new GoTextFormat(f.plainCounters());
  }

  public ServerMetrics server() {
    return server;
  }

  public DiskMetrics disk() {
    return disk;
  }

  public MvccMetrics mvcc() {
    return mvcc;
  }

  public LeaseMetrics lease() {
    return lease;
  }

  public NetworkMetrics network() {
    return network;
  }

  public SnapshotMetrics snapshot() {
    return snapshot;
  }

  public CairnMetrics cairn() {
    return cairn;
  }

  GrpcServerMetrics grpc() {
    return grpc;
  }

  /** Micrometer's view, for binding further Micrometer meters (they appear in scrapes too). */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Every metric, in the Prometheus text format 0.0.4 as etcd writes it. */
  public String scrape() {
    return format.write(prometheus.scrape());
  }

  /** The content type of {@link #scrape()}'s output. */
  public static String contentType() {
    return GoTextFormat.CONTENT_TYPE;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
