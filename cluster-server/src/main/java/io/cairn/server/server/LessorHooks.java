package io.cairn.server.server;

import com.google.protobuf.ByteString;
import io.cairn.server.apply.LeaseHooks;
import io.cairn.server.lease.Lessor;

/** The KV applier's view of the lessor. */
final class LessorHooks implements LeaseHooks {
  private final Lessor lessor;

  LessorHooks(Lessor lessor) {
    this.lessor = lessor;
  }

  @Override
  public boolean exists(long lease) {
    return lessor.exists(lease);
  }

  @Override
  public void attach(long lease, ByteString key) {
    lessor.attach(lease, key);
  }

  @Override
  public void detach(long lease, ByteString key) {
    lessor.detach(lease, key);
  }
}
