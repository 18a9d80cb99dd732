import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repo = resolve(__dirname, "..", "..");

/** The BUILD_SPEC f-string of the Amplify construct, with its APP_ROOT filled in. */
function infraBuildSpec(): string {
  const source = readFileSync(resolve(repo, "infra/shipdeck_infra/frontend.py"), "utf8");
  const appRoot = /^APP_ROOT = "([^"]+)"/m.exec(source)?.[1];
  const spec = /^BUILD_SPEC = f"""\\\n([\s\S]*?)"""/m.exec(source)?.[1];
  if (!appRoot || !spec) throw new Error("BUILD_SPEC or APP_ROOT not found in infra/shipdeck_infra/frontend.py");
  return spec.replaceAll("{APP_ROOT}", appRoot);
}

describe("amplify.yml", () => {
  it("is the build specification the infrastructure gives Amplify", () => {
    const file = readFileSync(resolve(repo, "amplify.yml"), "utf8")
      .split("\n")
      .filter((line) => !line.startsWith("#"))
      .join("\n");
    expect(file).toBe(infraBuildSpec());
  });

  it("builds what the web app's package.json builds, into dist/", () => {
    const pkg = JSON.parse(readFileSync(resolve(repo, "frontend/package.json"), "utf8"));
    expect(pkg.scripts.build).toBe("astro build");
    expect(infraBuildSpec()).toContain("baseDirectory: dist");
  });
});
