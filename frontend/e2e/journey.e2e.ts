/**
 * The main journey, as a new user: sign up → create a team and a project → add environments →
 * start a deployment and watch its states arrive live → a failed release → Explain streams an
 * answer → release notes → the assistant's answer streams → sign out. Every screen passes axe
 * and the main ones are photographed for docs/screenshots/.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUser, caps, expectAccessible, launch, newContext, screenshot, sleakops, uniqueEmail } from "./support";

const email = uniqueEmail("journey");
const password = "correct-horse-battery";
const teamName = "Payments";
const projectName = "Checkout";

/** Records every state a release row shows, from the moment it appears, without reloading. */
async function watchRowStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __states: Record<string, string[]> };
    w.__states = {};
    const record = () => {
      document.querySelectorAll<HTMLElement>("tr[data-release-id]").forEach((row) => {
        const id = row.dataset.releaseId!;
        const state = row.querySelector<HTMLElement>("[data-state]")?.dataset.state;
        if (!state) return;
        const seen = (w.__states[id] ??= []);
        if (seen[seen.length - 1] !== state) seen.push(state);
      });
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
    record();
  });
}

async function statesOf(page: Page, releaseId: string): Promise<string[]> {
  return page.evaluate((id) => (window as unknown as { __states: Record<string, string[]> }).__states[id] ?? [], releaseId);
}

