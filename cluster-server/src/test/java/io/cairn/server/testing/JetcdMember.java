package io.cairn.server.testing;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.TestInfo;

/**
 * One member of the kind under test with a jetcd client, and the watchers a test opened on it;
 * {@link #close()} closes the watchers, the client and the member, in that order.
 */
public final class JetcdMember implements AutoCloseable {
  private final MemberProcess member;
  private final Client client;
  private final List<Watch.Watcher> watchers = new CopyOnWriteArrayList<>();

  private JetcdMember(MemberProcess member) {
    this.member = member;
    this.client = Clients.jetcd(member);
  }

  public static JetcdMember start(TestInfo info) {
    return new JetcdMember(MemberProcess.builder(info).startReady());
  }

  public MemberProcess member() {
    return member;
  }

  public Client client() {
    return client;
  }

  /** Closes {@code w} with the member. */
  public Watch.Watcher track(Watch.Watcher w) {
    watchers.add(w);
    return w;
  }

  @Override
  public void close() {
    watchers.forEach(Watch.Watcher::close);
    client.close();
    member.close();
  }
}
