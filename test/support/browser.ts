/**
 * Headless Chromium for the portal's browser tests: Debian's `chromium` package driven by
 * playwright-core (no browser download works offline). `.ci/run` installs it when missing.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(process.cwd(), ".data", "portal-screenshots");

/** `extraArgs` add to the flags every test needs (e.g. a host-resolver rule that blocks the network). */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      // What the portal must survive inside a platform's page: no third-party cookies.
      "--test-third-party-cookie-phaseout",
      ...extraArgs,
    ],
  });
}

/** Saves a full-page screenshot as .data/portal-screenshots/{name}.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
