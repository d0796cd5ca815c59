package io.cairn.server.server;

import io.cairn.server.cluster.ClusterJoin;
import io.cairn.server.cluster.MemberTable;
import io.cairn.server.config.ServerConfig;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.raft.ConfState;
import io.cairn.server.raft.HardState;
import io.cairn.server.raft.MemoryStorage;
import io.cairn.server.raft.SnapshotMeta;
import io.cairn.server.storage.Backend;
import io.cairn.server.storage.RaftLogStore;
import io.cairn.server.storage.Schema;
import io.etcd.jetcd.api.Member;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a member its identity and its Raft state on start, as etcd does:
 *
 * <ul>
 *   <li>a data dir with Raft state resumes it;
 *   <li>otherwise, with {@code --initial-cluster-state new} (and also for data restored from a
 *       snapshot, or written before the log existed), the founding membership comes from {@code
 *       --initial-cluster}: member IDs from peer URLs and token, and a Raft snapshot point at the
 *       data's consistent index (at least 1) listing the founders as voters;
 *   <li>with {@code existing}, the member asks the peers for the cluster's ID and members, finds
 *       itself among them by its advertised peer URLs, and starts with an empty log: the leader
 *       brings it up to date.
 * </ul>
 */
final class Bootstrap {
  private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);

  record Result(long memberId, long clusterId, MemoryStorage raftStorage) {}

  private Bootstrap() {}

  static Result run(ServerConfig cfg, Backend backend, MvccStore store, RaftLogStore raftLog,
      MemberTable members, javax.net.ssl.SSLContext peerTls) {
    boolean fresh = raftLog.isEmpty();
    long member;
    long cluster;
    try (Backend.Write w = backend.write()) {
      Txn<byte[]> txn = w.txn();
      members.load(txn);
      member = backend.getLong(txn, Schema.MEMBER_ID, 0);
      cluster = backend.getLong(txn, Schema.CLUSTER_ID, 0);
      if (fresh) {
        if ("existing".equals(cfg.initialClusterState()) && store.consistentIndex() == 0) {
          long[] ids = join(cfg, txn, members, peerTls);
          member = ids[0];
          cluster = ids[1];
        } else {
          long[] ids = found(cfg, txn, members, raftLog, store.consistentIndex(), member, cluster);
          member = ids[0];
          cluster = ids[1];
        }
        backend.putLong(txn, Schema.MEMBER_ID, member);
        backend.putLong(txn, Schema.CLUSTER_ID, cluster);
      }
      w.commit();
    }
    return new Result(member, cluster, raftLog.load());
  }

  /** Founds a new cluster (or re-founds one from restored data) from the initial cluster. */
  private static long[] found(ServerConfig cfg, Txn<byte[]> txn, MemberTable members,
      RaftLogStore raftLog, long consistentIndex, long storedMember, long storedCluster) {
    Map<String, List<URI>> initial = cfg.initialClusterMap();
    List<Long> ids = new ArrayList<>();
    long self = 0;
    Set<Long> voters = new HashSet<>();
    for (Map.Entry<String, List<URI>> e : initial.entrySet()) {
      long id = MemberIds.memberId(e.getValue(), cfg.initialClusterToken());
      if (e.getKey().equals(cfg.name()) && storedMember != 0) {
        // Restored data keeps the identity the restore gave it (etcd keeps it in the new WAL).
        id = storedMember;
      }
      ids.add(id);
      voters.add(id);
      Member.Builder m = Member.newBuilder().setID(id);
      e.getValue().forEach(u -> m.addPeerURLs(u.toString()));
      if (e.getKey().equals(cfg.name())) {
        self = id;
      }
      if (!members.contains(id)) {
        members.put(txn, m.build());
      }
    }
    if (self == 0) {
      throw new IllegalStateException("couldn't find local name \"" + cfg.name()
          + "\" in the initial cluster configuration");
    }
    long cluster = MemberIds.clusterId(ids);
    if (storedMember != 0 && storedCluster != 0) {
      self = storedMember;
      cluster = storedCluster;
    }
    long index = Math.max(1, consistentIndex);
    ConfState cs = new ConfState(voters, Set.of());
    raftLog.setSnapshot(txn, new SnapshotMeta(index, 1, cs));
    raftLog.setConfState(txn, cs);
    raftLog.setHardState(txn, new HardState(1, 0, index));
    log.atInfo()
        .addKeyValue("local-member-id", MemberIds.hex(self))
        .addKeyValue("cluster-id", MemberIds.hex(cluster))
        .addKeyValue("members", initial.keySet().toString())
        .log("starting a new cluster");
    return new long[] {self, cluster};
  }

  /** Joins an existing cluster: learn it from the peers, find ourselves in it. */
  private static long[] join(ServerConfig cfg, Txn<byte[]> txn, MemberTable members,
      javax.net.ssl.SSLContext peerTls) {
    List<URI> others = new ArrayList<>();
    Set<String> mine = new HashSet<>();
    cfg.initialAdvertisePeerUrls().forEach(u -> mine.add(u.toString()));
    cfg.initialClusterMap().forEach((name, urls) -> {
      if (!name.equals(cfg.name())) {
        others.addAll(urls);
      }
    });
    ClusterJoin.Remote remote = ClusterJoin.fetch(others, peerTls);
    long self = 0;
    for (Member m : remote.members()) {
      if (m.getPeerURLsList().stream().anyMatch(mine::contains)) {
        self = m.getID();
      }
      members.put(txn, m);
    }
    if (self == 0) {
      throw new IllegalStateException("error validating peerURLs " + cfg.initialAdvertisePeerUrls()
          + ": member not found in the existing cluster (add it with member add first)");
    }
    log.atInfo()
        .addKeyValue("local-member-id", MemberIds.hex(self))
        .addKeyValue("cluster-id", MemberIds.hex(remote.clusterId()))
        .log("joining an existing cluster");
    return new long[] {self, remote.clusterId()};
  }
}
