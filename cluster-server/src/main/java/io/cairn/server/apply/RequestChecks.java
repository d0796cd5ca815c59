package io.cairn.server.apply;

import com.google.protobuf.ByteString;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.errors.EtcdException;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd makes on a KV request before it enters the log, with etcd's errors. Pure
 * functions of the request.
 */
public final class RequestChecks {
  private RequestChecks() {}

  public static void checkRange(RangeRequest r) {
    if (r.getKey().isEmpty()) {
      throw EtcdError.EMPTY_KEY.exception();
    }
    if (r.getSortOrderValue() < 0 || r.getSortOrderValue() > 2) {
      throw EtcdError.INVALID_SORT_OPTION.exception();
    }
    if (r.getSortTargetValue() < 0 || r.getSortTargetValue() > 4) {
      throw EtcdError.INVALID_SORT_OPTION.exception();
    }
  }

  public static void checkPut(PutRequest r) {
    if (r.getKey().isEmpty()) {
      throw EtcdError.EMPTY_KEY.exception();
    }
    if (r.getIgnoreValue() && !r.getValue().isEmpty()) {
      throw EtcdError.VALUE_PROVIDED.exception();
    }
    if (r.getIgnoreLease() && r.getLease() != 0) {
      throw EtcdError.LEASE_PROVIDED.exception();
    }
  }

  public static void checkDelete(DeleteRangeRequest r) {
    if (r.getKey().isEmpty()) {
      throw EtcdError.EMPTY_KEY.exception();
    }
  }

  public static void checkTxn(TxnRequest r, int maxTxnOps) {
    checkTxnOps(r, maxTxnOps);
    checkIntervals(r.getSuccessList());
    checkIntervals(r.getFailureList());
  }

  private static void checkTxnOps(TxnRequest r, int maxTxnOps) {
    int ops = Math.max(r.getCompareCount(), Math.max(r.getSuccessCount(), r.getFailureCount()));
    if (ops > maxTxnOps) {
      throw EtcdError.TOO_MANY_OPS.exception();
    }
    for (Compare c : r.getCompareList()) {
      if (c.getKey().isEmpty()) {
        throw EtcdError.EMPTY_KEY.exception();
      }
    }
    for (RequestOp op : r.getSuccessList()) {
      checkOp(op, maxTxnOps - ops);
    }
    for (RequestOp op : r.getFailureList()) {
      checkOp(op, maxTxnOps - ops);
    }
  }

  private static void checkOp(RequestOp op, int maxTxnOps) {
    switch (op.getRequestCase()) {
      case REQUEST_RANGE -> checkRange(op.getRequestRange());
      case REQUEST_PUT -> checkPut(op.getRequestPut());
      case REQUEST_DELETE_RANGE -> checkDelete(op.getRequestDeleteRange());
      case REQUEST_TXN -> checkTxnOps(op.getRequestTxn(), maxTxnOps);
      case REQUEST_NOT_SET -> throw EtcdError.KEY_NOT_FOUND.exception();
    }
  }

  /** A deleted key or interval [begin, end); end empty = the single key {@code begin}. */
  private record Interval(ByteString begin, ByteString end) {
    boolean containsPoint(ByteString k) {
      if (end.isEmpty()) {
        return begin.equals(k);
      }
      var cmp = ByteString.unsignedLexicographicalComparator();
      return cmp.compare(begin, k) <= 0 && cmp.compare(k, end) < 0;
    }
  }

  private record PutsAndDeletes(Set<ByteString> puts, List<Interval> dels) {}

  /**
   * etcd's duplicate-key rule: within one branch (counting nested transactions), a key may be put
   * at most once and may not be both put and deleted. Puts in the two branches of one nested
   * transaction may overlap, since only one of them runs. Overlapping deletes are allowed.
   */
  private static PutsAndDeletes checkIntervals(List<RequestOp> reqs) {
    List<Interval> dels = new ArrayList<>();
    for (RequestOp op : reqs) {
      if (op.hasRequestDeleteRange()) {
        DeleteRangeRequest d = op.getRequestDeleteRange();
        dels.add(new Interval(d.getKey(), d.getRangeEnd()));
      }
    }
    Set<ByteString> puts = new HashSet<>();
    for (RequestOp op : reqs) {
      if (!op.hasRequestTxn()) {
        continue;
      }
      PutsAndDeletes then = checkIntervals(op.getRequestTxn().getSuccessList());
      PutsAndDeletes otherwise = checkIntervals(op.getRequestTxn().getFailureList());
      for (ByteString k : then.puts()) {
        if (puts.contains(k) || intersects(dels, k)) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        puts.add(k);
      }
      for (ByteString k : otherwise.puts()) {
        if (puts.contains(k) && !then.puts().contains(k)) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        if (intersects(dels, k)) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        puts.add(k);
      }
      dels.addAll(then.dels());
      dels.addAll(otherwise.dels());
    }
    for (RequestOp op : reqs) {
      if (!op.hasRequestPut()) {
        continue;
      }
      ByteString k = op.getRequestPut().getKey();
      if (puts.contains(k) || intersects(dels, k)) {
        throw EtcdError.DUPLICATE_KEY.exception();
      }
      puts.add(k);
    }
    return new PutsAndDeletes(puts, dels);
  }

  private static boolean intersects(List<Interval> dels, ByteString k) {
    for (Interval i : dels) {
      if (i.containsPoint(k)) {
        return true;
      }
    }
    return false;
  }

  /** True when no branch of {@code r}, however nested, writes anything. */
  public static boolean isReadOnly(TxnRequest r) {
    for (RequestOp op : r.getSuccessList()) {
      if (!isReadOnly(op)) {
        return false;
      }
    }
    for (RequestOp op : r.getFailureList()) {
      if (!isReadOnly(op)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isReadOnly(RequestOp op) {
    return switch (op.getRequestCase()) {
      case REQUEST_RANGE, REQUEST_NOT_SET -> true;
      case REQUEST_PUT, REQUEST_DELETE_RANGE -> false;
      case REQUEST_TXN -> isReadOnly(op.getRequestTxn());
    };
  }

  /**
   * Whether a read-only transaction may be served without ReadIndex: as in etcd, only when every
   * range in it (nested ones included) asks to be serializable.
   */
  public static boolean isSerializable(TxnRequest r) {
    for (java.util.List<RequestOp> ops : java.util.List.of(r.getSuccessList(), r.getFailureList())) {
      for (RequestOp op : ops) {
        boolean ok = switch (op.getRequestCase()) {
          case REQUEST_RANGE -> op.getRequestRange().getSerializable();
          case REQUEST_TXN -> isSerializable(op.getRequestTxn());
          default -> true;
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
