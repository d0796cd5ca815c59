package io.cairn.server.api.http;

import io.cairn.server.server.EtcdServer;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Cairn's own endpoint on the client port: {@code GET /cairn/v1/events}, this member's history
 * of leader changes, oldest first:
 *
 * <pre>{"member":"8e9e05c52164694d","total":2,"events":[
 *   {"time":"2026-11-24T10:00:00Z","term":2,"previousLeader":"","leader":"8e9e05c52164694d",
 *    "reason":"elected"}, ...]}</pre>
 *
 * <p>{@code total} counts every change since the member started; the list keeps the latest
 * thousand. Leaders are member IDs in hex; empty means none.
 */
public final class ClusterEvents {
  public static final String PATH = "/cairn/v1/events";

  private ClusterEvents() {}

  public static void register(HttpRouter router, EtcdServer server) {
    router.add(PATH, (ctx, req) -> HttpRouter.send(ctx, req, HttpRouter.json(
        HttpResponseStatus.OK, server.leaderHistory().toJson(server.memberId()))));
  }
}
