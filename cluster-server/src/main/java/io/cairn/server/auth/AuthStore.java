package io.cairn.server.auth;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.cairn.server.apply.Command;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.storage.Backend;
import io.cairn.server.storage.Schema;
import io.etcd.jetcd.api.AuthDisableResponse;
import io.etcd.jetcd.api.AuthEnableResponse;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleAddResponse;
import io.etcd.jetcd.api.AuthRoleDeleteRequest;
import io.etcd.jetcd.api.AuthRoleDeleteResponse;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionResponse;
import io.etcd.jetcd.api.AuthRoleRevokePermissionRequest;
import io.etcd.jetcd.api.AuthRoleRevokePermissionResponse;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserAddResponse;
import io.etcd.jetcd.api.AuthUserChangePasswordRequest;
import io.etcd.jetcd.api.AuthUserChangePasswordResponse;
import io.etcd.jetcd.api.AuthUserDeleteRequest;
import io.etcd.jetcd.api.AuthUserDeleteResponse;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleResponse;
import io.etcd.jetcd.api.AuthUserRevokeRoleRequest;
import io.etcd.jetcd.api.AuthUserRevokeRoleResponse;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.AuthenticateResponse;
import io.etcd.jetcd.api.Permission;
import io.etcd.jetcd.api.Role;
import io.etcd.jetcd.api.User;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Txn;

/**
 * etcd's auth store: users (bcrypt hashes, roles, {@code no_password}), roles (key permissions),
 * the enabled flag and the auth revision, which every change bumps. Persisted in the {@code auth},
 * {@code auth_users} and {@code auth_roles} databases; changed only by applied commands (the apply
 * thread), read by everyone from an immutable snapshot.
 */
public final class AuthStore {
  public static final String ROOT = "root";
  private static final byte[] ENABLED = "authEnabled".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REVISION = "authRevision".getBytes(StandardCharsets.US_ASCII);
  /** {@code authpb.User.options} and {@code AuthUserAddRequest.options}: field numbers. */
  private static final int USER_OPTIONS_FIELD = 4;
  private static final int REQUEST_OPTIONS_FIELD = 3;

  /** One user as stored. Roles sorted. */
  public record UserRecord(String name, byte[] password, List<String> roles, boolean noPassword) {
    boolean isRoot() {
      return roles.contains(ROOT);
    }
  }

  private record State(
      boolean enabled,
      long revision,
      NavigableMap<String, UserRecord> users,
      NavigableMap<String, Role> roles,
      Map<String, RangePermissions> cache) {}

  private final Backend backend;
  private final TokenProvider tokens;
  private volatile State state;

  public AuthStore(Backend backend, Txn<byte[]> readTxn, TokenProvider tokens) {
    this.backend = backend;
    this.tokens = tokens;
    reload(readTxn);
  }

