package io.cairn.console.web.ui;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;

/** Short messages in the corner: errors stay until closed, successes fade. */
public final class Notifications {
  private Notifications() {}

  public static void error(String message) {
    Notification n = new Notification(message, 8000, Notification.Position.BOTTOM_END);
    n.addThemeVariants(NotificationVariant.LUMO_ERROR);
    n.addClassName("console-error");
    n.open();
  }

  public static void success(String message) {
    Notification n = new Notification(message, 3000, Notification.Position.BOTTOM_END);
    n.addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    n.addClassName("console-success");
    n.open();
  }
}
