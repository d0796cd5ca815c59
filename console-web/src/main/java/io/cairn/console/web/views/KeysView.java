package io.cairn.console.web.views;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteAlias;
import io.cairn.console.core.session.ConnectionState;
import io.cairn.console.web.backend.Connection;
import io.cairn.console.web.backend.SessionState;
import io.cairn.console.web.ui.UiTasks;
import io.cairn.console.web.views.keys.KeyBrowser;

/** The key browser: tree and flat list on the left, the selected key's value on the right. */
@Route(value = "keys", layout = MainLayout.class)
@RouteAlias(value = "", layout = MainLayout.class)
@PageTitle("Keys · Cairn console")
public final class KeysView extends VerticalLayout implements BeforeEnterObserver {
  private final TextField separator = new TextField("Separator");
  private final TextField revision = new TextField("At revision");
  private final Span pinned = new Span();
  private final KeyBrowser browser = new KeyBrowser(pinned::setText);
  private Runnable sessionSubscription;
  private AutoCloseable stateSubscription;
  private ConnectionState.Kind lastState;

  public KeysView() {
    setSizeFull();
    setPadding(true);
    separator.setId("separator");
    separator.setWidth("6em");
    separator.setValue(SessionState.current().separator());
    separator.addValueChangeListener(e -> {
      if (!e.getValue().isEmpty()) {
        SessionState.current().separator(e.getValue());
        reload();
      }
    });
    revision.setId("at-revision");
    revision.setPlaceholder("latest");
    revision.setWidth("9em");
    revision.setAllowedCharPattern("[0-9]");
    // Before the page is attached (a ?rev= link) onAttach does the one reload.
    revision.addValueChangeListener(e -> {
      if (isAttached()) {
        reload();
      }
    });
    Button refresh = new Button("Refresh", VaadinIcon.REFRESH.create(), e -> reload());
    refresh.setId("keys-refresh");
    Button create = new Button("New key…", VaadinIcon.PLUS.create(), e -> browser.newKey());
    create.setId("key-new");
    browser.bindNewKeyButton(create);
    pinned.setId("pinned-revision");
    HorizontalLayout toolbar = new HorizontalLayout(separator, revision, refresh, create, pinned);
    toolbar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    toolbar.setWidthFull();
    add(toolbar, browser);
    expand(browser);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    event.getLocation().getQueryParameters().getSingleParameter("rev").ifPresent(revision::setValue);
  }

  @Override
  protected void onAttach(AttachEvent event) {
    super.onAttach(event);
    SessionState s = SessionState.current();
    browser.writesAllowed(s.writesAllowed());
    sessionSubscription = s.onChange(changed -> {
      browser.writesAllowed(changed.writesAllowed());
      if (changed.connection() != browser.connection()) {
        reload();
        followState(event.getUI(), changed.connection());
      }
    });
    reload();
    followState(event.getUI(), s.connection());
  }

  /** Reads the keys again when the cluster answers after having been unreachable. */
  private void followState(UI ui, Connection c) {
    closeStateSubscription();
    lastState = null;
    stateSubscription = c.session().onStateChange(st -> UiTasks.access(ui, () -> {
      if (st.kind() == ConnectionState.Kind.CONNECTED && lastState == ConnectionState.Kind.UNREACHABLE) {
        reload();
      }
      lastState = st.kind();
    }));
  }

  private void closeStateSubscription() {
    if (stateSubscription != null) {
      try {
        stateSubscription.close();
      } catch (Exception ignored) {
        // Removing a listener from an in-memory list does not fail.
      }
      stateSubscription = null;
    }
  }

  @Override
  protected void onDetach(DetachEvent event) {
    closeStateSubscription();
    if (sessionSubscription != null) {
      sessionSubscription.run();
    }
    super.onDetach(event);
  }

  private void reload() {
    long rev = revision.getValue().isEmpty() ? 0 : Long.parseLong(revision.getValue());
    SessionState s = SessionState.current();
    browser.show(s.connection(), s.separator(), rev);
  }
}
