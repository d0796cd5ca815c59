package io.cairn.console.web.views;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.cairn.console.core.session.ConnectionProfile;
import io.cairn.console.core.session.ProfileStore;
import io.cairn.console.core.session.TlsFiles;
import io.cairn.console.web.backend.ConsoleServices;
import io.cairn.console.web.backend.Connection;
import io.cairn.console.web.backend.SessionState;
import io.cairn.console.web.ui.Notifications;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Connect to a cluster: endpoints, optional user and password, TLS files on the console's host;
 * profiles remember everything but the password.
 */
@Route(value = "connect", layout = MainLayout.class)
@PageTitle("Connect · Cairn console")
public final class ConnectView extends VerticalLayout {
  private final TextField name = new TextField("Profile name");
  private final TextField endpoints = new TextField("Endpoints");
  private final TextField user = new TextField("User");
  private final PasswordField password = new PasswordField("Password");
  private final TextField caCert = new TextField("CA certificate (PEM file)");
  private final TextField clientCert = new TextField("Client certificate (PEM file)");
  private final TextField clientKey = new TextField("Client key (PEM file)");
  private final Paragraph message = new Paragraph();
  private final Grid<ConnectionProfile> profiles = new Grid<>();

  public ConnectView() {
    setMaxWidth("60em");
    name.setId("profile-name");
    endpoints.setId("endpoints");
    endpoints.setPlaceholder("127.0.0.1:2379,127.0.0.1:22379 or https://etcd-0:2379");
    endpoints.setRequired(true);
    user.setId("user");
    password.setId("password");
    caCert.setId("cacert");
    clientCert.setId("cert");
    clientKey.setId("key");
    message.setId("connect-message");
    FormLayout form = new FormLayout(name, endpoints, user, password, caCert, clientCert, clientKey);
    form.setColspan(endpoints, 2);
    Button connect = new Button("Connect", e -> connect());
    connect.setId("connect");
    connect.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    Button save = new Button("Save profile", e -> save());
    save.setId("save-profile");
    fill(SessionState.current().connection().profile());

    profiles.setId("profiles");
    profiles.addColumn(ConnectionProfile::name).setHeader("Profile").setAutoWidth(true);
    profiles.addColumn(p -> String.join(", ", p.endpoints())).setHeader("Endpoints").setFlexGrow(1);
    profiles.addColumn(p -> p.user() == null ? "" : p.user()).setHeader("User").setAutoWidth(true);
    profiles.addComponentColumn(p -> {
      Button use = new Button("Use", e -> fill(p));
      Button delete = new Button("Forget", e -> {
        store().delete(p.name());
        refreshProfiles();
      });
      delete.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
      return new HorizontalLayout(use, delete);
    }).setAutoWidth(true);
    profiles.setAllRowsVisible(true);
    add(new H4("Cluster"), form, new HorizontalLayout(connect, save), message,
        new H4("Remembered profiles"), profiles);
    refreshProfiles();
  }

  private void connect() {
    ConnectionProfile p = profile();
    if (p == null) {
      return;
    }
    ConsoleServices services = ConsoleServices.current();
    char[] pw = password.getValue().isEmpty() ? null : password.getValue().toCharArray();
    Connection c = services.open(p, pw);
    SessionState.current().connectTo(c);
    message.setText("Connecting to " + String.join(", ", p.endpoints())
        + "… the badge in the header shows when the cluster answers.");
    getUI().ifPresent(ui -> ui.navigate(KeysView.class));
  }

  private void save() {
    ConnectionProfile p = profile();
    if (p == null) {
      return;
    }
    if (p.name().isBlank()) {
      name.setInvalid(true);
      name.setErrorMessage("name the profile to remember it");
      return;
    }
    store().save(p);
    Notifications.success("saved profile " + p.name() + " (without the password)");
    refreshProfiles();
  }

  /** The form as a profile, or null with the bad field marked. */
  private ConnectionProfile profile() {
    List<String> eps;
    try {
      eps = ConnectionProfile.parseEndpoints(endpoints.getValue());
    } catch (IllegalArgumentException e) {
      endpoints.setInvalid(true);
      endpoints.setErrorMessage(e.getMessage());
      return null;
    }
    endpoints.setInvalid(false);
    Path ca = file(caCert);
    Path cert = file(clientCert);
    Path key = file(clientKey);
    if (caCert.isInvalid() || clientCert.isInvalid() || clientKey.isInvalid()) {
      return null;
    }
    if ((cert == null) != (key == null)) {
      clientKey.setInvalid(true);
      clientKey.setErrorMessage("a client certificate needs its key, and the other way round");
      return null;
    }
    return new ConnectionProfile(name.getValue().trim(), eps,
        user.getValue().isBlank() ? null : user.getValue().trim(), new TlsFiles(ca, cert, key));
  }

  private static Path file(TextField f) {
    f.setInvalid(false);
    if (f.getValue().isBlank()) {
      return null;
    }
    Path p = Path.of(f.getValue().trim());
    if (!Files.isReadable(p)) {
      f.setInvalid(true);
      f.setErrorMessage("cannot read " + p + " on the console's host");
      return null;
    }
    return p;
  }

  private void fill(ConnectionProfile p) {
    name.setValue(p.name() == null ? "" : p.name());
    endpoints.setValue(String.join(",", p.endpoints()));
    user.setValue(p.user() == null ? "" : p.user());
    TlsFiles t = p.tls();
    caCert.setValue(t == null || t.caCert() == null ? "" : t.caCert().toString());
    clientCert.setValue(t == null || t.clientCert() == null ? "" : t.clientCert().toString());
    clientKey.setValue(t == null || t.clientKey() == null ? "" : t.clientKey().toString());
  }

  private void refreshProfiles() {
    profiles.setItems(store().load());
  }

  private static ProfileStore store() {
    return ConsoleServices.current().profiles();
  }
}
