package io.cairn.server.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestInfo;

/**
 * A cluster of real member processes on loopback, started from etcd's flags exactly as an operator
 * would start one: the same {@code --initial-cluster} for everyone, each member with its own
 * name, data dir and free ports. Works for Cairn and, with {@code -Dit.server=etcd}, for etcd.
 */
public final class ClusterProcesses implements AutoCloseable {
  private final String testName;
  private final ServerKind kind;
  private final String token;
  private final List<String> extraArgs;
  private String peerScheme = "http";
  private final List<MemberProcess> members = new ArrayList<>();
  private int nextName;

  private ClusterProcesses(String testName, ServerKind kind, String token, List<String> extraArgs) {
    this.testName = testName;
    this.kind = kind;
    this.token = token;
    this.extraArgs = extraArgs;
  }

  /** Starts {@code size} members of a new cluster and waits until all are ready. */
  public static ClusterProcesses start(TestInfo info, int size, String... extraArgs) {
    return start(info, ServerKind.underTest(), size, extraArgs);
  }

  public static ClusterProcesses start(TestInfo info, ServerKind kind, int size,
      String... extraArgs) {
    return startWithPeerScheme(info, kind, size, "http", extraArgs);
  }

  /**
   * Like {@link #start(TestInfo, ServerKind, int, String...)} with {@code https} peer URLs when
   * {@code peerScheme} says so (pass the peer TLS flags in {@code extraArgs}).
   */
  public static ClusterProcesses startWithPeerScheme(TestInfo info, ServerKind kind, int size,
      String peerScheme, String... extraArgs) {
    String test = info.getTestClass().map(Class::getSimpleName).orElse("it") + "."
        + info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("x");
    ClusterProcesses c = new ClusterProcesses(test, kind, "tok-" + System.nanoTime(),
        List.of(extraArgs));
    c.peerScheme = peerScheme;
    try {
      int[] peerPorts = FreePorts.next(size);
      List<String> initial = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        initial.add("m" + (i + 1) + "=" + peerScheme + "://127.0.0.1:" + peerPorts[i]);
      }
      String initialCluster = String.join(",", initial);
      for (int i = 0; i < size; i++) {
        c.members.add(c.builder("m" + (i + 1), peerPorts[i])
            .initialCluster(initialCluster)
            .initialClusterState("new")
            .start());
      }
      c.nextName = size + 1;
      // Members become ready together, once a quorum is up: wait for all at once.
      List<CompletableFuture<MemberProcess>> ready = c.members.stream()
          .map(m -> CompletableFuture.supplyAsync(m::awaitReady)).toList();
      ready.forEach(CompletableFuture::join);
      return c;
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  private MemberProcess.Builder builder(String name, int peerPort) {
    return MemberProcess.builder(kind)
        .test(testName)
        .name(name)
        .peerPort(peerPort)
        .peerScheme(peerScheme)
        .initialClusterToken(token)
        .args(extraArgs.toArray(String[]::new));
  }

  public List<MemberProcess> members() {
    return List.copyOf(members);
  }

  public MemberProcess member(int index) {
    return members.get(index);
  }

  /** Client endpoints of the running members, comma-separated (etcdctl's {@code --endpoints}). */
  public String endpoints() {
    return members.stream().filter(MemberProcess::isAlive).map(MemberProcess::endpoint)
        .collect(Collectors.joining(","));
  }

  /** etcdctl against every running member. */
  public Etcdctl ctl() {
    return Etcdctl.of(members.stream().filter(MemberProcess::isAlive)
        .map(MemberProcess::endpoint).toArray(String[]::new));
  }

  /** The member that a running member reports as leader, if any does. */
  public Optional<MemberProcess> leader() {
    for (MemberProcess m : members) {
      if (!m.isAlive()) {
        continue;
      }
      ProcessResult r = Etcdctl.of(m).withCommandTimeout(Duration.ofSeconds(2))
          .run("endpoint", "status", "-w", "json");
      if (r.exitCode() != 0) {
        continue;
      }
      Map<?, ?> status = (Map<?, ?>) ((Map<?, ?>) ((List<?>) Json.parse(r.stdout())).get(0))
          .get("Status");
      long leader = ((Json.Num) status.get("leader")).longValue();
      long self = ((Json.Num) ((Map<?, ?>) status.get("header")).get("member_id")).longValue();
      if (leader == self) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** The hex member ID a member reports for itself. */
  public static String memberId(MemberProcess m) {
    ProcessResult r = Etcdctl.of(m).run("endpoint", "status", "-w", "json");
    Map<?, ?> status = (Map<?, ?>) ((Map<?, ?>) ((List<?>) Json.parse(r.stdout())).get(0))
        .get("Status");
    long self = ((Json.Num) ((Map<?, ?>) status.get("header")).get("member_id")).longValue();
    return Long.toHexString(self);
  }

  /**
   * Adds a member with {@code etcdctl member add} (as a learner if asked) and starts it with the
   * {@code ETCD_INITIAL_CLUSTER} the command printed; does not wait for readiness.
   */
  public MemberProcess addMember(boolean learner) {
    String name = "m" + nextName++;
    int peerPort = FreePorts.next();
    String peerUrl = peerScheme + "://127.0.0.1:" + peerPort;
    List<String> args = new ArrayList<>(List.of("member", "add", name, "--peer-urls=" + peerUrl));
    if (learner) {
      args.add("--learner");
    }
    // etcd (and Cairn) refuse to grow a cluster whose voters have not all been connected for
    // five seconds ("unhealthy cluster"); right after start that takes a moment.
    java.util.concurrent.atomic.AtomicReference<ProcessResult> result =
        new java.util.concurrent.atomic.AtomicReference<>();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> {
          result.set(ctl().run(args.toArray(String[]::new)));
          return result.get().exitCode() == 0
              || !result.get().stderr().contains("etcdserver: unhealthy cluster");
        });
    ProcessResult added = result.get();
    if (added.exitCode() != 0) {
      throw new AssertionError("etcdctl member add failed: " + added);
    }
    String out = added.stdout();
    String initialCluster = null;
    for (String line : out.split("\n")) {
      if (line.startsWith("ETCD_INITIAL_CLUSTER=")) {
        initialCluster = line.substring("ETCD_INITIAL_CLUSTER=".length()).replace("\"", "");
      }
    }
    if (initialCluster == null) {
      throw new AssertionError("member add printed no ETCD_INITIAL_CLUSTER:\n" + out);
    }
    MemberProcess m = builder(name, peerPort)
        .initialCluster(initialCluster)
        .initialClusterState("existing")
        .start();
    members.add(m);
    return m;
  }

  @Override
  public void close() {
    for (MemberProcess m : members) {
      m.close();
    }
  }
}