  /** Reads users, roles and flags again (after a snapshot from the leader replaced them). */
  public void reload(Txn<byte[]> readTxn) {
    NavigableMap<String, UserRecord> users = new TreeMap<>();
    NavigableMap<String, Role> roles = new TreeMap<>();
    try (CursorIterable<byte[]> rows = backend.db(Schema.AUTH_USERS).iterate(readTxn)) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        UserRecord u = decodeUser(row.val());
        users.put(u.name(), u);
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt auth user", e);
    }
    try (CursorIterable<byte[]> rows = backend.db(Schema.AUTH_ROLES).iterate(readTxn)) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        Role r = Role.parseFrom(row.val());
        roles.put(r.getName().toStringUtf8(), r);
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt auth role", e);
    }
    byte[] en = backend.db(Schema.AUTH).get(readTxn, ENABLED);
    byte[] rev = backend.db(Schema.AUTH).get(readTxn, REVISION);
    state = new State(en != null && en.length == 1 && en[0] == 1,
        rev == null ? 0 : ByteBuffer.wrap(rev).getLong(), users, roles, new ConcurrentHashMap<>());
  }

  public TokenProvider tokens() {
    return tokens;
  }

  public boolean enabled() {
    return state.enabled();
  }

  public long revision() {
    return state.revision();
  }

  public UserRecord user(String name) {
    return state.users().get(name);
  }

  public List<String> userNames() {
    return List.copyOf(state.users().keySet());
  }

  public Role role(String name) {
    return state.roles().get(name);
  }

  public List<String> roleNames() {
    return List.copyOf(state.roles().keySet());
  }

  // ---- checks (any thread) ----

  /**
   * Checks a password (slow: bcrypt) and returns the revision it was checked at. etcd's
   * CheckPassword.
   */
  public long checkPassword(String name, String password) {
    State s = state;
    if (!s.enabled()) {
      throw EtcdError.AUTH_NOT_ENABLED.exception();
    }
    UserRecord u = s.users().get(name);
    if (u == null || u.noPassword() || !Passwords.matches(u.password(), password)) {
      throw EtcdError.AUTH_FAILED.exception();
    }
    return s.revision();
  }

  /** etcd's IsAdminPermitted: the caller has the root role (always true while auth is off). */
  public void checkAdmin(AuthInfo ai) {
    State s = state;
    if (!s.enabled()) {
      return;
    }
    if (ai == null || ai.username().isEmpty()) {
      throw EtcdError.USER_EMPTY.exception();
    }
    UserRecord u = s.users().get(ai.username());
    if (u == null) {
      throw EtcdError.USER_NOT_FOUND.exception();
    }
    if (!u.isRoot()) {
      throw EtcdError.PERMISSION_DENIED.exception();
    }
  }

  public boolean isAdmin(AuthInfo ai) {
    try {
      checkAdmin(ai);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public boolean userHasRole(String user, String role) {
    UserRecord u = state.users().get(user);
    return u != null && u.roles().contains(role);
  }

  public void checkRange(AuthInfo ai, ByteString key, ByteString rangeEnd) {
    checkOp(ai, key, rangeEnd, false);
  }

  public void checkPut(AuthInfo ai, ByteString key) {
    checkOp(ai, key, ByteString.EMPTY, true);
  }

  public void checkDeleteRange(AuthInfo ai, ByteString key, ByteString rangeEnd) {
    checkOp(ai, key, rangeEnd, true);
  }

  /** etcd's isOpPermitted. */
  private void checkOp(AuthInfo ai, ByteString key, ByteString rangeEnd, boolean write) {
    State s = state;
    if (!s.enabled()) {
      return;
    }
    if (ai == null || ai.revision() == 0) {
      throw EtcdError.USER_EMPTY.exception();
    }
    if (ai.revision() < s.revision()) {
      throw EtcdError.AUTH_OLD_REVISION.exception();
    }
    if (!permitted(s, ai.username(), key, rangeEnd, write)) {
      throw EtcdError.PERMISSION_DENIED.exception();
    }
  }

  /** Whether {@code user} may read or write a range now; no revision check (watch delivery). */
  public boolean permitted(String user, ByteString key, ByteString rangeEnd, boolean write) {
    State s = state;
    return !s.enabled() || permitted(s, user, key, rangeEnd, write);
  }

  private static boolean permitted(
      State s, String user, ByteString key, ByteString rangeEnd, boolean write) {
    UserRecord u = s.users().get(user);
    if (u == null) {
      return false;
    }
    if (u.isRoot()) {
      return true;
    }
    RangePermissions p = s.cache().computeIfAbsent(user, n -> {
      List<Permission> all = new ArrayList<>();
      for (String r : u.roles()) {
        Role role = s.roles().get(r);
        if (role != null) {
          all.addAll(role.getKeyPermissionList());
        }
      }
      return RangePermissions.of(all);
    });
    return write ? p.canWrite(key, rangeEnd) : p.canRead(key, rangeEnd);
  }

  // ---- apply (apply thread, inside the batch's transaction) ----

  /** Applies one auth command; returns the response without header, or throws etcd's error. */
  public Object apply(Txn<byte[]> txn, Command.Kind kind, byte[] payload, long index)
      throws InvalidProtocolBufferException {
    AuthCommand c = AuthCommand.decode(payload);
    State s = state;
    AuthInfo caller = new AuthInfo(c.user(), c.authRevision());
    if (kind != Command.Kind.AUTHENTICATE) {
      checkAdmin(caller);
    }
    ByteString req = c.request();
    return switch (kind) {
      case AUTH_ENABLE -> {
        if (!s.enabled()) {
          UserRecord root = s.users().get(ROOT);
          if (root == null) {
            throw EtcdError.ROOT_USER_NOT_EXIST.exception();
          }
          if (!root.isRoot()) {
            throw EtcdError.ROOT_ROLE_NOT_EXIST.exception();
          }
          backend.db(Schema.AUTH).put(txn, ENABLED, new byte[] {1});
          state = new State(true, s.revision(), s.users(), s.roles(), new ConcurrentHashMap<>());
        }
        yield AuthEnableResponse.getDefaultInstance();
      }
      case AUTH_DISABLE -> {
        if (s.enabled()) {
          backend.db(Schema.AUTH).put(txn, ENABLED, new byte[] {0});
          commit(txn, false, s.users(), s.roles());
          tokens.disable();
        }
        yield AuthDisableResponse.getDefaultInstance();
      }
      case AUTHENTICATE -> {
        AuthenticateRequest r = AuthenticateRequest.parseFrom(req);
        if (!s.enabled()) {
          throw EtcdError.AUTH_NOT_ENABLED.exception();
        }
        UserRecord u = s.users().get(r.getName());
        if (u == null || u.noPassword()) {
          throw EtcdError.AUTH_FAILED.exception();
        }
        if (c.checkedRevision() != s.revision()) {
          // The password was checked against an older store: the caller checks again.
          throw EtcdError.AUTH_OLD_REVISION.exception();
        }
        String token =
            tokens.assign(r.getName(), s.revision(), c.tokenPrefix(), index);
        yield AuthenticateResponse.newBuilder().setToken(token).build();
      }
      case USER_ADD -> {
        AuthUserAddRequest r = AuthUserAddRequest.parseFrom(req);
        if (r.getName().isEmpty()) {
          throw EtcdError.USER_EMPTY.exception();
        }
        if (s.users().containsKey(r.getName())) {
          throw EtcdError.USER_ALREADY_EXIST.exception();
        }
        boolean noPassword = noPassword(r);
        UserRecord u = new UserRecord(r.getName(),
            noPassword ? new byte[0] : c.hashedPassword().toByteArray(), List.of(), noPassword);
        yield putUser(txn, s, u, AuthUserAddResponse.getDefaultInstance());
      }
      case USER_DELETE -> {
        AuthUserDeleteRequest r = AuthUserDeleteRequest.parseFrom(req);
        if (s.enabled() && r.getName().equals(ROOT)) {
          throw EtcdError.INVALID_AUTH_MGMT.exception();
        }
        if (!s.users().containsKey(r.getName())) {
          throw EtcdError.USER_NOT_FOUND.exception();
        }
        NavigableMap<String, UserRecord> users = new TreeMap<>(s.users());
        users.remove(r.getName());
        backend.db(Schema.AUTH_USERS).delete(txn, utf8(r.getName()));
        commit(txn, s.enabled(), users, s.roles());
        tokens.invalidateUser(r.getName());
        yield AuthUserDeleteResponse.getDefaultInstance();
      }
      case USER_CHANGE_PASSWORD -> {
        AuthUserChangePasswordRequest r = AuthUserChangePasswordRequest.parseFrom(req);
        UserRecord u = s.users().get(r.getName());
        if (u == null) {
          throw EtcdError.USER_NOT_FOUND.exception();
        }
        Object resp = putUser(txn, s,
            new UserRecord(u.name(), c.hashedPassword().toByteArray(), u.roles(), u.noPassword()),
            AuthUserChangePasswordResponse.getDefaultInstance());
        tokens.invalidateUser(r.getName());
        yield resp;
      }
      case USER_GRANT_ROLE -> {
        AuthUserGrantRoleRequest r = AuthUserGrantRoleRequest.parseFrom(req);
        UserRecord u = s.users().get(r.getUser());
        if (u == null) {
          throw EtcdError.USER_NOT_FOUND.exception();
        }
        if (!r.getRole().equals(ROOT) && !s.roles().containsKey(r.getRole())) {
          throw EtcdError.ROLE_NOT_FOUND.exception();
        }
        if (u.roles().contains(r.getRole())) {
          yield AuthUserGrantRoleResponse.getDefaultInstance();
        }
        List<String> roles = new ArrayList<>(u.roles());
        roles.add(r.getRole());
        Collections.sort(roles);
        yield putUser(txn, s, new UserRecord(u.name(), u.password(), List.copyOf(roles),
            u.noPassword()), AuthUserGrantRoleResponse.getDefaultInstance());
      }
      case USER_REVOKE_ROLE -> {
        AuthUserRevokeRoleRequest r = AuthUserRevokeRoleRequest.parseFrom(req);
        if (s.enabled() && r.getName().equals(ROOT) && r.getRole().equals(ROOT)) {
          throw EtcdError.INVALID_AUTH_MGMT.exception();
        }
        UserRecord u = s.users().get(r.getName());
        if (u == null) {
          throw EtcdError.USER_NOT_FOUND.exception();
        }
        if (!u.roles().contains(r.getRole())) {
          throw EtcdError.ROLE_NOT_GRANTED.exception();
        }
        List<String> roles = new ArrayList<>(u.roles());
        roles.remove(r.getRole());
        yield putUser(txn, s, new UserRecord(u.name(), u.password(), List.copyOf(roles),
            u.noPassword()), AuthUserRevokeRoleResponse.getDefaultInstance());
      }
      case ROLE_ADD -> {
        AuthRoleAddRequest r = AuthRoleAddRequest.parseFrom(req);
        if (r.getName().isEmpty()) {
          throw EtcdError.ROLE_EMPTY.exception();
        }
        if (s.roles().containsKey(r.getName())) {
          throw EtcdError.ROLE_ALREADY_EXIST.exception();
        }
        yield putRole(txn, s, Role.newBuilder().setName(ByteString.copyFromUtf8(r.getName()))
            .build(), AuthRoleAddResponse.getDefaultInstance());
      }
      case ROLE_DELETE -> {
        AuthRoleDeleteRequest r = AuthRoleDeleteRequest.parseFrom(req);
        if (s.enabled() && r.getRole().equals(ROOT)) {
          throw EtcdError.INVALID_AUTH_MGMT.exception();
        }
        if (!s.roles().containsKey(r.getRole())) {
          throw EtcdError.ROLE_NOT_FOUND.exception();
        }
        NavigableMap<String, Role> roles = new TreeMap<>(s.roles());
        roles.remove(r.getRole());
        backend.db(Schema.AUTH_ROLES).delete(txn, utf8(r.getRole()));
        NavigableMap<String, UserRecord> users = new TreeMap<>(s.users());
        for (UserRecord u : s.users().values()) {
          if (u.roles().contains(r.getRole())) {
            List<String> left = new ArrayList<>(u.roles());
            left.remove(r.getRole());
            UserRecord n = new UserRecord(u.name(), u.password(), List.copyOf(left),
                u.noPassword());
            users.put(n.name(), n);
            backend.db(Schema.AUTH_USERS).put(txn, utf8(n.name()), encodeUser(n));
          }
        }
        commit(txn, s.enabled(), users, roles);
        yield AuthRoleDeleteResponse.getDefaultInstance();
      }
      case ROLE_GRANT_PERMISSION -> {
        AuthRoleGrantPermissionRequest r = AuthRoleGrantPermissionRequest.parseFrom(req);
        if (!r.hasPerm()) {
          throw EtcdError.PERMISSION_NOT_GIVEN.exception();
        }
        Permission p = r.getPerm();
        if (!validRange(p.getKey(), p.getRangeEnd())) {
          throw EtcdError.INVALID_AUTH_MGMT.exception();
        }
        Role role = s.roles().get(r.getName());
        if (role == null) {
          throw EtcdError.ROLE_NOT_FOUND.exception();
        }
        List<Permission> perms = new ArrayList<>(role.getKeyPermissionList());
        boolean updated = false;
        for (int i = 0; i < perms.size(); i++) {
          Permission q = perms.get(i);
          if (q.getKey().equals(p.getKey()) && q.getRangeEnd().equals(p.getRangeEnd())) {
            perms.set(i, q.toBuilder().setPermType(p.getPermType()).build());
            updated = true;
          }
        }
        if (!updated) {
          perms.add(p);
          perms.sort((a, b) -> ByteString.unsignedLexicographicalComparator()
              .compare(a.getKey(), b.getKey()));
        }
        yield putRole(txn, s, role.toBuilder().clearKeyPermission().addAllKeyPermission(perms)
            .build(), AuthRoleGrantPermissionResponse.getDefaultInstance());
      }
      case ROLE_REVOKE_PERMISSION -> {
        AuthRoleRevokePermissionRequest r = AuthRoleRevokePermissionRequest.parseFrom(req);
        Role role = s.roles().get(r.getRole());
        if (role == null) {
          throw EtcdError.ROLE_NOT_FOUND.exception();
        }
        List<Permission> perms = new ArrayList<>();
        for (Permission q : role.getKeyPermissionList()) {
          if (!(q.getKey().equals(r.getKey()) && q.getRangeEnd().equals(r.getRangeEnd()))) {
            perms.add(q);
          }
        }
        if (perms.size() == role.getKeyPermissionCount()) {
          throw EtcdError.PERMISSION_NOT_GRANTED.exception();
        }
        yield putRole(txn, s, role.toBuilder().clearKeyPermission().addAllKeyPermission(perms)
            .build(), AuthRoleRevokePermissionResponse.getDefaultInstance());
      }
      default -> throw new IllegalArgumentException("not an auth command: " + kind);
    };
  }

  /** etcd 3.5's isValidPermissionRange: a key is given, and the range is not inverted. */
  static boolean validRange(ByteString key, ByteString rangeEnd) {
    if (key.isEmpty()) {
      return false;
    }
    if (rangeEnd.isEmpty() || (rangeEnd.size() == 1 && rangeEnd.byteAt(0) == 0)) {
      return true;
    }
    return ByteString.unsignedLexicographicalComparator().compare(key, rangeEnd) < 0;
  }

  private Object putUser(Txn<byte[]> txn, State s, UserRecord u, Object response) {
    NavigableMap<String, UserRecord> users = new TreeMap<>(s.users());
    users.put(u.name(), u);
    backend.db(Schema.AUTH_USERS).put(txn, utf8(u.name()), encodeUser(u));
    commit(txn, s.enabled(), users, s.roles());
    return response;
  }

  private Object putRole(Txn<byte[]> txn, State s, Role r, Object response) {
    NavigableMap<String, Role> roles = new TreeMap<>(s.roles());
    roles.put(r.getName().toStringUtf8(), r);
    backend.db(Schema.AUTH_ROLES).put(txn, r.getName().toByteArray(), r.toByteArray());
    commit(txn, s.enabled(), s.users(), roles);
    return response;
  }

  /** Bumps the auth revision and publishes the new state. */
  private void commit(Txn<byte[]> txn, boolean enabled, NavigableMap<String, UserRecord> users,
      NavigableMap<String, Role> roles) {
    long rev = state.revision() + 1;
    backend.db(Schema.AUTH).put(txn, REVISION, ByteBuffer.allocate(8).putLong(rev).array());
    state = new State(enabled, rev, Collections.unmodifiableNavigableMap(users),
        Collections.unmodifiableNavigableMap(roles), new ConcurrentHashMap<>());
  }

  /** {@code options.no_password} of etcd 3.5's AuthUserAddRequest (field 3), by field number. */
  public static boolean noPassword(AuthUserAddRequest r) {
    UnknownFieldSet.Field f = r.getUnknownFields().getField(REQUEST_OPTIONS_FIELD);
    for (ByteString opts : f.getLengthDelimitedList()) {
      try {
        UnknownFieldSet o = UnknownFieldSet.parseFrom(opts);
        List<Long> v = o.getField(1).getVarintList();
        if (!v.isEmpty() && v.get(v.size() - 1) != 0) {
          return true;
        }
      } catch (InvalidProtocolBufferException e) {
        return false;
      }
    }
    return false;
  }

  static byte[] encodeUser(UserRecord u) {
    User.Builder b = User.newBuilder().setName(ByteString.copyFromUtf8(u.name()))
        .setPassword(ByteString.copyFrom(u.password())).addAllRoles(u.roles());
    if (u.noPassword()) {
      UnknownFieldSet opts = UnknownFieldSet.newBuilder()
          .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build();
      b.setUnknownFields(UnknownFieldSet.newBuilder()
          .addField(USER_OPTIONS_FIELD,
              UnknownFieldSet.Field.newBuilder().addLengthDelimited(opts.toByteString()).build())
          .build());
    }
    return b.build().toByteArray();
  }

  static UserRecord decodeUser(byte[] bytes) throws InvalidProtocolBufferException {
    User u = User.parseFrom(bytes);
    boolean noPassword = false;
    for (ByteString opts : u.getUnknownFields().getField(USER_OPTIONS_FIELD)
        .getLengthDelimitedList()) {
      List<Long> v = UnknownFieldSet.parseFrom(opts).getField(1).getVarintList();
      noPassword = !v.isEmpty() && v.get(v.size() - 1) != 0;
    }
    List<String> roles = new ArrayList<>(u.getRolesList());
    Collections.sort(roles);
    return new UserRecord(u.getName().toStringUtf8(), u.getPassword().toByteArray(),
        List.copyOf(roles), noPassword);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
