package io.cairn.server.server;

/**
 * The versions a member reports. To clients Cairn is an etcd 3.5 member ({@code /version},
 * Status): tools parse these as dotted numbers. Cairn's own version is reported separately.
 */
public final class Versions {
  private Versions() {}

  public static final String ETCD_SERVER = "3.5.17";
  public static final String ETCD_CLUSTER = "3.5.0";
  /** The capability level logged at start-up, as etcd logs its cluster version. */
  public static final String CLUSTER_CAPABILITY = "3.5";
  public static final String CAIRN = "0.1.0";
}
