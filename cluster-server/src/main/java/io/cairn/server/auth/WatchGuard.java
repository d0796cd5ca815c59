package io.cairn.server.auth;

import com.google.protobuf.ByteString;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.errors.EtcdException;
import io.cairn.server.watch.WatchSessions;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * Watch auth. Creating a watch needs read permission on its range; etcd refuses it with a
 * response that is both created and canceled, watch ID -1, and the gRPC error text as the cancel
 * reason. Events are checked again when they are sent, against the store as it is then: a
 * revoked permission stops delivery at once.
 */
public final class WatchGuard implements WatchSessions.Guard {
  private final Authorizer authorizer;

  public WatchGuard(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  @Override
  public Stream open(ServerCallStreamObserver<WatchResponse> out) {
    return new GuardedStream(Authorizer.credential(), out);
  }

  /** Go's rendering of a gRPC status error, which etcd puts in cancel_reason. */
  static String goStatusText(EtcdError e) {
    String code = switch (e.code()) {
      case PERMISSION_DENIED -> "PermissionDenied";
      case UNAUTHENTICATED -> "Unauthenticated";
      case INVALID_ARGUMENT -> "InvalidArgument";
      case FAILED_PRECONDITION -> "FailedPrecondition";
      default -> e.code().name();
    };
    return "rpc error: code = " + code + " desc = " + e.message();
  }

  private final class GuardedStream implements Stream {
    private final Authorizer.Credential credential;
    private final Filter filter;
    /** The user the stream's last permitted create resolved to. */
    private volatile String user;

    GuardedStream(Authorizer.Credential credential, ServerCallStreamObserver<WatchResponse> out) {
      this.credential = credential;
      this.filter = new Filter(out);
    }

    @Override
    public ServerCallStreamObserver<WatchResponse> observer() {
      return filter;
    }

    @Override
    public boolean refuse(WatchCreateRequest c, ResponseHeader header) {
      AuthStore store = authorizer.store();
      if (!store.enabled()) {
        return false;
      }
      EtcdError err;
      try {
        AuthInfo ai = authorizer.resolve(credential);
        store.checkRange(ai, c.getKey(), c.getRangeEnd());
        user = ai.username();
        return false;
      } catch (EtcdException e) {
        err = switch (e.error()) {
          case INVALID_AUTH_TOKEN, AUTH_OLD_REVISION, USER_EMPTY -> e.error();
          default -> EtcdError.PERMISSION_DENIED;
        };
      }
      filter.direct(WatchResponse.newBuilder().setHeader(header).setWatchId(-1)
          .setCreated(true).setCanceled(true).setCancelReason(goStatusText(err)).build());
      return true;
    }

    /** Passes responses on, without the events the stream's user may not read now. */
    private final class Filter extends ServerCallStreamObserver<WatchResponse> {
      private final ServerCallStreamObserver<WatchResponse> out;

      Filter(ServerCallStreamObserver<WatchResponse> out) {
        this.out = out;
      }

      synchronized void direct(WatchResponse r) {
        out.onNext(r);
      }

      @Override
      public synchronized void onNext(WatchResponse r) {
        AuthStore store = authorizer.store();
        if (r.getEventsCount() == 0 || !store.enabled()) {
          out.onNext(r);
          return;
        }
        String u = user;
        List<Event> kept = new ArrayList<>(r.getEventsCount());
        for (Event e : r.getEventsList()) {
          if (u != null && store.permitted(u, e.getKv().getKey(), ByteString.EMPTY, false)) {
            kept.add(e);
          }
        }
        if (kept.size() == r.getEventsCount()) {
          out.onNext(r);
        } else if (!kept.isEmpty()) {
          out.onNext(r.toBuilder().clearEvents().addAllEvents(kept).build());
        }
      }

      @Override
      public synchronized void onError(Throwable t) {
        out.onError(t);
      }

      @Override
      public synchronized void onCompleted() {
        out.onCompleted();
      }

      @Override
      public boolean isCancelled() {
        return out.isCancelled();
      }

      @Override
      public void setOnCancelHandler(Runnable onCancelHandler) {
        out.setOnCancelHandler(onCancelHandler);
      }

      @Override
      public void setCompression(String compression) {
        out.setCompression(compression);
      }

      @Override
      public boolean isReady() {
        return out.isReady();
      }

      @Override
      public void setOnReadyHandler(Runnable onReadyHandler) {
        out.setOnReadyHandler(onReadyHandler);
      }

      @Override
      public void disableAutoInboundFlowControl() {
        out.disableAutoInboundFlowControl();
      }

      @Override
      public void request(int count) {
        out.request(count);
      }

      @Override
      public void setMessageCompression(boolean enable) {
        out.setMessageCompression(enable);
      }

      @Override
      public void setOnCloseHandler(Runnable onCloseHandler) {
        out.setOnCloseHandler(onCloseHandler);
      }
    }
  }
}
