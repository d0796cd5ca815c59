package io.cairn.server.metrics;

import io.cairn.server.api.http.HttpRouter;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.BooleanSupplier;

/** {@code GET /metrics} (and the metrics port's {@code /health}) on an {@link HttpRouter}. */
public final class MetricsEndpoint {
  private MetricsEndpoint() {}

  /** Serves {@code /metrics} from {@code metrics}. */
  public static void register(HttpRouter router, EtcdMetrics metrics) {
    router.add(
        "/metrics",
        (ctx, req) ->
            HttpRouter.send(
                ctx, req,
                HttpRouter.response(
                    HttpResponseStatus.OK, EtcdMetrics.contentType(), metrics.scrape())));
  }

  /**
   * Serves etcd's {@code /health}: {@code {"health":"true"}} with 200, or {@code
   * {"health":"false"}} with 503; each check is counted in {@code etcd_server_health_*}.
   */
  public static void registerHealth(
      HttpRouter router, EtcdMetrics metrics, BooleanSupplier healthy) {
    router.add(
        "/health",
        (ctx, req) -> {
          boolean ok = healthy.getAsBoolean();
          metrics.server().healthCheck(ok);
          HttpRouter.send(
              ctx, req,
              HttpRouter.json(
                  ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                  "{\"health\":\"" + ok + "\"}"));
        });
  }
}
