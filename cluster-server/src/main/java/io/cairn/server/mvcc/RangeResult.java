package io.cairn.server.mvcc;

import io.etcd.jetcd.api.KeyValue;
import java.util.List;

/**
 * What a range read found: the key-values (ascending by key, at most the limit asked for), the
 * number of keys in the range regardless of the limit, and the store's current revision.
 */
public record RangeResult(List<KeyValue> kvs, long count, long revision) {}
