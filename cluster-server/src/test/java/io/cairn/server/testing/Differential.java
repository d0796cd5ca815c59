package io.cairn.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.TestInfo;

/**
 * A fresh member under test ({@code -Dit.server}) next to a fresh reference etcd. The same etcdctl
 * command is run against both, and the normalised outputs must be equal. Because both members
 * start empty (revision 1) and see the same command sequence, revisions, versions and create/mod
 * revisions are compared too.
 */
public final class Differential implements AutoCloseable {
  private final MemberProcess subject;
  private final MemberProcess reference;
  private final Etcdctl subjectCtl;
  private final Etcdctl referenceCtl;
  private final List<String> transcript = new ArrayList<>();
  private final List<AutoCloseable> owned;

  private Differential(MemberProcess subject, MemberProcess reference) {
    this(subject, reference, Etcdctl.of(subject), Etcdctl.of(reference),
        List.of(subject, reference));
  }

  private Differential(MemberProcess subject, MemberProcess reference, Etcdctl subjectCtl,
      Etcdctl referenceCtl, List<AutoCloseable> owned) {
    this.subject = subject;
    this.reference = reference;
    this.subjectCtl = subjectCtl;
    this.referenceCtl = referenceCtl;
    this.owned = owned;
  }

  /**
   * A cluster of {@code size} members of each kind; etcdctl talks to all members of a cluster
   * at once, and {@link #subject()}/{@link #reference()} are each cluster's first member.
   */
  public static Differential startClusters(TestInfo info, int size) {
    ClusterProcesses subject = ClusterProcesses.start(info, ServerKind.underTest(), size);
    ClusterProcesses reference;
    try {
      reference = ClusterProcesses.start(info, ServerKind.reference(), size);
    } catch (RuntimeException | Error e) {
      subject.close();
      throw e;
    }
    return new Differential(subject.member(0), reference.member(0), subject.ctl(),
        reference.ctl(), List.of(subject, reference));
  }

  /** Starts both members in parallel and waits until both are ready. */
  public static Differential start(TestInfo info) {
    MemberProcess subject = MemberProcess.builder(info).name("subject").start();
    MemberProcess reference;
    try {
      reference = MemberProcess.builder(ServerKind.reference()).test(info).name("reference").start();
    } catch (RuntimeException | Error e) {
      subject.close();
      throw e;
    }
    try {
      CompletableFuture<Void> ref = CompletableFuture.runAsync(reference::awaitReady);
      subject.awaitReady();
      ref.join();
    } catch (RuntimeException | Error e) {
      subject.close();
      reference.close();
      throw e;
    }
    return new Differential(subject, reference);
  }

  /** Runs etcdctl against both, asserts equal normalised output, returns the subject's result. */
  public ProcessResult same(String... args) {
    return compare(null, false, args);
  }

  /** Like {@link #same} with {@code stdin} fed to etcdctl. */
  public ProcessResult sameWithStdin(String stdin, String... args) {
    return compare(stdin, false, args);
  }

  /** Like {@link #same} but ignores header revisions. */
  public ProcessResult sameIgnoringRevision(String... args) {
    return compare(null, true, args);
  }

  private ProcessResult compare(String stdin, boolean dropRevision, String... args) {
    Etcdctl s = stdin == null ? subjectCtl : subjectCtl.withStdin(stdin);
    Etcdctl r = stdin == null ? referenceCtl : referenceCtl.withStdin(stdin);
    ProcessResult expected = r.run(args);
    if (expected.exitCode() != 0 && expected.combined().contains("USAGE:")) {
      throw new AssertionError("etcdctl itself rejected the command (not a server response), so the"
          + " comparison would be meaningless: etcdctl " + String.join(" ", args) + "\n" + expected);
    }
    ProcessResult actual = s.run(args);
    String want = Outputs.normalise(expected, dropRevision, args);
    String got = Outputs.normalise(actual, dropRevision, args);
    String cmd = "etcdctl " + String.join(" ", args) + (stdin == null ? "" : "  <<< " + abbreviate(stdin));
    transcript.add(cmd);
    if (!want.equals(got)) {
      throw new AssertionError("output differs from the reference etcd for: " + cmd
          + "\n=== reference (" + reference.kind() + ") ===\n" + want
          + "=== subject (" + subject.kind() + ") ===\n" + got
          + "=== commands so far ===\n" + String.join("\n", transcript));
    }
    return actual;
  }

  public MemberProcess subject() {
    return subject;
  }

  public MemberProcess reference() {
    return reference;
  }

  /** etcdctl bound to the member under test only. */
  public Etcdctl subjectCtl() {
    return subjectCtl;
  }

  public Etcdctl referenceCtl() {
    return referenceCtl;
  }

  private static String abbreviate(String s) {
    String oneLine = s.replace("\n", "\\n");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...(" + s.length() + " chars)";
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        failure = failure != null ? failure : new IllegalStateException(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
