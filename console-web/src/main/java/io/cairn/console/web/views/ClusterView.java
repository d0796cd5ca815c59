package io.cairn.console.web.views;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.cairn.console.core.cluster.AlarmView;
import io.cairn.console.core.cluster.ClusterOverview;
import io.cairn.console.core.cluster.MemberStatus;
import io.cairn.console.core.cluster.MemberView;
import io.cairn.console.core.session.Failures;
import io.cairn.console.web.backend.SessionState;
import io.cairn.console.web.ui.Notifications;
import io.cairn.console.web.ui.Sizes;
import io.cairn.console.web.ui.UiTasks;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Members, the leader, each member's status (version, raft position and lag, DB size against the
 * quota, health), alarms, and the two maintenance actions operators run by hand: defragment and
 * compact, both behind a confirmation. Refreshes itself every few seconds while open.
 */
@Route(value = "cluster", layout = MainLayout.class)
@PageTitle("Cluster · Cairn console")
public final class ClusterView extends VerticalLayout {
  private static final long REFRESH_MS = 3000;

  private final Span summary = new Span("reading the cluster…");
  private final Grid<MemberView> members = new Grid<>();
  private final Div alarms = new Div();
  private final TextField compactRevision = new TextField("Compact up to revision");
  private final Checkbox physical = new Checkbox("Physical (wait until durable)", true);
  private final Button compact = new Button("Compact…", VaadinIcon.COMPRESS.create());
  private ClusterOverview overview;
  private ScheduledFuture<?> refresher;
  private Runnable sessionSubscription;
  private boolean fetching;

  public ClusterView() {
    setSizeFull();
    summary.setId("cluster-summary");
    members.setId("cluster-members");
    members.addComponentColumn(this::nameCell).setHeader("Member").setAutoWidth(true).setFlexGrow(0);
    members.addComponentColumn(this::urlsCell).setHeader("Client / peer URLs").setAutoWidth(true);
    members.addColumn(m -> status(m).map(MemberStatus::version).orElse("")).setHeader("Version").setAutoWidth(true);
    members.addColumn(m -> status(m).map(s -> String.valueOf(s.raftTerm())).orElse("")).setHeader("Term").setAutoWidth(true);
    members.addColumn(m -> status(m).map(s -> String.valueOf(s.raftIndex())).orElse("")).setHeader("Raft index").setAutoWidth(true);
    members.addColumn(m -> status(m).map(s -> String.valueOf(s.raftAppliedIndex())).orElse("")).setHeader("Applied").setAutoWidth(true);
    members.addColumn(m -> lag(m)).setHeader("Lag").setAutoWidth(true);
    members.addComponentColumn(this::dbCell).setHeader("DB in use / size / quota").setWidth("15em").setFlexGrow(0);
    members.addComponentColumn(this::healthCell).setHeader("Health").setAutoWidth(true);
    members.addComponentColumn(this::defragCell).setHeader("").setAutoWidth(true).setFlexGrow(0);
    members.setAllRowsVisible(true);
    members.setWidthFull();
    alarms.setId("cluster-alarms");
    compactRevision.setId("compact-revision");
    compactRevision.setAllowedCharPattern("[0-9]");
    compactRevision.setPlaceholder("revision");
    physical.setId("compact-physical");
    compact.setId("compact");
    compact.addThemeVariants(ButtonVariant.LUMO_ERROR);
    compact.addClickListener(e -> confirmCompact());
    compact.setEnabled(SessionState.current().writesAllowed());
    Button refresh = new Button("Refresh", VaadinIcon.REFRESH.create(), e -> fetch());
    refresh.setId("cluster-refresh");
    HorizontalLayout top = new HorizontalLayout(summary, refresh);
    top.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
    HorizontalLayout compaction = new HorizontalLayout(compactRevision, physical, compact);
    compaction.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    add(top, members, new H4("Alarms"), alarms, new H4("Compaction"), compaction);
  }

