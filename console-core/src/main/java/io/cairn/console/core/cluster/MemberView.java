package io.cairn.console.core.cluster;

import java.util.List;

/**
 * A member as the member list shows it.
 *
 * @param id   16 lower-case hex digits (the unsigned 64-bit ID, as etcdctl prints it)
 * @param name empty for a member that was added but has not started yet
 */
public record MemberView(String id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
  public MemberView {
    peerUrls = List.copyOf(peerUrls);
    clientUrls = List.copyOf(clientUrls);
  }

  /** True for a member that was added but has never started (it has no name and no client URLs). */
  public boolean started() {
    return !clientUrls.isEmpty();
  }
}
