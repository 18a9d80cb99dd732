// Regenerates the typed API client from the backend's OpenAPI document.
//
//   node scripts/generate-client.mjs          write src/lib/api/schema.d.ts
//   node scripts/generate-client.mjs --check  fail when the committed file is stale
//
// The document comes from `uv run shipdeck openapi` at the repository root (the backend prints
// it without starting a server), or from a file given with --from=openapi.json.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, "..");
const repoRoot = resolve(frontend, "..");
const target = resolve(frontend, "src/lib/api/schema.d.ts");
const check = process.argv.includes("--check");
const fromArg = process.argv.find((a) => a.startsWith("--from="));

function readDocument() {
  if (fromArg) return readFileSync(resolve(fromArg.slice("--from=".length)), "utf8");
  const uv = process.env.UV || "uv";
  return execFileSync(uv, ["run", "--frozen", "shipdeck", "openapi"], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

const HEADER = `/**
 * Generated from the Shipdeck API's OpenAPI document by scripts/generate-client.mjs
 * (openapi-typescript). Do not edit: run \`make frontend-client\` after changing the API.
 */

`;

const document = JSON.parse(readDocument());
const ast = await openapiTS(document, { alphabetize: true, exportType: false });
const generated = HEADER + astToString(ast);

if (check) {
  const committed = existsSync(target) ? readFileSync(target, "utf8") : "";
  if (committed !== generated) {
    const a = committed.split("\n");
    const b = generated.split("\n");
    let line = 0;
    while (line < Math.min(a.length, b.length) && a[line] === b[line]) line++;
    console.error(
      `The committed API client (src/lib/api/schema.d.ts) is stale: it differs from the ` +
        `backend's OpenAPI document from line ${line + 1}.\n` +
        `  committed: ${a[line] ?? "<end of file>"}\n  generated: ${b[line] ?? "<end of file>"}\n` +
        `Run \`make frontend-client\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log("API client is up to date with the backend's OpenAPI document.");
} else {
  writeFileSync(target, generated);
  console.log(`wrote ${target}`);
}
