package io.cairn.console.web;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by Debian's chromedriver, with waits for what Vaadin renders
 * after a server round trip, and screenshots kept under {@code target/screenshots}.
 */
final class Browser implements AutoCloseable {
  static final Path SCREENSHOTS = Paths.get("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ChromeDriver driver;
  private final Path profileDir;

  Browser() {
    try {
      profileDir = Files.createTempDirectory("cairn-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--user-data-dir=" + profileDir,
        "--window-size=1600,1000", "--lang=en-US");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
        .usingAnyFreePort()
        .build();
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1600, 1000));
  }

  /** Opens {@code url} and waits until Vaadin has rendered the view (the app layout is there). */
  void open(String url) {
    driver.get(url);
    await().atMost(WAIT).until(() -> !driver.findElements(By.cssSelector("vaadin-app-layout")).isEmpty()
        && Boolean.TRUE.equals(js("return !!window.Vaadin && !!window.Vaadin.Flow"
            + " && Object.values(window.Vaadin.Flow.clients || {}).every(c => !c.isActive())")));
  }

  WebElement byId(String id) {
    await().atMost(WAIT).until(() -> !driver.findElements(By.id(id)).isEmpty());
    return driver.findElement(By.id(id));
  }

  /** Types into a Vaadin text field (its native input is slotted in the light DOM) and commits. */
  void type(String fieldId, String text) {
    WebElement input = byId(fieldId).findElement(By.cssSelector("input, textarea"));
    input.clear();
    input.sendKeys(text);
    input.sendKeys(org.openqa.selenium.Keys.TAB);
    settle();
  }

  void click(String id) {
    byId(id).click();
    settle();
  }

  /** Waits until no request to the server is in flight. */
  void settle() {
    await().atMost(WAIT).until(() -> Boolean.TRUE.equals(js(
        "return Object.values(window.Vaadin.Flow.clients || {}).every(c => !c.isActive())")));
  }

  /** The texts of the cells of the grid {@code gridId} (rendered rows only). */
  List<String> cells(String gridId) {
    return byId(gridId).findElements(By.cssSelector("vaadin-grid-cell-content")).stream()
        .map(WebElement::getText).collect(Collectors.toList());
  }

  /** Clicks the cell of {@code gridId} whose text is exactly {@code text}. */
  void clickCell(String gridId, String text) {
    WebElement cell = await().atMost(WAIT).until(() -> byId(gridId)
        .findElements(By.cssSelector("vaadin-grid-cell-content")).stream()
        .filter(c -> c.getText().trim().equals(text)).findFirst().orElse(null), c -> c != null);
    js("arguments[0].scrollIntoView({block: 'center'})", cell);
    cell.click();
    settle();
  }

  /** Waits for a grid cell with exactly this text. */
  void awaitCell(String gridId, String text) {
    await().atMost(WAIT).until(() -> cells(gridId).stream().anyMatch(t -> t.trim().equals(text)));
  }

  /** Fetches what the anchor {@code id} links to (a download) from within the page. */
  String download(String id) {
    String href = byId(id).getAttribute("href");
    Object text = ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch(arguments[0]).then(r => r.text()).then(done, e => done('ERROR ' + e));", href);
    return String.valueOf(text);
  }

  /** Clicks the confirm button of the open confirm dialog {@code id}. */
  void clickConfirm(String dialogId) {
    await().atMost(WAIT).until(() -> !driver.findElements(By.cssSelector(
        "vaadin-confirm-dialog-overlay [slot='confirm-button']")).isEmpty());
    driver.findElement(By.cssSelector("vaadin-confirm-dialog-overlay [slot='confirm-button']")).click();
    settle();
  }

  String text(String id) {
    return byId(id).getText();
  }

  void awaitText(String id, java.util.function.Predicate<String> p) {
    await().atMost(WAIT).until(() -> text(id), p::test);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  ChromeDriver driver() {
    return driver;
  }

  private String failureShot;

  /** Names the screenshot that {@link #close()} saves, so a failed test leaves its last page. */
  void screenshotOnFailure(String name) {
    failureShot = name;
  }

  /** Saves a screenshot of the whole window as {@code target/screenshots/<name>.png}. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (failureShot != null) {
      try {
        screenshot("last-" + failureShot);
      } catch (RuntimeException ignored) {
        // A browser that died cannot take its last picture; the test's own error says why.
      }
    }
    driver.quit();
    try (var files = Files.walk(profileDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temp profile left behind is harmless.
    }
  }
}
