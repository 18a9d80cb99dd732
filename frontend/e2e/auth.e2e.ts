/**
 * Sessions: a wrong password, an expired session that sends the user to sign in and then back to
 * the page they were on, and keyboard access to the sign-in form.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUser, baseUrl, expectAccessible, launch, newContext, screenshot, signIn } from "./support";

describe("sessions", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    context = await newContext(browser);
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it("says so, in place, when the password is wrong", async () => {
    const user = await apiUser("wrongpw");
    await page.goto("/signin/");
    await page.getByLabel("Email").waitFor();
    await expectAccessible(page, "sign in");
    await screenshot(page, "sign-in");
    await signIn(page, user.email, "not-the-password");
    await page.getByRole("alert").getByText("The email or password is not right").waitFor();
    expect(new URL(page.url()).pathname).toBe("/signin/");
  });

  it("can be used with the keyboard alone, with a visible focus", async () => {
    await page.goto("/signin/");
    await page.getByLabel("Email").waitFor();
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(first).toBe("Skip to main content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    // Tab reaches the email field, and the focus ring is drawn.
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name === "email")) break;
    }
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { name: (el as HTMLInputElement).name, width: style.outlineWidth, style: style.outlineStyle };
    });
    expect(outline.name).toBe("email");
    expect(outline.style).not.toBe("none");
    expect(parseFloat(outline.width)).toBeGreaterThanOrEqual(2);
  });

  it("sends an expired session to sign in, then back to the page", async () => {
    const user = await apiUser("expired");
    const { team } = await user.scene("Expiry team");
    await user.signInContext(context);
    const target = `/team/?id=${team.id}`;
    await page.goto(target);
    await page.getByRole("heading", { name: "Expiry team settings" }).waitFor();

    // The session ends on the server (as after the idle timeout): the cookie now names nothing.
    const host = new URL(baseUrl()).hostname;
    await context.addCookies([
      { name: "shipdeck_session", value: "expired-session-token", domain: host, path: "/", httpOnly: true, sameSite: "Lax" },
    ]);
    await page.reload();
    await page.waitForURL(/\/signin\/\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get("next")).toBe(target);
    expect(url.searchParams.get("reason")).toBe("expired");
    await page.getByText("Your session has expired").waitFor();
    await expectAccessible(page, "sign in after expiry");

    await signIn(page, user.email, user.password);
    await page.waitForURL((u) => u.pathname === "/team/" && u.search === `?id=${team.id}`);
    await page.getByRole("heading", { name: "Expiry team settings" }).waitFor();
  });

  it("never follows a `next` that leaves the site", async () => {
    const user = await apiUser("next");
    await context.clearCookies();
    await page.goto("/signin/?next=//evil.example.com/steal");
    await page.getByLabel("Email").waitFor();
    await signIn(page, user.email, user.password);
    await page.waitForURL((u) => u.pathname === "/");
    expect(new URL(page.url()).host).toBe(new URL(baseUrl()).host);
  });
});
