package io.cairn.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line in the shape of etcd's default (zap) logger: {@code level}, {@code
 * ts}, {@code caller}, {@code msg}, then the event's key-value pairs. Tools that launch etcd read
 * these lines, so the field names follow etcd's.
 */
public final class EtcdJsonLayout extends LayoutBase<ILoggingEvent> {
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

  @Override
  public String doLayout(ILoggingEvent e) {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"level\":\"").append(level(e.getLevel())).append('"');
    b.append(",\"ts\":\"").append(TS.format(Instant.ofEpochMilli(e.getTimeStamp()))).append('"');
    b.append(",\"caller\":");
    string(b, caller(e.getLoggerName()));
    b.append(",\"msg\":");
    string(b, e.getFormattedMessage());
    if (e.getKeyValuePairs() != null) {
      for (KeyValuePair kv : e.getKeyValuePairs()) {
        b.append(',');
        string(b, kv.key);
        b.append(':');
        value(b, kv.value);
      }
    }
    IThrowableProxy t = e.getThrowableProxy();
    if (t != null) {
      b.append(",\"error\":");
      string(b, t.getClassName() + ": " + t.getMessage());
      if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
        b.append(",\"stacktrace\":");
        string(b, ThrowableProxyUtil.asString(t));
      }
    }
    return b.append("}\n").toString();
  }

  private static String level(Level l) {
    return l == Level.ERROR ? "error" : l.toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static String caller(String loggerName) {
    int dot = loggerName.lastIndexOf('.');
    String cls = dot < 0 ? loggerName : loggerName.substring(dot + 1);
    int pkgDot = dot < 0 ? -1 : loggerName.lastIndexOf('.', dot - 1);
    String pkg = pkgDot < 0 ? "" : loggerName.substring(pkgDot + 1, dot) + "/";
    return pkg + cls;
  }

  private static void value(StringBuilder b, Object v) {
    if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else {
      string(b, String.valueOf(v));
    }
  }

  static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
