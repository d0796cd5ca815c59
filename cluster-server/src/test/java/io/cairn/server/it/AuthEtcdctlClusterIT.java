package io.cairn.server.it;

import io.cairn.server.testing.Differential;
import org.junit.jupiter.api.TestInfo;

/**
 * {@link AuthEtcdctlIT}'s whole matrix — users, roles, permissions, then every operation as root,
 * reader, writer and stranger — against a three-member Cairn cluster and a three-member etcd
 * cluster, with etcdctl talking to all members of each (auth state and tokens must hold on
 * every member).
 */
class AuthEtcdctlClusterIT extends AuthEtcdctlIT {
  @Override
  Differential open(TestInfo info) {
    return Differential.startClusters(info, 3);
  }
}
