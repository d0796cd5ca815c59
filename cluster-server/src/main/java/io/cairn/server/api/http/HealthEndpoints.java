package io.cairn.server.api.http;

import io.cairn.server.metrics.MetricsEndpoint;
import io.cairn.server.server.EtcdServer;
import io.cairn.server.server.Versions;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code /version}, {@code /health} (counted in etcd's health metrics), {@code /livez}, {@code
 * /readyz}. Bodies are exactly etcd's:
 * clients compare them as strings or parse the version parts as numbers. Cairn's own version goes
 * in a response header.
 */
public final class HealthEndpoints {
  private HealthEndpoints() {}

  public static void register(HttpRouter router, EtcdServer server) {
    router.add(
        "/version",
        (ctx, req) -> {
          FullHttpResponse r =
              HttpRouter.json(
                  HttpResponseStatus.OK,
                  "{\"etcdserver\":\"" + Versions.ETCD_SERVER + "\",\"etcdcluster\":\""
                      + Versions.ETCD_CLUSTER + "\"}");
          r.headers().set("X-Cairn-Version", Versions.CAIRN);
          HttpRouter.send(ctx, req, r);
        });
    MetricsEndpoint.registerHealth(router, server.metrics(), server::isHealthy);
    HttpRoute probe =
        (ctx, req) -> {
          boolean healthy = server.isHealthy();
          HttpRouter.send(
              ctx, req,
              HttpRouter.text(
                  healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                  healthy ? "ok" : "not ok"));
        };
    router.add("/livez", probe);
    router.add("/readyz", probe);
  }
}
