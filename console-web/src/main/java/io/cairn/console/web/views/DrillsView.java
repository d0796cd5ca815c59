package io.cairn.console.web.views;

import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.cairn.console.web.backend.SessionState;

/**
 * The place of snapshot/restore drills and chaos scenarios. Until the scenario engine runs them
 * from here, the page says so and gives the manual restore drill for the connected cluster.
 */
@Route(value = "drills", layout = MainLayout.class)
@PageTitle("Drills · Cairn console")
public final class DrillsView extends VerticalLayout {
  public DrillsView() {
    String endpoints = String.join(",", SessionState.current().connection().profile().endpoints());
    H3 title = new H3("Drills and chaos scenarios");
    Paragraph soon = new Paragraph("One-click restore drills and chaos scenarios (kill the leader, "
        + "partition, slow disk) with a live timeline and a verdict run from here once the scenario "
        + "engine ships. Until then, this is the restore drill by hand for this cluster:");
    soon.setId("drills-status");
    Pre steps = new Pre(String.join("\n",
        "# 1. take a snapshot (etcdctl from Debian's etcd-client, or any etcdctl 3.4+)",
        "ETCDCTL_API=3 etcdctl --endpoints=" + endpoints + " snapshot save drill.db",
        "# 2. check it",
        "bin/cairn snapshot status drill.db -w table",
        "# 3. restore it into a fresh data dir and start a one-member cluster from it",
        "bin/cairn snapshot restore drill.db --data-dir /tmp/drill --name drill \\",
        "  --initial-cluster drill=http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800",
        "bin/cairn-server --name drill --data-dir /tmp/drill --listen-client-urls http://127.0.0.1:23790 \\",
        "  --advertise-client-urls http://127.0.0.1:23790 --listen-peer-urls http://127.0.0.1:23800",
        "# 4. compare: the same keys and the same HashKV at the snapshot's revision",
        "ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:23790 endpoint hashkv -w table"));
    steps.setId("drills-steps");
    add(title, soon, steps);
  }
}