  @Override
  protected void onAttach(AttachEvent event) {
    super.onAttach(event);
    UI ui = event.getUI();
    fetch();
    sessionSubscription = SessionState.current().onChange(st -> {
      if (overview != null) {
        show(overview, st.writesAllowed());
      }
      compact.setEnabled(st.writesAllowed());
    });
    refresher = io.cairn.console.web.backend.ConsoleServices.current().scheduler().scheduleWithFixedDelay(
        () -> UiTasks.access(ui, this::fetch), REFRESH_MS, REFRESH_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void onDetach(DetachEvent event) {
    if (refresher != null) {
      refresher.cancel(false);
    }
    if (sessionSubscription != null) {
      sessionSubscription.run();
    }
    super.onDetach(event);
  }

  private void fetch() {
    if (fetching) {
      return;
    }
    fetching = true;
    boolean writes = SessionState.current().writesAllowed();
    UiTasks.deliver(this, SessionState.current().connection().inspector().fetch(), o -> {
      fetching = false;
      show(o, writes);
    }, e -> {
      fetching = false;
      summary.setText("Cannot read the cluster: " + Failures.describe(e));
    });
  }

  private void show(ClusterOverview o, boolean writes) {
    overview = o;
    long reachable = o.statusById().values().stream().filter(MemberStatus::reachable).count();
    summary.setText("Cluster " + o.clusterId() + " · " + o.members().size() + " members, " + reachable
        + " reachable · " + (o.hasLeader() ? "leader " + leaderName(o) + ", term " + o.term() : "NO LEADER")
        + " · quota " + o.quotaBytes().stream().mapToObj(Sizes::bytes).findFirst().orElse("unknown"));
    members.setItems(o.members());
    alarms.removeAll();
    if (o.alarms().isEmpty()) {
      alarms.add(new Span("No alarms."));
    }
    for (AlarmView a : o.alarms()) {
      Button disarm = new Button("Disarm", e -> UiTasks.deliver(this,
          SessionState.current().connection().inspector().disarm(a), v -> {
            Notifications.success("disarmed " + a.alarm() + " on " + a.memberId());
            fetch();
          }));
      disarm.setEnabled(writes);
      Span text = new Span(a.alarm() + " on member " + a.memberId());
      text.getStyle().set("color", "var(--lumo-error-text-color)");
      HorizontalLayout row = new HorizontalLayout(text, disarm);
      row.addClassName("alarm");
      row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
      alarms.add(row);
    }
    compact.setEnabled(writes);
    compact.setTooltipText(writes ? null : "Read-only: tick “Allow writes” in the header first");
  }

  private String leaderName(ClusterOverview o) {
    return o.members().stream().filter(m -> m.id().equals(o.leaderId())).map(MemberView::name)
        .findFirst().orElse(o.leaderId());
  }

  private java.util.Optional<MemberStatus> status(MemberView m) {
    return overview == null ? java.util.Optional.empty()
        : java.util.Optional.ofNullable(overview.statusById().get(m.id())).filter(MemberStatus::reachable);
  }

  private String lag(MemberView m) {
    long lag = overview == null ? -1 : overview.lag(m.id());
    return lag < 0 ? "" : String.valueOf(lag);
  }

  private VerticalLayout urlsCell(MemberView m) {
    Span client = new Span(String.join(", ", m.clientUrls()));
    Span peer = new Span(String.join(", ", m.peerUrls()));
    peer.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
    VerticalLayout cell = new VerticalLayout(client, peer);
    cell.setPadding(false);
    cell.setSpacing(false);
    return cell;
  }

  private VerticalLayout nameCell(MemberView m) {
    Span name = new Span(m.name().isEmpty() ? "(unstarted)" : m.name());
    HorizontalLayout line = new HorizontalLayout(name);
    line.setSpacing(true);
    Span id = new Span(m.id());
    id.getStyle().set("font-size", "var(--lumo-font-size-xs)").set("color", "var(--lumo-secondary-text-color)")
        .set("font-family", "var(--lumo-font-family-monospace, monospace)");
    VerticalLayout cell = new VerticalLayout(line, id);
    cell.setPadding(false);
    cell.setSpacing(false);
    if (overview != null && m.id().equals(overview.leaderId())) {
      Span badge = new Span("leader");
      badge.getElement().getThemeList().add("badge success");
      badge.addClassName("leader-badge");
      line.add(badge);
    }
    if (m.learner()) {
      Span badge = new Span("learner");
      badge.getElement().getThemeList().add("badge contrast");
      line.add(badge);
    }
    return cell;
  }

  private VerticalLayout dbCell(MemberView m) {
    VerticalLayout cell = new VerticalLayout();
    cell.setPadding(false);
    cell.setSpacing(false);
    status(m).ifPresent(s -> {
      long quota = overview.quotaBytes().orElse(0);
      Span text = new Span(Sizes.bytes(s.dbSizeInUse()) + " / " + Sizes.bytes(s.dbSize())
          + (quota > 0 ? " / " + Sizes.bytes(quota) : ""));
      text.getStyle().set("font-size", "var(--lumo-font-size-s)");
      cell.add(text);
      if (quota > 0) {
        ProgressBar bar = new ProgressBar(0, 1, Math.min(1.0, (double) s.dbSize() / quota));
        if ((double) s.dbSize() / quota > 0.8) {
          bar.addThemeName("error");
        }
        cell.add(bar);
      }
    });
    return cell;
  }

  private Span healthCell(MemberView m) {
    MemberStatus s = overview == null ? null : overview.statusById().get(m.id());
    Span badge = new Span();
    if (s == null || !s.reachable()) {
      badge.setText("unreachable");
      badge.getElement().getThemeList().add("badge error");
      badge.setTitle(s == null ? "no client URL" : s.error());
    } else if (Boolean.FALSE.equals(s.healthy()) || !s.errors().isEmpty()) {
      badge.setText("unhealthy");
      badge.getElement().getThemeList().add("badge error");
      badge.setTitle(String.join("; ", s.errors()));
    } else {
      badge.setText("healthy");
      badge.getElement().getThemeList().add("badge success");
    }
    badge.addClassName("member-health");
    return badge;
  }

  private Button defragCell(MemberView m) {
    Button b = new Button("Defragment…");
    b.addThemeVariants(ButtonVariant.LUMO_SMALL);
    b.addClassName("defragment");
    boolean writes = SessionState.current().writesAllowed();
    b.setEnabled(writes && status(m).isPresent());
    b.addClickListener(e -> {
      ConfirmDialog d = new ConfirmDialog("Defragment " + m.name() + "?",
          "Defragmentation blocks reads and writes on this member while it rewrites its database file. "
              + "Do one member at a time, the leader last.",
          "Defragment", ev -> UiTasks.deliverWhenDone(this,
              SessionState.current().connection().inspector().defragment(m.id()), v -> {
                Notifications.success("defragmented " + m.name());
                fetch();
              }, err -> Notifications.error("defragment " + m.name() + ": " + Failures.describe(err))));
      d.setCancelable(true);
      d.setId("defragment-dialog");
      d.open();
    });
    return b;
  }

  private void confirmCompact() {
    if (compactRevision.getValue().isEmpty()) {
      compactRevision.setInvalid(true);
      compactRevision.setErrorMessage("give the revision to compact up to");
      return;
    }
    long rev = Long.parseLong(compactRevision.getValue());
    ConfirmDialog d = new ConfirmDialog("Compact up to revision " + rev + "?",
        "Every revision older than " + rev + " except the latest value of each key is dropped for good: "
            + "history, diffs and watches from before it will no longer be available.",
        "Compact", ev -> UiTasks.deliverWhenDone(this,
            SessionState.current().connection().inspector().compact(rev, physical.getValue()), r -> {
              Notifications.success("compacted up to revision " + rev);
              fetch();
            }, e -> Notifications.error("compact: " + Failures.describe(e))));
    d.setCancelable(true);
    d.setConfirmButtonTheme("error primary");
    d.setId("compact-dialog");
    d.open();
  }
}
