package io.cairn.console.web.views.history;

import com.vaadin.flow.component.html.Div;
import io.cairn.console.core.history.DiffLine;
import java.util.List;

/** A line diff as a unified listing: removed lines red with "-", added green with "+". */
public final class DiffView extends Div {
  public DiffView() {
    setId("history-diff");
    setWidthFull();
    getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)")
        .set("font-size", "var(--lumo-font-size-s)").set("white-space", "pre-wrap")
        .set("word-break", "break-all").set("overflow", "auto").set("max-height", "50vh")
        .set("border", "1px solid var(--lumo-contrast-10pct)")
        .set("border-radius", "var(--lumo-border-radius-m)");
  }

  public void show(List<DiffLine> lines) {
    removeAll();
    if (lines.stream().allMatch(l -> l.kind() == DiffLine.Kind.SAME)) {
      Div same = new Div("(the two values are identical)");
      same.getStyle().set("padding", "var(--lumo-space-s)");
      add(same);
    }
    for (DiffLine l : lines) {
      Div row = new Div();
      row.getStyle().set("padding", "0 var(--lumo-space-s)");
      switch (l.kind()) {
        case ADDED -> {
          row.setText("+ " + l.text());
          row.addClassName("diff-added");
          row.getStyle().set("background", "#e6ffec").set("color", "#116329");
        }
        case REMOVED -> {
          row.setText("- " + l.text());
          row.addClassName("diff-removed");
          row.getStyle().set("background", "#ffebe9").set("color", "#82071e");
        }
        case SAME -> row.setText("  " + l.text());
      }
      add(row);
    }
  }
}
