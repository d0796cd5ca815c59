package io.cairn.console.core.cluster;

/**
 * A raised alarm.
 *
 * @param memberId 16 hex digits
 * @param alarm    etcd's alarm name: {@code NOSPACE} or {@code CORRUPT}
 */
public record AlarmView(String memberId, String alarm) {}
