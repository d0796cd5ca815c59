package io.cairn.server.api;

import io.cairn.server.watch.WatchSessions;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;

/** {@code etcdserverpb.Watch}: one bidirectional stream per client, many watches on it. */
public final class WatchService extends WatchGrpc.WatchImplBase {
  private final WatchSessions sessions;

  public WatchService(WatchSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
    return sessions.open(responses);
  }
}
