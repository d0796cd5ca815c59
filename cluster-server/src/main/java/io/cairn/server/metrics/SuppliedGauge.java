package io.cairn.server.metrics;

import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * A gauge's source of truth elsewhere in the member (a store size, a watcher count): the gauge is
 * registered when the metrics are created and reads whatever supplier is bound at scrape time.
 */
public final class SuppliedGauge {
  private volatile DoubleSupplier supplier = () -> 0;

  SuppliedGauge() {}

  public void bind(DoubleSupplier s) {
    this.supplier = s;
  }

  public void bindLong(LongSupplier s) {
    this.supplier = () -> s.getAsLong();
  }

  /** Binds a yes/no state: 1 when true, 0 when false. */
  public void bindBoolean(BooleanSupplier s) {
    this.supplier = () -> s.getAsBoolean() ? 1 : 0;
  }

  double value() {
    try {
      return supplier.getAsDouble();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }
}
