/**
 * Long histories: the release history and the activity timeline page through older entries, and
 * the filters narrow the history.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUser, caps, expectAccessible, launch, newContext } from "./support";

describe.runIf(caps().simulators && caps().releases && caps().timeline)("a project with a long history", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let projectId = "";

  beforeAll(async () => {
    const user = await apiUser("history");
    const { project } = await user.scene("History team");
    projectId = project.id;
    for (let i = 0; i < 23; i++) {
      await user.call("POST", `/api/projects/${project.id}/builds`, { branch: "main", tag: `v1.0.${i}` }, {
        "Idempotency-Key": crypto.randomUUID(),
      });
    }
    browser = await launch();
    context = await newContext(browser);
    page = await context.newPage();
    await user.signInContext(context);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it("shows the newest releases first, then older ones on request", async () => {
    await page.goto(`/project/?id=${projectId}`);
    const rows = page.locator("tr[data-release-id]");
    await expect.poll(() => rows.count()).toBe(20);
    expect(await rows.first().innerText()).toContain("v1.0.22");
    await page.getByRole("button", { name: "Show older releases" }).click();
    await expect.poll(() => rows.count()).toBe(23);
    expect(await rows.last().innerText()).toContain("v1.0.0");
    await expect.poll(() => page.getByRole("button", { name: "Show older releases" }).count()).toBe(0);
  });

  it("filters the history by kind", async () => {
    await page.getByLabel("Kind").selectOption("deploy");
    await page.getByText("No releases yet match these filters").waitFor();
    await page.getByLabel("Kind").selectOption("build");
    await expect.poll(() => page.locator("tr[data-release-id]").count()).toBe(20);
  });

  it("pages through older activity", async () => {
    const items = page.locator("ol.timeline li");
    await expect.poll(() => items.count()).toBeGreaterThanOrEqual(30);
    const before = await items.count();
    await page.getByRole("button", { name: "Show older activity" }).click();
    await expect.poll(() => items.count()).toBeGreaterThan(before);
    await expectAccessible(page, "project with a long history");
  });
});
