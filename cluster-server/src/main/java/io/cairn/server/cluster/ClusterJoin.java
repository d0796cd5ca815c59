package io.cairn.server.cluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.etcd.jetcd.api.Member;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * What a member started with {@code --initial-cluster-state existing} learns before it joins, as
 * etcd does: the cluster's ID and members, from the {@code /members} endpoint of any peer it was
 * told about. The joining member must already be in that list (added by {@code member add}).
 */
public final class ClusterJoin {
  /** The remote view: cluster ID and members. */
  public record Remote(long clusterId, List<Member> members) {}

  private ClusterJoin() {}

  /**
   * Asks each peer URL in turn; the first answer wins.
   *
   * @param tls the client TLS context for https peers (null if none)
   * @throws IllegalStateException with etcd's message when no peer answers
   */
  public static Remote fetch(List<URI> peerUrls, SSLContext tls) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (tls != null) {
      b.sslContext(tls);
    }
    HttpClient client = b.build();
    List<String> errors = new ArrayList<>();
    for (URI url : peerUrls) {
      try {
        HttpResponse<String> r = client.send(
            HttpRequest.newBuilder(url.resolve("/members")).timeout(Duration.ofSeconds(3)).build(),
            HttpResponse.BodyHandlers.ofString());
        String cid = r.headers().firstValue("X-Etcd-Cluster-ID").orElse(null);
        if (r.statusCode() != 200 || cid == null) {
          errors.add(url + ": HTTP " + r.statusCode());
          continue;
        }
        return new Remote(Long.parseUnsignedLong(cid, 16), parse(r.body()));
      } catch (Exception e) {
        errors.add(url + ": " + e.getMessage());
      }
    }
    throw new IllegalStateException(
        "cannot fetch cluster info from peer urls: could not retrieve cluster information from the"
            + " given URLs " + errors);
  }

  /** Parses etcd's peer {@code /members} JSON. */
  static List<Member> parse(String json) {
    List<Member> out = new ArrayList<>();
    JsonArray arr = JsonParser.parseString(json).getAsJsonArray();
    for (JsonElement e : arr) {
      JsonObject o = e.getAsJsonObject();
      Member.Builder m = Member.newBuilder()
          .setID(Long.parseUnsignedLong(o.get("id").getAsString()))
          .setName(o.has("name") ? o.get("name").getAsString() : "");
      o.getAsJsonArray("peerURLs").forEach(u -> m.addPeerURLs(u.getAsString()));
      if (o.has("clientURLs")) {
        o.getAsJsonArray("clientURLs").forEach(u -> m.addClientURLs(u.getAsString()));
      }
      if (o.has("isLearner")) {
        m.setIsLearner(o.get("isLearner").getAsBoolean());
      }
      out.add(m.build());
    }
    return out;
  }
}
