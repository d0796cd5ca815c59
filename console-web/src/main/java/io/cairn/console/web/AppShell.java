package io.cairn.console.web;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.PWA;
import com.vaadin.flow.theme.Theme;
import com.vaadin.flow.theme.lumo.Lumo;

/** Application-wide settings: server push for live views, the Lumo theme. */
@Push
@Theme(themeClass = Lumo.class)
public final class AppShell implements AppShellConfigurator {}
