/**
 * Every failure the API has gets a human message in place: network lost, the live timeline
 * disconnected (and resumed without losing events), SleakOps unavailable, the AI unavailable or
 * over quota, a viewer trying to ship. And the screens work at 360 px.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack";
import {
  apiUser,
  caps,
  deepseek,
  expectAccessible,
  expectNoHorizontalScroll,
  launch,
  newContext,
  screenshot,
  sleakops,
} from "./support";

type User = Awaited<ReturnType<typeof apiUser>>;
type Scene = Awaited<ReturnType<User["scene"]>>;

describe("failures, in place and in words", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let user: User;
  let scene: Scene;

  beforeAll(async () => {
    browser = await launch();
    context = await newContext(browser);
    page = await context.newPage();
    user = await apiUser("failures");
    scene = await user.scene("Failure team");
    await user.signInContext(context);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it("network lost: a form says Shipdeck can't be reached, and works again once back", async () => {
    await page.goto("/");
    await page.getByRole("button", { name: "New team" }).click();
    await page.getByLabel("Team name").fill("Offline team");
    await context.setOffline(true);
    await page.getByRole("button", { name: "Create team" }).click();
    await page.getByRole("alert").getByText("Shipdeck can't be reached").waitFor();
    await expectAccessible(page, "dashboard offline");
    await context.setOffline(false);
    await page.getByRole("button", { name: "Create team" }).click();
    await page.getByRole("heading", { name: /Offline team/ }).waitFor();
  });

  it.runIf(caps().timeline)("the live timeline shows when it is disconnected, then resumes without a gap", async () => {
    await page.goto(`/project/?id=${scene.project.id}`);
    await page.locator('[data-connection="live"]').waitFor();
    await context.setOffline(true);
    await page.locator('[data-connection="offline"]').waitFor();
    expect(await page.locator('[data-connection="offline"]').innerText()).toContain("Disconnected");
    // Something happens meanwhile: another person starts a build.
    await user.call("POST", `/api/projects/${scene.project.id}/builds`, { branch: "main" }, { "Idempotency-Key": crypto.randomUUID() });
    await page.waitForTimeout(500);
    expect(await page.locator('ol.timeline li[data-event-type="release.requested"]').count()).toBe(0);
    await context.setOffline(false);
    await page.locator('[data-connection="live"]').waitFor();
    // What happened while disconnected arrives once the stream resumes, and the history follows.
    await page.locator('ol.timeline li[data-event-type="release.requested"]').waitFor();
    await page.locator("tr[data-release-id]").first().waitFor();
  });

  it.runIf(caps().simulators && caps().releases)("SleakOps unavailable: nothing started, and it says so", async () => {
    await sleakops("/_sim/faults", { route: "/api/cli-deployment/", method: "POST", fault: "unavailable", times: 10 });
    try {
      await page.goto(`/project/?id=${scene.project.id}`);
      const deploy = page.getByRole("form", { name: "Start a deployment" });
      await deploy.getByRole("button", { name: "Deploy" }).click();
      await deploy.getByRole("alert").getByText(/SleakOps/).waitFor();
      expect(await deploy.getByRole("alert").innerText()).toMatch(/SleakOps is not answering/);
      // The refused attempt is in the history too, marked as not started.
      await page.locator('tr[data-release-id] [data-state="submit_failed"]').first().waitFor();
      await expectAccessible(page, "project with a SleakOps failure");
      // SleakOps is back: trying again is a new action (a new Idempotency-Key) and it starts.
      await sleakops("/_sim/faults", undefined, "DELETE");
      await deploy.getByRole("button", { name: "Deploy" }).click();
      await deploy.getByText("Deployment requested.").waitFor();
    } finally {
      await sleakops("/_sim/faults", undefined, "DELETE");
    }
  });

  it.runIf(caps().simulators && caps().releases && caps().ai)("AI unavailable: Explain says so and offers a retry", async () => {
    const release = (await user.call(
      "POST",
      `/api/projects/${scene.project.id}/builds`,
      { branch: "main" },
      { "Idempotency-Key": crypto.randomUUID() },
    )) as { id: string };
    await deepseek("/_sim/faults", { route: "/chat/completions", fault: "overloaded", times: 20 });
    try {
      await page.goto(`/release/?id=${release.id}`);
      await page.getByRole("button", { name: "Explain with AI" }).click();
      await page.getByRole("alert").getByText(/unavailable/).waitFor({ timeout: 45_000 });
      await page.getByRole("button", { name: "Try again" }).waitFor();
      await expectAccessible(page, "release with the AI unavailable");
    } finally {
      await deepseek("/_sim/faults", undefined, "DELETE");
    }
  });

  it.runIf(caps().simulators && caps().ai)("AI failing part-way says so and offers a retry", async () => {
    await deepseek("/_sim/faults", { route: "/chat/completions", fault: "mid_stream_error", times: 1 });
    try {
      await page.goto(`/notes/?project=${scene.project.id}`);
      await page.getByRole("button", { name: "Draft release notes" }).click();
      await page.getByRole("alert").getByText(/part-way/).waitFor({ timeout: 45_000 });
      await page.getByRole("button", { name: "Try again" }).waitFor();
      await expectAccessible(page, "release notes cut off");
    } finally {
      await deepseek("/_sim/faults", undefined, "DELETE");
    }
  });

  it("a viewer sees why they cannot ship", async () => {
    const owner = await apiUser("owner");
    const { team, project } = await owner.scene("Viewer team");
    await owner.call("POST", `/api/teams/${team.id}/members`, { email: user.email, role: "viewer" });
    await page.goto(`/project/?id=${project.id}`);
    await page.getByRole("heading", { name: "Start a build" }).waitFor();
    await page.getByText("Viewers can watch releases").first().waitFor();
    expect(await page.getByRole("button", { name: "Start build" }).isDisabled()).toBe(true);
    await page.goto(`/team/?id=${team.id}`);
    await page.getByText("Only owners change members and roles").waitFor();
    await expectAccessible(page, "team settings as a viewer");
  });

  it("works at 360 px wide on every screen", async () => {
    const phone = await newContext(browser, { width: 360, height: 780 });
    await user.signInContext(phone);
    const p = await phone.newPage();
    const release = caps().releases
      ? ((await user.call("GET", `/api/projects/${scene.project.id}/releases`)) as { items: { id: string }[] }).items[0]
      : undefined;
    const screens: [string, string, string][] = [
      ["dashboard", "/", "Your teams and projects"],
      ["project", `/project/?id=${scene.project.id}`, "Start a build"],
      ["team settings", `/team/?id=${scene.team.id}`, "Members"],
      ["release notes", `/notes/?project=${scene.project.id}`, "Choose the range"],
      ["assistant", `/assistant/?project=${scene.project.id}`, "Conversations"],
      ...(release ? ([["release", `/release/?id=${release.id}`, "Explain with AI"]] as [string, string, string][]) : []),
    ];
    for (const [name, url, heading] of screens) {
      await p.goto(url);
      await p.getByRole("heading", { name: heading }).first().waitFor();
      await expectNoHorizontalScroll(p, name);
      await expectAccessible(p, `${name} at 360 px`);
      if (name === "project") await screenshot(p, "project-mobile");
    }
    await phone.close();
  });
});

describe("a team over its daily AI allowance", () => {
  // A stack of its own whose allowance is one token: the first answer uses it up.
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    if (!caps().simulators || !caps().conversations) return;
    stack = await startStack("quota-stack", { SHIPDECK_ASSISTANT_DAILY_TOKEN_QUOTA: "1" });
    browser = await launch();
    context = await newContext(browser, { baseUrl: stack.baseUrl });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.stop();
  });

  it.runIf(caps().simulators && caps().conversations)("hears it in words, in place, and sees it in the team settings", async () => {
    const user = await apiUser("quota", stack.baseUrl);
    const { team, project } = await user.scene("Quota team");
    await user.signInContext(context);
    await page.goto(`/assistant/?project=${project.id}`);
    const message = page.getByLabel("Your message");
    await message.fill("What is running in prod?");
    await page.keyboard.press("Enter");
    await page.locator(".messages li.assistant").first().waitFor({ timeout: 45_000 });
    await page.getByRole("button", { name: "Send" }).waitFor();
    await message.fill("And in dev?");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").getByText("used today's AI allowance").waitFor();
    expect(await message.inputValue(), "the unsent question is given back").toBe("And in dev?");
    await expectAccessible(page, "assistant over quota");
    await page.goto(`/team/?id=${team.id}`);
    await page.getByRole("heading", { name: "AI usage today" }).waitFor();
    await page.getByText("The allowance is used up").waitFor();
  });
});
