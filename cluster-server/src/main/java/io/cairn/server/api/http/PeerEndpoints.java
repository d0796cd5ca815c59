package io.cairn.server.api.http;

import io.cairn.server.server.EtcdServer;
import io.cairn.server.server.Versions;
import io.etcd.jetcd.api.Member;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What the peer port answers over HTTP, as etcd's does: {@code /version} and {@code /members}
 * (the member list in etcd's peer JSON). Replication traffic joins it with the cluster.
 */
public final class PeerEndpoints {
  private PeerEndpoints() {}

  public static HttpRouter router(EtcdServer server) {
    HttpRouter router = new HttpRouter();
    router.add(
        "/version",
        (ctx, req) ->
            HttpRouter.send(ctx, req, HttpRouter.json(HttpResponseStatus.OK,
                "{\"etcdserver\":\"" + Versions.ETCD_SERVER + "\",\"etcdcluster\":\""
                    + Versions.ETCD_CLUSTER + "\"}")));
    router.add(
        "/members",
        (ctx, req) -> {
          var resp = HttpRouter.json(HttpResponseStatus.OK, membersJson(server));
          // A joining member learns the cluster's ID from this header, as from etcd's.
          resp.headers().set("X-Etcd-Cluster-ID", Long.toHexString(server.clusterId()));
          HttpRouter.send(ctx, req, resp);
        });
    return router;
  }

  static String membersJson(EtcdServer server) {
    StringBuilder b = new StringBuilder("[");
    for (Member m : server.members()) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append("{\"id\":").append(Long.toUnsignedString(m.getID()))
          .append(",\"name\":").append(quote(m.getName()))
          .append(",\"peerURLs\":").append(list(m.getPeerURLsList()))
          .append(",\"clientURLs\":").append(list(m.getClientURLsList()))
          .append(m.getIsLearner() ? ",\"isLearner\":true" : "")
          .append('}');
    }
    return b.append(']').toString();
  }

  private static String list(java.util.List<String> items) {
    StringBuilder b = new StringBuilder("[");
    for (String s : items) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append(quote(s));
    }
    return b.append(']').toString();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
