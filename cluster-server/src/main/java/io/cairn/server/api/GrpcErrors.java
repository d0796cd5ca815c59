package io.cairn.server.api;

import io.cairn.server.errors.EtcdError;
import io.cairn.server.errors.EtcdException;
import io.cairn.server.mvcc.MvccException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one mapper from exceptions to what the client sees. */
public final class GrpcErrors {
  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  public static StatusRuntimeException toStatus(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof EtcdException ee) {
      return ee.error().toStatus();
    }
    if (e instanceof MvccException me) {
      return EtcdException.of(me).error().toStatus();
    }
    if (e instanceof StatusRuntimeException sre) {
      return sre;
    }
    log.warn("unexpected error serving a request", e);
    return Status.UNKNOWN.withDescription(String.valueOf(e.getMessage())).asRuntimeException();
  }

  public static StatusRuntimeException of(EtcdError error) {
    return error.toStatus();
  }
}
