package io.cairn.console.web.views;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.theme.lumo.LumoUtility;
import io.cairn.console.core.session.ConnectionState;
import io.cairn.console.web.backend.Connection;
import io.cairn.console.web.backend.SessionState;
import io.cairn.console.web.ui.UiTasks;

/**
 * The frame around every page: navigation, the cluster the session looks at with its live
 * connection state, and the switch that unlocks writes.
 */
public final class MainLayout extends AppLayout {
  private final Span state = new Span();
  private final Span endpoints = new Span();
  private final Checkbox allowWrites = new Checkbox("Allow writes");
  private final Div banner = new Div();
  private AutoCloseable stateSubscription;
  private Runnable sessionSubscription;

  public MainLayout() {
    H1 title = new H1("Cairn console");
    title.addClassNames(LumoUtility.FontSize.LARGE, LumoUtility.Margin.NONE);
    state.setId("connection-state");
    state.getElement().getThemeList().add("badge");
    endpoints.setId("connection-endpoints");
    endpoints.addClassNames(LumoUtility.FontSize.SMALL, LumoUtility.TextColor.SECONDARY);
    allowWrites.setId("allow-writes");
    allowWrites.setTooltipText("Read-only by default: puts, deletes, restores, compaction and "
        + "defragmentation stay disabled until writes are allowed for this browser session.");
    allowWrites.addValueChangeListener(e -> {
      if (e.isFromClient()) {
        SessionState.current().allowWrites(e.getValue());
      }
    });
    HorizontalLayout header = new HorizontalLayout(new DrawerToggle(), title, state, endpoints);
    header.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
    header.setWidthFull();
    header.addClassNames(LumoUtility.Padding.End.MEDIUM);
    header.add(allowWrites);
    header.expand(endpoints);
    banner.setId("connection-banner");
    banner.setVisible(false);
    banner.setWidthFull();
    banner.getStyle().set("background", "var(--lumo-error-color-10pct)")
        .set("color", "var(--lumo-error-text-color)").set("padding", "var(--lumo-space-xs) var(--lumo-space-m)")
        .set("box-sizing", "border-box");
    VerticalLayout top = new VerticalLayout(header, banner);
    top.setPadding(false);
    top.setSpacing(false);
    addToNavbar(top);

    SideNav nav = new SideNav();
    nav.addItem(new SideNavItem("Keys", KeysView.class, VaadinIcon.KEY.create()));
    nav.addItem(new SideNavItem("History", HistoryView.class, VaadinIcon.TIME_BACKWARD.create()));
    nav.addItem(new SideNavItem("Watch", WatchView.class, VaadinIcon.EYE.create()));
    nav.addItem(new SideNavItem("Cluster", ClusterView.class, VaadinIcon.CLUSTER.create()));
    nav.addItem(new SideNavItem("Charts", ChartsView.class, VaadinIcon.CHART.create()));
    nav.addItem(new SideNavItem("Drills", DrillsView.class, VaadinIcon.AMBULANCE.create()));
    nav.addItem(new SideNavItem("Connect", ConnectView.class, VaadinIcon.CONNECT.create()));
    nav.setId("nav");
    addToDrawer(nav);
    setPrimarySection(Section.DRAWER);
  }

  @Override
  protected void onAttach(AttachEvent event) {
    super.onAttach(event);
    SessionState s = SessionState.current();
    allowWrites.setValue(s.writesAllowed());
    UI ui = event.getUI();
    follow(ui, s.connection());
    sessionSubscription = s.onChange(changed -> {
      allowWrites.setValue(changed.writesAllowed());
      follow(ui, changed.connection());
    });
  }

  @Override
  protected void onDetach(DetachEvent event) {
    unfollow();
    if (sessionSubscription != null) {
      sessionSubscription.run();
    }
    super.onDetach(event);
  }

  private void follow(UI ui, Connection c) {
    unfollow();
    endpoints.setText(String.join(", ", c.profile().endpoints()));
    show(c.session().state());
    stateSubscription = c.session().onStateChange(st -> UiTasks.access(ui, () -> show(st)));
  }

  private void unfollow() {
    if (stateSubscription != null) {
      try {
        stateSubscription.close();
      } catch (Exception ignored) {
        // Removing a listener cannot fail in a way the page could act on.
      }
      stateSubscription = null;
    }
  }

  private void show(ConnectionState st) {
    var themes = state.getElement().getThemeList();
    themes.removeAll(java.util.List.of("success", "error", "contrast"));
    switch (st.kind()) {
      case CONNECTED -> {
        state.setText("connected");
        themes.add("success");
      }
      case CONNECTING -> {
        state.setText("connecting…");
        themes.add("contrast");
      }
      case UNREACHABLE -> {
        state.setText("unreachable");
        themes.add("error");
      }
    }
    state.setTitle(st.message() == null ? "" : st.message());
    banner.setVisible(st.kind() == ConnectionState.Kind.UNREACHABLE);
    banner.setText("Cannot reach the cluster: " + st.message()
        + " — the console keeps trying and reconnects by itself.");
    state.getElement().setAttribute("data-state", st.kind().name());
  }
}
