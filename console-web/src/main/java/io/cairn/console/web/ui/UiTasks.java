package io.cairn.console.web.ui;

import io.cairn.console.core.session.Failures;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Network work never runs on a request thread: callers start it asynchronously and the result is
 * handed back to the UI with {@link UI#access}, which the push connection then sends to the browser.
 */
public final class UiTasks {
  private UiTasks() {}

  /**
   * How long a page waits for an answer before saying so. jetcd retries an unreachable cluster
   * without end; an operator should read "no answer" rather than watch "loading…" forever.
   */
  public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

  /**
   * Delivers the outcome of {@code future} to {@code ok} or {@code failed} under the UI's lock;
   * no answer within {@link #ANSWER_TIMEOUT} is a failure.
   */
  public static <T> void deliver(Component owner, CompletableFuture<T> future, Consumer<T> ok,
      Consumer<Throwable> failed) {
    deliverWhenDone(owner, future.copy().orTimeout(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
        ok, failed);
  }

  /** Like {@link #deliver} for work that may rightly take minutes (defragmenting a large store). */
  public static <T> void deliverWhenDone(Component owner, CompletableFuture<T> future, Consumer<T> ok,
      Consumer<Throwable> failed) {
    UI ui = owner.getUI().orElse(UI.getCurrent());
    if (ui == null) {
      return;
    }
    future.whenComplete((value, error) -> access(ui, () -> {
      if (error != null) {
        failed.accept(error);
      } else {
        ok.accept(value);
      }
    }));
  }

  /** Like {@link #deliver} with failures shown as an error notification. */
  public static <T> void deliver(Component owner, CompletableFuture<T> future, Consumer<T> ok) {
    deliver(owner, future, ok, e -> Notifications.error(Failures.describe(e)));
  }

  /** Runs {@code r} under the UI's lock unless the UI has gone away meanwhile. */
  public static void access(UI ui, Runnable r) {
    try {
      ui.access(r::run);
    } catch (UIDetachedException e) {
      // The tab was closed while the work ran; nobody is left to show the result to.
    }
  }
}
