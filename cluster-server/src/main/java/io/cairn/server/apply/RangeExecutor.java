package io.cairn.server.apply;

import com.google.protobuf.ByteString;
import io.cairn.server.errors.EtcdException;
import io.cairn.server.mvcc.KeyRange;
import io.cairn.server.mvcc.MvccException;
import io.cairn.server.mvcc.RangeReader;
import io.cairn.server.mvcc.RangeResult;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * etcd's Range semantics over an MVCC reader: revision, limit with {@code more}, count, sort,
 * keys-only, count-only and the min/max create/mod revision filters.
 */
public final class RangeExecutor {
  private RangeExecutor() {}

  public static RangeResponse range(RangeReader reader, RangeRequest r) {
    boolean needAll =
        r.getSortOrder() != RangeRequest.SortOrder.NONE
            || r.getMinModRevision() != 0
            || r.getMaxModRevision() != 0
            || r.getMinCreateRevision() != 0
            || r.getMaxCreateRevision() != 0;
    // Fetch one more than the limit to learn whether there is more; fetch everything when the
    // result is sorted or filtered after the read.
    long limit = needAll || r.getLimit() <= 0 ? 0 : r.getLimit() + 1;
    RangeResult rr;
    try {
      rr = reader.range(KeyRange.of(r.getKey(), r.getRangeEnd()), r.getRevision(), limit,
          r.getCountOnly());
    } catch (MvccException e) {
      throw EtcdException.of(e);
    }
    List<KeyValue> kvs = rr.kvs();
    if (needAll) {
      kvs = new ArrayList<>(kvs);
      kvs.removeIf(kv -> !passesFilters(r, kv));
    }
    RangeRequest.SortOrder order = r.getSortOrder();
    if (r.getSortTarget() != RangeRequest.SortTarget.KEY && order == RangeRequest.SortOrder.NONE) {
      // The store returns keys ascending, so sorting by another target defaults to ascending.
      order = RangeRequest.SortOrder.ASCEND;
    } else if (r.getSortTarget() == RangeRequest.SortTarget.KEY
        && order == RangeRequest.SortOrder.ASCEND) {
      order = RangeRequest.SortOrder.NONE;
    }
    if (order != RangeRequest.SortOrder.NONE) {
      Comparator<KeyValue> cmp = comparator(r.getSortTarget());
      if (order == RangeRequest.SortOrder.DESCEND) {
        cmp = cmp.reversed();
      }
      kvs = new ArrayList<>(kvs);
      kvs.sort(cmp);
    }
    RangeResponse.Builder resp = RangeResponse.newBuilder();
    if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
      kvs = kvs.subList(0, (int) r.getLimit());
      resp.setMore(true);
    }
    resp.setCount(rr.count());
    for (KeyValue kv : kvs) {
      resp.addKvs(r.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
    }
    resp.setHeader(ResponseHeader.newBuilder().setRevision(rr.revision()));
    return resp.build();
  }

  private static boolean passesFilters(RangeRequest r, KeyValue kv) {
    if (r.getMaxModRevision() != 0 && kv.getModRevision() > r.getMaxModRevision()) {
      return false;
    }
    if (r.getMinModRevision() != 0 && kv.getModRevision() < r.getMinModRevision()) {
      return false;
    }
    if (r.getMaxCreateRevision() != 0 && kv.getCreateRevision() > r.getMaxCreateRevision()) {
      return false;
    }
    return r.getMinCreateRevision() == 0 || kv.getCreateRevision() >= r.getMinCreateRevision();
  }

  private static Comparator<KeyValue> comparator(RangeRequest.SortTarget target) {
    Comparator<ByteString> bytes = ByteString.unsignedLexicographicalComparator();
    return switch (target) {
      case KEY, UNRECOGNIZED -> Comparator.comparing(KeyValue::getKey, bytes);
      case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
      case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
      case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
      case VALUE -> Comparator.comparing(KeyValue::getValue, bytes);
    };
  }
}
