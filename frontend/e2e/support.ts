/** What every journey uses: the browser, the accessibility check, screenshots, the simulators. */
import AxeBuilder from "@axe-core/playwright";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect, inject } from "vitest";

const FRONTEND = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
// `make screenshots` points this at docs/screenshots; a plain test run keeps the tree clean.
export const SCREENSHOTS =
  process.env.SCREENSHOTS_DIR ?? resolve(FRONTEND, "e2e", ".output", "screenshots");

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

export const baseUrl = () => inject("baseUrl");
export const caps = () => inject("capabilities");

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

export async function newContext(
  browser: Browser,
  options: { width?: number; height?: number; baseUrl?: string } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: options.baseUrl ?? baseUrl(),
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
    permissions: ["clipboard-read", "clipboard-write"],
    reducedMotion: "reduce",
    locale: "en-US",
  });
  context.setDefaultTimeout(20_000);
  return context;
}

/** Fails on any serious or critical axe violation, naming the rule and the elements. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = bad
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join("\n  ")}`)
    .join("\n");
  expect(report, `accessibility violations on ${screen}`).toBe("");
}

/** A full-page screenshot for docs/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: "disabled", caret: "hide" });
}

/** The page must not scroll sideways (works at this width). */
export async function expectNoHorizontalScroll(page: Page, screen: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${screen} scrolls sideways at this width`).toBeLessThanOrEqual(0);
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@example.com`;
}

export async function signUp(page: Page, name: string, email: string, password: string): Promise<void> {
  await page.goto("/signup/");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((url) => url.pathname === "/");
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The SleakOps simulator's control API (`/_sim/...`). */
export async function sleakops(path: string, body?: unknown, method = "POST"): Promise<unknown> {
  const r = await fetch(`${inject("sleakopsUrl")}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!r.ok) throw new Error(`SleakOps simulator ${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

/** The DeepSeek simulator's control API (`/_sim/...`). */
export async function deepseek(path: string, body?: unknown, method = "POST"): Promise<unknown> {
  const r = await fetch(`${inject("deepseekUrl")}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!r.ok) throw new Error(`DeepSeek simulator ${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

/** A signed-up user driving the API directly (Bearer token), to set up a scene quickly. */
export async function apiUser(prefix: string, base: string = baseUrl()) {
  const email = uniqueEmail(prefix);
  const password = "correct-horse-battery";
  const json = async (r: Response) => {
    const body = r.status === 204 ? null : await r.json();
    if (!r.ok) throw new Error(`${r.url}: ${r.status} ${JSON.stringify(body)}`);
    return body;
  };
  await json(
    await fetch(`${base}/api/auth/signup`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password, name: `${prefix} user` }),
    }),
  );
  const login = await json(
    await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password }),
    }),
  );
  const token = login.token as string;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    json(
      await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  return {
    email,
    password,
    token,
    call,
    /** A team with project `shipdeck-demo` (dev on develop, prod on main). */
    async scene(teamName: string) {
      const team = await call("POST", "/api/teams", { name: teamName });
      const project = await call("POST", `/api/teams/${team.id}/projects`, {
        name: "Storefront",
        sleakops_project: "shipdeck-demo",
      });
      const dev = await call("POST", `/api/projects/${project.id}/environments`, {
        name: "dev",
        sleakops_env: "dev",
        branch: "develop",
      });
      const prod = await call("POST", `/api/projects/${project.id}/environments`, {
        name: "prod",
        sleakops_env: "prod",
        branch: "main",
      });
      return { team, project, dev, prod };
    },
    /** Puts this user's session cookie into a browser context. */
    async signInContext(context: BrowserContext) {
      const url = new URL(base);
      await context.addCookies([
        { name: "shipdeck_session", value: token, domain: url.hostname, path: "/", httpOnly: true, sameSite: "Lax" },
      ]);
    },
  };
}
