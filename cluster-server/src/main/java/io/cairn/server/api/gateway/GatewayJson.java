package io.cairn.server.api.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.UnknownFieldSet;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's JSON mapping of etcd's messages, as etcd's grpc-gateway renders them: proto3 JSON
 * with the proto's own field names ({@code create_revision}, {@code ID}), 64-bit integers as
 * strings, bytes as padded standard base64, enums by name, fields holding their default value
 * left out, compact output with Go's string escaping. Requests accept proto names and lowerCamel
 * names, ignore unknown names, and take 64-bit integers as numbers or strings.
 *
 * <p>The server's proto classes predate some fields etcd 3.5 has; the server carries those as
 * protobuf unknown fields. {@link Extras} lists them per message so that they are printed from, and
 * parsed into, the unknown fields of the message, and names enum values the classes lack.
 */
final class GatewayJson {
  private GatewayJson() {}

  /** A request body that does not fit the message (wrong JSON type, bad number or base64). */
  static final class MappingError extends Exception {
    MappingError(String message) {
      super(message, null, false, false);
    }
  }

  // ---------------------------------------------------------------- parsing

  /** Parses one request body value (as read by {@link JsonText}) into {@code builder}. */
  static void merge(Object json, Message.Builder builder) throws MappingError {
    if (json == JsonText.NULL) {
      return;
    }
    if (!(json instanceof Map<?, ?> obj)) {
      throw new MappingError("json: cannot unmarshal " + goType(json)
          + " into Go value of type map[string]json.RawMessage");
    }
    Descriptor d = builder.getDescriptorForType();
    List<Extras.Field> extras = Extras.fields(d.getFullName());
    UnknownFieldSet.Builder unknown = null;
    for (Map.Entry<?, ?> e : obj.entrySet()) {
      String name = (String) e.getKey();
      Object v = e.getValue();
      FieldDescriptor f = findField(d, name);
      if (f == null) {
        Extras.Field x = Extras.find(extras, name);
        if (x != null && v != JsonText.NULL) {
          if (unknown == null) {
            unknown = UnknownFieldSet.newBuilder(builder.getUnknownFields());
          }
          x.parseInto(v, unknown);
        }
        continue;
      }
      if (v == JsonText.NULL) {
        continue;
      }
      if (f.isRepeated()) {
        if (!(v instanceof List<?> list)) {
          throw new MappingError("json: cannot unmarshal " + goType(v)
              + " into Go value of type []json.RawMessage");
        }
        for (Object item : list) {
          builder.addRepeatedField(f, single(f, item, builder));
        }
      } else {
        builder.setField(f, single(f, v, builder));
      }
    }
    if (unknown != null) {
      builder.setUnknownFields(unknown.build());
    }
  }

  private static FieldDescriptor findField(Descriptor d, String name) {
    FieldDescriptor f = d.findFieldByName(name);
    if (f != null) {
      return f;
    }
    for (FieldDescriptor c : d.getFields()) {
      if (c.getJsonName().equals(name)) {
        return c;
      }
    }
    return null;
  }

  private static Object single(FieldDescriptor f, Object v, Message.Builder parent)
      throws MappingError {
    String where = f.getFullName();
    switch (f.getJavaType()) {
      case MESSAGE: {
        Message.Builder b = parent.newBuilderForField(f);
        merge(v, b);
        return b.build();
      }
      case ENUM:
        return enumValue(f.getEnumType(), v, where);
      case BOOLEAN:
        if (v instanceof Boolean b) {
          return b;
        }
        if (v instanceof String str && (str.equals("true") || str.equals("false"))) {
          return Boolean.valueOf(str);
        }
        throw bad(where, "bool", v);
      case STRING:
        if (v instanceof String str) {
          return str;
        }
        throw bad(where, "string", v);
      case BYTE_STRING:
        if (v instanceof String str) {
          return ByteString.copyFrom(base64(str, where));
        }
        throw bad(where, "bytes", v);
      case INT:
        return integer(f.getType(), v, where).intValue();
      case LONG:
        return integer(f.getType(), v, where).longValue();
      case FLOAT:
        return decimal(v, where).floatValue();
      case DOUBLE:
        return decimal(v, where).doubleValue();
      default:
        throw new MappingError("unsupported field " + where);
    }
  }