/** Samples a streaming answer's length until it is complete: proves it grew piece by piece. */
async function sampleStream(page: Page, selector: string): Promise<number[]> {
  return page.evaluate(async (sel) => {
    const lengths: number[] = [];
    const deadline = Date.now() + 60_000;
    let seen = false;
    while (Date.now() < deadline) {
      const el = document.querySelector<HTMLElement>(sel);
      if (el) seen = true;
      else if (seen) break; // replaced by the stored copy once complete
      const len = el?.textContent?.length ?? 0;
      if (lengths[lengths.length - 1] !== len) lengths.push(len);
      if (el?.dataset.phase === "done" || el?.dataset.phase === "failed") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return lengths;
  }, selector);
}

describe("a new user ships, watches, and asks why", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let projectUrl = "";
  let failedReleaseUrl = "";
  const live = () => caps().simulators && caps().releases && caps().timeline;

  beforeAll(async () => {
    browser = await launch();
    context = await newContext(browser);
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it("signs up, with problems shown next to their fields first", async () => {
    await page.goto("/signup/");
    await expect.poll(() => page.getByLabel("Name").isVisible()).toBe(true);
    await expectAccessible(page, "sign up");
    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    const password_ = page.getByLabel("Password");
    await expect.poll(() => password_.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(".field-error").innerText()).toContain("at least 10 characters");
    await expectAccessible(page, "sign up with errors");

    await password_.fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((url) => url.pathname === "/");
  });

  it("sees an empty dashboard with a first step, and creates a team", async () => {
    await page.getByRole("heading", { name: "Welcome to Shipdeck" }).waitFor();
    await expectAccessible(page, "empty dashboard");
    await screenshot(page, "dashboard-empty");
    await page.getByLabel("Team name").fill(teamName);
    await page.getByRole("button", { name: "Create my first team" }).click();
    await page.getByRole("heading", { name: new RegExp(teamName) }).waitFor();
    await page.getByRole("heading", { name: "No projects yet" }).waitFor();
  });

  it("adds a project mapped to the SleakOps project shipdeck-demo", async () => {
    await page.getByLabel("Project name").fill(projectName);
    await page.getByLabel("SleakOps project").fill("shipdeck-demo");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("link", { name: projectName }).waitFor();
    await page.getByText("No environments yet.").waitFor();
    await expectAccessible(page, "dashboard with a project");
    await page.getByRole("link", { name: "Add the first environment" }).click();
    await page.waitForURL(/\/team\//);
  });

  it("adds environments dev and prod in the team settings; an invalid name is explained next to the field", async () => {
    const form = page.getByRole("form", { name: `New environment for ${projectName}` });
    await form.waitFor();
    await form.getByLabel("Environment name").fill("Prod Env");
    await form.getByLabel("SleakOps environment").fill("prod");
    await form.getByLabel("Default branch").fill("main");
    await form.getByRole("button", { name: "Add environment" }).click();
    const name = form.getByLabel("Environment name");
    await expect.poll(() => name.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await name.getAttribute("aria-describedby")) ?? "";
    const errorId = describedBy.split(" ").find((id) => id.endsWith("-error"));
    expect(errorId, "the field names its error").toBeTruthy();
    expect((await page.locator(`[id="${errorId}"]`).innerText()).length).toBeGreaterThan(3);

    await name.fill("dev");
    await form.getByLabel("SleakOps environment").fill("dev");
    await form.getByLabel("Default branch").fill("develop");
    await form.getByRole("button", { name: "Add environment" }).click();
    await page.locator('[data-environment="dev"]').waitFor();

    await page.getByRole("button", { name: `Add environment to ${projectName}` }).click();
    const again = page.getByRole("form", { name: `New environment for ${projectName}` });
    await again.getByLabel("Environment name").fill("prod");
    await again.getByLabel("SleakOps environment").fill("prod");
    await again.getByLabel("Default branch").fill("main");
    await again.getByRole("button", { name: "Add environment" }).click();
    await page.locator('[data-environment="prod"]').waitFor();
    await page.getByRole("cell", { name: /Ada Lovelace/ }).waitFor();
    await expectAccessible(page, "team settings");
  });

  it("as the owner, adds a colleague, changes their role and removes them", async () => {
    const colleague = await apiUser("colleague");
    const add = page.getByRole("form", { name: "Add a member" });
    await add.getByLabel("Email").fill("nobody-" + colleague.email);
    await add.getByRole("button", { name: "Add member" }).click();
    await add.getByRole("alert").getByText("No Shipdeck account uses this email").waitFor();
    await add.getByLabel("Email").fill(colleague.email);
    await add.getByLabel("Role").selectOption("viewer");
    await add.getByRole("button", { name: "Add member" }).click();
    await page.getByText(`${colleague.email} was added as viewer.`).waitFor();
    const role = page.getByLabel("Role of colleague user");
    expect(await role.inputValue()).toBe("viewer");
    await role.selectOption("maintainer");
    await page.getByText("colleague user is now maintainer.").waitFor();
    await screenshot(page, "team-settings");
    const row = page.getByRole("row", { name: /colleague user/ });
    await row.getByRole("button", { name: "Remove" }).click();
    await row.getByRole("button", { name: "Yes, remove" }).click();
    await page.getByText("colleague user was removed from the team.").waitFor();
    await expect.poll(() => page.getByRole("row", { name: /colleague user/ }).count()).toBe(0);
  });

  it("opens the project: environments, the ship forms, the timeline", async () => {
    await page.getByRole("link", { name: projectName }).first().click();
    await page.waitForURL(/\/project\//);
    projectUrl = page.url();
    await page.getByRole("heading", { level: 1, name: projectName }).waitFor();
    await page.getByRole("heading", { name: "dev", exact: true }).waitFor();
    await page.getByRole("heading", { name: "prod", exact: true }).waitFor();
    await page.getByRole("heading", { name: "Start a build" }).waitFor();
    if (caps().timeline) {
      await page.locator('[data-connection="live"]').waitFor();
    }
    await expectAccessible(page, "project");
  });

  it.runIf(live())("starts a deployment and sees its states arrive live", async () => {
    await watchRowStates(page);
    await page.getByRole("button", { name: "Deploy to dev" }).click();
    const deploy = page.getByRole("form", { name: "Start a deployment" });
    expect(await deploy.getByLabel("Environment").inputValue()).not.toBe("");
    await deploy.getByRole("button", { name: "Deploy" }).click();
    await deploy.getByText("Deployment requested.").waitFor();
    const row = page.locator("tr[data-release-id]").first();
    await row.waitFor();
    const releaseId = (await row.getAttribute("data-release-id"))!;
    await row.locator('[data-state="created"]').waitFor({ timeout: 45_000 });
    const seen = await statesOf(page, releaseId);
    expect(seen.at(-1)).toBe("created");
    expect(seen.length, `states seen live: ${seen.join(" → ")}`).toBeGreaterThanOrEqual(2);
    // The timeline told the story too, and the environment shows what is deployed.
    await page.locator("ol.timeline li").first().waitFor();
    expect(await page.locator("ol.timeline li").count()).toBeGreaterThanOrEqual(2);
    await page.locator('[data-environment="dev"]').getByText("Deployed:").waitFor();
    await expectAccessible(page, "project after a deployment");
    await screenshot(page, "project");
  });

  it.runIf(live())("starts a build, then deploys that build", async () => {
    const build = page.getByRole("form", { name: "Start a build" });
    await build.getByLabel("Branch").fill("main");
    await build.getByLabel("Tag (optional)").fill("v1.4.0");
    await build.getByRole("button", { name: "Start build" }).click();
    await build.getByText("Build requested.").waitFor();
    const row = page.locator("tr[data-release-id]").first();
    expect(await row.innerText()).toContain("v1.4.0");
    await row.locator('[data-state="created"]').waitFor({ timeout: 45_000 });
    await page.getByRole("button", { name: "Deploy to prod" }).click();
    const deploy = page.getByRole("form", { name: "Start a deployment" });
    await deploy.getByRole("radio", { name: /A successful build/ }).check();
    expect(await deploy.getByLabel("Build", { exact: true }).locator("option").first().innerText()).toContain("v1.4.0");
    await deploy.getByRole("button", { name: "Deploy" }).click();
    await deploy.getByText("Deployment requested.").waitFor();
    await page.locator("tr[data-release-id]").first().locator('[data-state="created"]').waitFor({ timeout: 45_000 });
    await page.locator('[data-environment="prod"]').getByText("Deployed:").waitFor();
  });

  it.runIf(live())("a failed deployment shows SleakOps' error on its page", async () => {
    await sleakops("/_sim/scripts", {
      kind: "deploy",
      project: "shipdeck-demo",
      environment: "prod",
      outcome: "error",
      errors: "ImagePullBackOff: image shipdeck-demo:broken not found",
      times: 1,
    });
    await page.getByRole("button", { name: "Deploy to prod" }).click();
    const deploy = page.getByRole("form", { name: "Start a deployment" });
    await deploy.getByRole("radio", { name: "An image tag" }).check();
    await deploy.getByRole("textbox", { name: "Image tag" }).fill("broken");
    await deploy.getByRole("button", { name: "Deploy" }).click();
    await deploy.getByText("Deployment requested.").waitFor();
    const row = page.locator("tr[data-release-id]").first();
    await row.locator('[data-state="error"]').waitFor({ timeout: 45_000 });
    expect(await row.innerText()).toContain("Failed");
    await row.getByRole("link").first().click();
    await page.waitForURL(/\/release\//);
    failedReleaseUrl = page.url();
    await page.getByRole("heading", { name: "Errors" }).waitFor();
    expect(await page.locator("pre.errors").innerText()).toContain("ImagePullBackOff");
    await expectAccessible(page, "failed release");
  });

  it.runIf(live() && caps().ai)("Explain with AI streams its answer token by token", async () => {
    if (page.url() !== failedReleaseUrl) await page.goto(failedReleaseUrl);
    await page.getByRole("button", { name: "Explain with AI" }).click();
    const lengths = await sampleStream(page, "#explanation");
    expect(lengths.length, `answer lengths seen: ${lengths.join(", ")}`).toBeGreaterThanOrEqual(4);
    await page.getByText(/Answer complete/).waitFor();
    expect(await page.locator("#explanation").innerText()).toMatch(/ImagePullBackOff|image/i);
    await expectAccessible(page, "release with an explanation");
    await screenshot(page, "release-detail");
  });

  it.runIf(live() && caps().ai)("drafts release notes for a range, streamed, and copies them", async () => {
    await page.getByRole("link", { name: "Release notes" }).click();
    await page.waitForURL(/\/notes\//);
    await page.getByLabel("Environment").selectOption({ label: "prod" });
    const from = page.getByLabel("From release (older)");
    await expect.poll(() => from.locator("option").count()).toBeGreaterThanOrEqual(3);
    await from.selectOption({ index: (await from.locator("option").count()) - 1 });
    await page.getByRole("button", { name: "Draft release notes" }).click();
    const lengths = await sampleStream(page, "#release-notes");
    expect(lengths.length).toBeGreaterThanOrEqual(4);
    await page.getByRole("button", { name: "Copy notes (Markdown)" }).click();
    await page.getByText("Copied to the clipboard.").waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.length).toBeGreaterThan(20);
    await expectAccessible(page, "release notes");
    await screenshot(page, "release-notes");
  });

  it.runIf(caps().simulators && caps().conversations)(
    "asks the assistant; the answer streams and Markdown stays inert",
    async () => {
      await page.goto(projectUrl.replace("/project/?id=", "/assistant/?project="));
      await page.getByLabel("Your message").waitFor();
      await expectAccessible(page, "assistant (empty)");
      await page.getByLabel("Your message").fill("Why did the last **prod** deployment fail?");
      await page.keyboard.press("Enter");
      const lengths = await sampleStream(page, "#assistant-answer");
      expect(lengths.length, `answer lengths seen: ${lengths.join(", ")}`).toBeGreaterThanOrEqual(4);
      await expect.poll(() => page.locator(".messages li.assistant").count()).toBe(1);
      expect(await page.locator(".messages li.user strong").first().innerText()).toBe("prod");
      await expect.poll(() => page.locator(".conversations li").count()).toBe(1);
      await expectAccessible(page, "assistant");
      await screenshot(page, "assistant");

      // Markdown from people and the model is rendered safely: HTML shows as text, nothing runs.
      const hostile = 'And <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>?';
      await page.getByLabel("Your message").fill(hostile);
      await page.keyboard.press("Enter");
      await sampleStream(page, "#assistant-answer");
      await expect.poll(() => page.locator(".messages li.assistant").count()).toBe(2);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator(".messages img, .messages script").count()).toBe(0);
      expect(await page.locator(".messages li.user").nth(1).innerText()).toContain("<img src=x");

      // The conversation is kept: reopened from its address, the whole exchange is there.
      await page.reload();
      await expect.poll(() => page.locator(".messages > li").count()).toBe(4);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    },
  );

  it("signs out", async () => {
    await page.goto("/");
    await page.getByRole("heading", { name: "Your teams and projects" }).waitFor();
    if (live()) {
      await page.getByText("Deployed:").first().waitFor();
      await expectAccessible(page, "dashboard");
      await screenshot(page, "dashboard");
    }
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin\//);
    await page.getByText("You have signed out.").waitFor();
    await page.goto("/");
    await page.waitForURL(/\/signin\/\?next=%2F/);
  });
});
