// What the browser tests share: headless Chromium (the system one, driven by playwright-core),
// the portal started on a host at a port its public origin names, and fresh profiles that
// record what went wrong.
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { chromium } from "playwright-core";
import { startBareHost } from "../contract/hosts.mjs";
import { DEV_SEARCH_INDEX_TOKEN, importLibrary } from "../workerd/search-seed.mjs";

/** The hosts to run on (MEDPORTAL_BROWSER_HOSTS, default `workerd,spin`). */
export const HOSTS = (process.env.MEDPORTAL_BROWSER_HOSTS ?? "workerd,spin").split(",").filter(Boolean);

function chromiumPath() {
  const candidates = [process.env.CHROMIUM_BIN, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error("Chromium not found: run `make chromium` (apt-get install chromium) or set CHROMIUM_BIN");
  return found;
}

/** Starts headless Chromium. */
export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** A port that was free a moment ago (the portal's public origin must name it: mail links). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The portal on `host` in dev mode (plus `vars`), serving at a port its public origin names,
 * with the demo library imported through content's publishing use cases: `{ portal, origin }`. */
export async function startPortal(host, vars = {}) {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    let portal;
    try {
      portal = await startBareHost(host, { dev_mode: "true", public_origin: origin, ...vars }, { port });
    } catch (e) {
      if (attempt >= 2) throw e; // the port was taken in between: try another
      continue;
    }
    await importLibrary(portal.url, DEV_SEARCH_INDEX_TOKEN);
    return { portal, origin };
  }
}

/** A fresh profile of `browser` at `origin` (JavaScript on or off) and the problems it
 * records: HTTP errors always; with `strict`, console errors and warnings, page errors and
 * failed requests too. */
export async function newProfile(browser, origin, { javaScriptEnabled, strict = false }) {
  const context = await browser.newContext({ javaScriptEnabled, baseURL: origin, locale: "en-US" });
  const page = await context.newPage();
  const problems = [];
  if (strict) {
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()} (${m.location().url || page.url()})`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message} (${page.url()})`));
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  }
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return { context, page, problems };
}

/** Clicks `selector`, waits until the new document it leads to has loaded (its stylesheet
 * included), then checks that it is at `url`. Waiting for the URL alone is not enough: a form
 * that posts back to its own address (/register, /verify, a review page) is already at `url`
 * before the click, so the wait would end at once and the next step's navigation would cut
 * the new page's stylesheet off mid-load (`net::ERR_ABORTED`, a failed request). */
export async function follow(page, selector, url) {
  const loaded = page.waitForEvent("load");
  await page.click(selector);
  await loaded;
  await page.waitForURL(url, { waitUntil: "load", timeout: 5_000 });
}