  static EnumValueDescriptor enumValue(EnumDescriptor type, Object v, String where)
      throws MappingError {
    if (v instanceof String name) {
      EnumValueDescriptor ev = type.findValueByName(name);
      if (ev != null) {
        return ev;
      }
      Integer n = Extras.enumNumber(type.getFullName(), name);
      if (n != null) {
        return type.findValueByNumberCreatingIfUnknown(n);
      }
      throw new MappingError("unknown value " + JsonWriter.quote(name) + " for enum "
          + type.getFullName());
    }
    if (v instanceof JsonText.Num num) {
      try {
        return type.findValueByNumberCreatingIfUnknown(Integer.parseInt(num.text()));
      } catch (NumberFormatException e) {
        throw bad(where, "enum", v);
      }
    }
    throw bad(where, "enum", v);
  }

  /** An integer of the field's wire type from a JSON number or a string holding one. */
  static BigInteger integer(FieldDescriptor.Type type, Object v, String where)
      throws MappingError {
    String text;
    if (v instanceof JsonText.Num n) {
      text = n.text();
    } else if (v instanceof String str) {
      text = str.trim();
    } else {
      throw bad(where, type.name().toLowerCase(java.util.Locale.ROOT), v);
    }
    BigInteger value;
    try {
      value = new BigDecimal(text).toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw bad(where, type.name().toLowerCase(java.util.Locale.ROOT), v);
    }
    int bits;
    boolean unsigned;
    switch (type) {
      case INT32, SINT32, SFIXED32 -> { bits = 32; unsigned = false; }
      case UINT32, FIXED32 -> { bits = 32; unsigned = true; }
      case UINT64, FIXED64 -> { bits = 64; unsigned = true; }
      default -> { bits = 64; unsigned = false; }
    }
    BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
    BigInteger max = unsigned
        ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
        : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw bad(where, type.name().toLowerCase(java.util.Locale.ROOT), v);
    }
    return value;
  }

  private static BigDecimal decimal(Object v, String where) throws MappingError {
    try {
      if (v instanceof JsonText.Num n) {
        return new BigDecimal(n.text());
      }
      if (v instanceof String str) {
        return new BigDecimal(str.trim());
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw bad(where, "number", v);
  }

  static byte[] base64(String s, String where) throws MappingError {
    try {
      if (s.indexOf('-') >= 0 || s.indexOf('_') >= 0) {
        return Base64.getUrlDecoder().decode(s);
      }
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new MappingError("bad Base64-encoded data for " + where + ": " + JsonWriter.quote(s));
    }
  }

  private static MappingError bad(String where, String type, Object v) {
    return new MappingError("invalid value for " + type + " field " + where + ": "
        + JsonWriter.render(v));
  }

  private static String goType(Object v) {
    if (v instanceof List) {
      return "array";
    }
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof JsonText.Num) {
      return "number";
    }
    return "object";
  }

  // ---------------------------------------------------------------- printing

  /** The message as etcd's gateway prints it. */
  static String print(MessageOrBuilder m) {
    StringBuilder sb = new StringBuilder();
    printMessage(m, sb);
    return sb.toString();
  }

  private record Entry(int number, String name, Runnable writer) {}

  private static void printMessage(MessageOrBuilder m, StringBuilder sb) {
    Descriptor d = m.getDescriptorForType();
    List<Entry> entries = new ArrayList<>();
    for (FieldDescriptor f : d.getFields()) {
      if (f.isRepeated()) {
        int n = m.getRepeatedFieldCount(f);
        if (n == 0) {
          continue;
        }
        entries.add(new Entry(f.getNumber(), f.getName(), () -> {
          sb.append('[');
          for (int k = 0; k < n; k++) {
            if (k > 0) {
              sb.append(',');
            }
            printValue(f, m.getRepeatedField(f, k), sb);
          }
          sb.append(']');
        }));
      } else if (m.hasField(f)) {
        Object v = m.getField(f);
        entries.add(new Entry(f.getNumber(), f.getName(), () -> printValue(f, v, sb)));
      }
    }
    List<Extras.Field> extras = Extras.fields(d.getFullName());
    if (!extras.isEmpty()) {
      UnknownFieldSet unknown = m.getUnknownFields();
      for (Extras.Field x : extras) {
        if (unknown.hasField(x.number()) && d.findFieldByNumber(x.number()) == null) {
          UnknownFieldSet.Field uf = unknown.getField(x.number());
          if (x.isSet(uf)) {
            entries.add(new Entry(x.number(), x.name(), () -> x.print(uf, sb)));
          }
        }
      }
      entries.sort(Comparator.comparingInt(Entry::number));
    }
    sb.append('{');
    boolean first = true;
    for (Entry e : entries) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      JsonWriter.quote(e.name(), sb);
      sb.append(':');
      e.writer().run();
    }
    sb.append('}');
  }

  private static void printValue(FieldDescriptor f, Object v, StringBuilder sb) {
    switch (f.getType()) {
      case MESSAGE, GROUP -> printMessage((MessageOrBuilder) v, sb);
      case ENUM -> {
        EnumValueDescriptor ev = (EnumValueDescriptor) v;
        EnumValueDescriptor known = ev.getType().findValueByNumber(ev.getNumber());
        String name = known != null
            ? known.getName()
            : Extras.enumName(ev.getType().getFullName(), ev.getNumber());
        if (name != null) {
          JsonWriter.quote(name, sb);
        } else {
          sb.append(ev.getNumber());
        }
      }
      case BOOL -> sb.append(((Boolean) v).booleanValue());
      case STRING -> JsonWriter.quote((String) v, sb);
      case BYTES -> sb.append('"')
          .append(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray())).append('"');
      case INT64, SINT64, SFIXED64 -> sb.append('"').append((long) (Long) v).append('"');
      case UINT64, FIXED64 -> sb.append('"').append(Long.toUnsignedString((Long) v)).append('"');
      case UINT32, FIXED32 -> sb.append(Integer.toUnsignedString((Integer) v));
      case INT32, SINT32, SFIXED32 -> sb.append((int) (Integer) v);
      case FLOAT, DOUBLE -> sb.append(v);
      default -> sb.append(v);
    }
  }

  // ---------------------------------------------------------------- extra fields

  /**
   * Fields and enum values of etcd 3.5's API that the proto classes lack. A field listed here for a
   * message is printed from that message's unknown fields (when the server set it there) and
   * parsed from a request into the built message's unknown fields (so the server sees it exactly
   * as on the gRPC wire).
   */
  static final class Extras {
    private Extras() {}

    /** How an extra field is encoded. */
    enum Kind { BOOL, INT64, UINT64, STRING, BYTES, MESSAGE }

    /**
     * One extra field: its number, its proto name, its kind and, for {@link Kind#MESSAGE}, the
     * fields of the nested message (which the classes lack as a whole).
     */
    record Field(int number, String name, Kind kind, List<Field> nested) {
      Field(int number, String name, Kind kind) {
        this(number, name, kind, List.of());
      }

      String camelName() {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char c : name.toCharArray()) {
          if (c == '_') {
            up = true;
          } else {
            sb.append(up ? Character.toUpperCase(c) : c);
            up = false;
          }
        }
        return sb.toString();
      }

      boolean isSet(UnknownFieldSet.Field f) {
        return switch (kind) {
          case BOOL, INT64, UINT64 -> !f.getVarintList().isEmpty()
              && f.getVarintList().get(f.getVarintList().size() - 1) != 0L;
          case STRING, BYTES -> !f.getLengthDelimitedList().isEmpty()
              && !f.getLengthDelimitedList().get(f.getLengthDelimitedList().size() - 1).isEmpty();
          case MESSAGE -> !f.getLengthDelimitedList().isEmpty();
        };
      }

      void print(UnknownFieldSet.Field f, StringBuilder sb) {
        switch (kind) {
          case BOOL -> sb.append(last(f.getVarintList()) != 0L);
          case INT64 -> sb.append('"').append(last(f.getVarintList())).append('"');
          case UINT64 -> sb.append('"')
              .append(Long.toUnsignedString(last(f.getVarintList()))).append('"');
          case STRING -> JsonWriter.quote(last(f.getLengthDelimitedList()).toStringUtf8(), sb);
          case BYTES -> sb.append('"').append(Base64.getEncoder()
              .encodeToString(last(f.getLengthDelimitedList()).toByteArray())).append('"');
          case MESSAGE -> {
            UnknownFieldSet inner;
            try {
              inner = UnknownFieldSet.parseFrom(last(f.getLengthDelimitedList()));
            } catch (InvalidProtocolBufferException e) {
              inner = UnknownFieldSet.getDefaultInstance();
            }
            sb.append('{');
            boolean first = true;
            for (Field n : nested) {
              if (inner.hasField(n.number()) && n.isSet(inner.getField(n.number()))) {
                if (!first) {
                  sb.append(',');
                }
                first = false;
                JsonWriter.quote(n.name(), sb);
                sb.append(':');
                n.print(inner.getField(n.number()), sb);
              }
            }
            sb.append('}');
          }
          default -> throw new IllegalStateException();
        }
      }

      void parseInto(Object v, UnknownFieldSet.Builder out) throws MappingError {
        String where = name;
        UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
        switch (kind) {
          case BOOL -> {
            boolean b;
            if (v instanceof Boolean bool) {
              b = bool;
            } else if ("true".equals(v) || "false".equals(v)) {
              b = Boolean.parseBoolean((String) v);
            } else {
              throw bad(where, "bool", v);
            }
            if (!b) {
              return;
            }
            f.addVarint(1);
          }
          case INT64 -> {
            long n = integer(FieldDescriptor.Type.INT64, v, where).longValue();
            if (n == 0) {
              return;
            }
            f.addVarint(n);
          }
          case UINT64 -> {
            long n = integer(FieldDescriptor.Type.UINT64, v, where).longValue();
            if (n == 0) {
              return;
            }
            f.addVarint(n);
          }
          case STRING -> {
            if (!(v instanceof String str)) {
              throw bad(where, "string", v);
            }
            if (str.isEmpty()) {
              return;
            }
            f.addLengthDelimited(ByteString.copyFromUtf8(str));
          }
          case BYTES -> {
            if (!(v instanceof String str)) {
              throw bad(where, "bytes", v);
            }
            byte[] b = base64(str, where);
            if (b.length == 0) {
              return;
            }
            f.addLengthDelimited(ByteString.copyFrom(b));
          }
          case MESSAGE -> {
            if (!(v instanceof Map<?, ?> obj)) {
              throw bad(where, "object", v);
            }
            UnknownFieldSet.Builder inner = UnknownFieldSet.newBuilder();
            for (Map.Entry<?, ?> e : obj.entrySet()) {
              Field n = find(nested, (String) e.getKey());
              if (n != null && e.getValue() != JsonText.NULL) {
                n.parseInto(e.getValue(), inner);
              }
            }
            f.addLengthDelimited(inner.build().toByteString());
          }
          default -> throw new IllegalStateException();
        }
        out.mergeField(number, f.build());
      }

      private static <T> T last(List<T> l) {
        return l.get(l.size() - 1);
      }
    }

    private static final Map<String, List<Field>> FIELDS = new HashMap<>();
    private static final Map<String, Map<Integer, String>> ENUMS = new HashMap<>();

    static {
      // Requests.
      FIELDS.put("etcdserverpb.Compare", List.of(new Field(8, "lease", Kind.INT64)));
      FIELDS.put("etcdserverpb.WatchCreateRequest", List.of(
          new Field(7, "watch_id", Kind.INT64), new Field(8, "fragment", Kind.BOOL)));
      FIELDS.put("etcdserverpb.MemberListRequest",
          List.of(new Field(1, "linearizable", Kind.BOOL)));
      FIELDS.put("etcdserverpb.AuthUserAddRequest", List.of(
          new Field(3, "options", Kind.MESSAGE,
              List.of(new Field(1, "no_password", Kind.BOOL))),
          new Field(4, "hashedPassword", Kind.STRING)));
      FIELDS.put("etcdserverpb.AuthUserChangePasswordRequest",
          List.of(new Field(3, "hashedPassword", Kind.STRING)));
      // Responses.
      FIELDS.put("etcdserverpb.WatchResponse", List.of(new Field(7, "fragment", Kind.BOOL)));
      FIELDS.put("etcdserverpb.HashKVResponse",
          List.of(new Field(4, "hash_revision", Kind.INT64)));
      // Enum values.
      ENUMS.put("etcdserverpb.Compare.CompareTarget", Map.of(4, "LEASE"));
      ENUMS.put("etcdserverpb.AlarmType", Map.of(2, "CORRUPT"));
    }

    static List<Field> fields(String messageFullName) {
      return FIELDS.getOrDefault(messageFullName, List.of());
    }

    static Field find(List<Field> fields, String jsonName) {
      for (Field f : fields) {
        if (f.name().equals(jsonName) || f.camelName().equals(jsonName)) {
          return f;
        }
      }
      return null;
    }

    static String enumName(String enumFullName, int number) {
      Map<Integer, String> m = ENUMS.get(enumFullName);
      return m == null ? null : m.get(number);
    }

    static Integer enumNumber(String enumFullName, String name) {
      Map<Integer, String> m = ENUMS.get(enumFullName);
      if (m == null) {
        return null;
      }
      for (Map.Entry<Integer, String> e : m.entrySet()) {
        if (e.getValue().equals(name)) {
          return e.getKey();
        }
      }
      return null;
    }
  }

  /** Reads a varint-encoded unknown field value back (for tests). */
  static long varint(ByteString wire) throws java.io.IOException {
    return CodedInputStream.newInstance(wire.toByteArray()).readRawVarint64();
  }
}
