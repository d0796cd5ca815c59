package io.cairn.console.web.views.keys;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.theme.lumo.LumoUtility;
import io.cairn.console.core.keys.KeyDetails;
import io.cairn.console.core.values.Format;
import io.cairn.console.core.values.RenderedValue;
import io.cairn.console.core.values.ValueRenderer;
import io.cairn.console.web.ui.KeyParam;
import io.cairn.console.web.ui.Keys;
import java.util.Map;
import java.util.Optional;

/** One key's value and metadata, rendered as text, JSON, YAML or hex, with its actions. */
final class ValuePanel extends VerticalLayout {
  private static final String AUTO = "Auto";

  private final H3 title = new H3("Select a key");
  private final Span meta = new Span();
  private final Select<String> format = new Select<>();
  private final Pre value = new Pre();
  private final Button history = new Button("History", VaadinIcon.TIME_BACKWARD.create());
  private final Button watch = new Button("Watch", VaadinIcon.EYE.create());
  private final Button edit = new Button("Edit…", VaadinIcon.EDIT.create());
  private final Button delete = new Button("Delete…", VaadinIcon.TRASH.create());
  private KeyDetails shown;
  private boolean writes;

  ValuePanel(Runnable onEdit, Runnable onDelete) {
    setSizeFull();
    title.setId("value-key");
    title.addClassNames(LumoUtility.FontSize.MEDIUM, LumoUtility.Margin.NONE);
    title.getStyle().set("word-break", "break-all");
    meta.setId("value-meta");
    meta.addClassNames(LumoUtility.FontSize.SMALL, LumoUtility.TextColor.SECONDARY);
    format.setId("value-format");
    format.setLabel("Show as");
    format.setItems(AUTO, "TEXT", "JSON", "YAML", "HEX");
    format.setValue(AUTO);
    format.addValueChangeListener(e -> render());
    value.setId("value-text");
    value.getStyle().set("white-space", "pre-wrap").set("word-break", "break-all")
        .set("margin", "0").set("padding", "var(--lumo-space-s)")
        .set("background", "var(--lumo-contrast-5pct)").set("border-radius", "var(--lumo-border-radius-m)")
        .set("overflow", "auto").set("max-height", "60vh").set("width", "100%")
        .set("box-sizing", "border-box");
    history.setId("value-history");
    watch.setId("value-watch");
    edit.setId("value-edit");
    delete.setId("value-delete");
    delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
    history.addClickListener(e -> go("history"));
    watch.addClickListener(e -> go("watch"));
    edit.addClickListener(e -> onEdit.run());
    delete.addClickListener(e -> onDelete.run());
    HorizontalLayout actions = new HorizontalLayout(history, watch, edit, delete);
    actions.setWrap(true);
    add(title, meta, format, value, actions);
    show(Optional.empty(), null);
  }

  /** Shows {@code details}, or says the key is absent ({@code requested} set) or nothing is selected. */
  void show(Optional<KeyDetails> details, String requested) {
    shown = details.orElse(null);
    if (shown == null) {
      title.setText(requested == null ? "Select a key" : requested);
      meta.setText(requested == null ? "" : "no such key at this revision");
      value.setText("");
      value.setVisible(false);
      format.setVisible(false);
    } else {
      value.setVisible(true);
      format.setVisible(true);
      title.setText(Keys.display(shown.key()));
      meta.setText("create rev " + shown.createRevision() + " · mod rev " + shown.modRevision()
          + " · version " + shown.version() + " · lease " + Keys.lease(shown.lease())
          + " · " + shown.value().size() + " bytes");
      render();
    }
    history.setEnabled(shown != null);
    watch.setEnabled(shown != null);
    edit.setEnabled(shown != null && writes);
    delete.setEnabled(shown != null && writes);
  }

  Optional<KeyDetails> shown() {
    return Optional.ofNullable(shown);
  }

  /** Enables the write actions only while writes are allowed for the session. */
  void writesAllowed(boolean allowed) {
    writes = allowed;
    for (Button b : new Button[] {edit, delete}) {
      b.setEnabled(allowed && shown != null);
      b.setTooltipText(allowed ? null : "Read-only: tick “Allow writes” in the header first");
    }
  }

  private void render() {
    if (shown == null) {
      return;
    }
    byte[] bytes = shown.value().getBytes();
    RenderedValue r = AUTO.equals(format.getValue())
        ? ValueRenderer.render(bytes)
        : ValueRenderer.render(bytes, Format.valueOf(format.getValue()));
    value.setText(r.text());
    value.getElement().setAttribute("data-format", r.format().name());
  }

  private void go(String view) {
    if (shown != null) {
      getUI().ifPresent(ui -> ui.navigate(view,
          QueryParameters.simple(Map.of("key", KeyParam.encode(shown.key())))));
    }
  }
}
