package io.cairn.console.core.keys;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One real member (and jetcd client) per server kind for a test class, started on first use and
 * closed by the class's {@code @AfterAll}; tests keep apart by using their own key prefixes.
 */
public final class Members implements AutoCloseable {
  private final String testClass;
  private final Map<ServerKind, MemberProcess> members = new EnumMap<>(ServerKind.class);
  private final Map<ServerKind, Client> clients = new EnumMap<>(ServerKind.class);

  public Members(Class<?> testClass) {
    this.testClass = testClass.getSimpleName();
  }

  public synchronized MemberProcess member(ServerKind kind) {
    return members.computeIfAbsent(kind, k -> MemberProcess.builder(k)
        .test(testClass + "." + k.name().toLowerCase()).startReady());
  }

  public synchronized Client client(ServerKind kind) {
    return clients.computeIfAbsent(kind, k -> Clients.jetcd(member(k)));
  }

  /** Writes {@code entries} in transactions of 100 puts, a few transactions in flight. */
  public static void putAll(Client client, List<Map.Entry<ByteSequence, ByteSequence>> entries) {
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (int i = 0; i < entries.size(); i += 100) {
      List<Map.Entry<ByteSequence, ByteSequence>> batch =
          entries.subList(i, Math.min(entries.size(), i + 100));
      Op[] puts = batch.stream()
          .map(e -> Op.put(e.getKey(), e.getValue(), PutOption.DEFAULT)).toArray(Op[]::new);
      inFlight.add(client.getKVClient().txn().Then(puts).commit());
      if (inFlight.size() == 8) {
        inFlight.forEach(f -> Clients.get(f));
        inFlight.clear();
      }
    }
    inFlight.forEach(f -> Clients.get(f));
  }

  @Override
  public synchronized void close() {
    clients.values().forEach(Client::close);
    members.values().forEach(MemberProcess::close);
    clients.clear();
    members.clear();
  }
}
