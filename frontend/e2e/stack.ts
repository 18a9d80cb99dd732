/**
 * A whole local Shipdeck stack for the browser journeys, on free ports with a fresh data
 * directory: `python -m shipdeck_local.stack` (DynamoDB-API server, the DeepSeek and SleakOps
 * simulators, migrations, demo data, the API serving the built web app from frontend/dist).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const FRONTEND = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const REPO = resolve(FRONTEND, "..");
const OUTPUT = join(FRONTEND, "e2e", ".output");

export interface Capabilities {
  simulators: boolean;
  releases: boolean;
  timeline: boolean;
  ai: boolean;
  conversations: boolean;
}

export interface Stack {
  baseUrl: string;
  sleakopsUrl: string;
  deepseekUrl: string;
  capabilities: Capabilities;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, log: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the local stack exited (${child.exitCode}) while starting:\n${tail(log)}`);
    }
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the local stack was not ready within ${timeoutMs / 1000}s:\n${tail(log)}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-40).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Starts a stack; `env` adds settings (e.g. a tiny AI quota). `name` names its log file. */
export async function startStack(name: string, extraEnv: Record<string, string> = {}): Promise<Stack> {
  if (!existsSync(join(FRONTEND, "dist", "index.html"))) {
    throw new Error("frontend/dist is missing: run `npm run build` (make frontend-build) first");
  }
  mkdirSync(OUTPUT, { recursive: true });
  const [http, dynamodb, deepseek, sleakops] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const dataDir = mkdtempSync(join(tmpdir(), "shipdeck-e2e-"));
  const simulators = existsSync(join(REPO, "local", "shipdeck_local", "simulators", "__init__.py"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SHIPDECK_HTTP_PORT: String(http),
    SHIPDECK_HTTP_PUBLIC_URL: `http://127.0.0.1:${http}`,
    SHIPDECK_DATA_DIR: dataDir,
    SHIPDECK_HTTP_STATIC_DIR: join(FRONTEND, "dist"),
    SHIPDECK_LOG_FORMAT: "console",
    ...extraEnv,
  };
  // Without the simulators (not in this checkout), give the stack keys so it does not try to
  // start them; the journeys that need them are skipped.
  if (!simulators) {
    env.SHIPDECK_DEEPSEEK_API_KEY = "unused";
    env.SHIPDECK_SLEAKOPS_API_KEY = "unused";
  }
  const venvPython = join(REPO, ".venv", "bin", "python");
  const [command, ...prefix] = existsSync(venvPython) ? [venvPython] : [process.env.UV || "uv", "run", "--frozen", "python"];
  const args = [
    ...prefix,
    "-m",
    "shipdeck_local.stack",
    "--dynamodb-port",
    String(dynamodb),
    "--deepseek-port",
    String(deepseek),
    "--sleakops-port",
    String(sleakops),
  ];
  const logFile = join(OUTPUT, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(command!, args, { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  const baseUrl = `http://127.0.0.1:${http}`;
  const started = Date.now();
  try {
    await waitReady(`${baseUrl}/readyz`, child, logFile, 90_000);
  } catch (error) {
    await stopAndWait(child);
    throw error;
  }
  const doc = (await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
  const has = (p: string) => p in doc.paths;
  const capabilities: Capabilities = {
    simulators,
    releases: has("/api/projects/{project_id}/builds") && has("/api/environments/{environment_id}/deployments"),
    timeline: has("/api/projects/{project_id}/events/stream"),
    ai: has("/api/releases/{release_id}/explain"),
    conversations: has("/api/conversations/{conversation_id}/messages"),
  };
  console.log(
    `${name}: local stack ready at ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)}s ` +
      `(log: ${logFile}); capabilities: ${JSON.stringify(capabilities)}`,
  );
  return {
    baseUrl,
    sleakopsUrl: `http://127.0.0.1:${sleakops}`,
    deepseekUrl: `http://127.0.0.1:${deepseek}`,
    capabilities,
    stop: async () => {
      await stopAndWait(child);
      log.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function stop(child: ChildProcess): void {
  if (child.exitCode === null && child.pid) {
    try {
      process.kill(child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

async function stopAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || !child.pid) return;
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  stop(child);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((ok) => {
    timer = setTimeout(() => ok("timeout"), 20_000);
  });
  const outcome = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (outcome === "timeout" && child.pid) {
    // The supervisor did not stop in time: end its whole process group (ours alone).
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
}
