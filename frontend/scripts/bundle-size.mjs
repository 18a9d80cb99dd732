// The JavaScript each built page ships, gzipped: inline scripts, island components and renderers,
// and every module they import statically (what the browser fetches before the page works).
// Modules only imported dynamically are listed apart as "lazy".
//
//   node scripts/bundle-size.mjs                       table for every page
//   node scripts/bundle-size.mjs --budget=project:100  also fail if /project/ ships >= 100 kB gz
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const gz = (text) => gzipSync(Buffer.from(text), { level: 9 }).length;

function pages(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== "_astro") out.push(...pages(p));
    } else if (name.endsWith(".html")) out.push(p);
  }
  return out;
}

const STATIC_IMPORT = /(?:^|[;\s}])import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+\.js)["']/g;
const DYNAMIC_IMPORT = /import\(\s*["']([^"']+\.js)["']\s*\)/g;

function resolveModule(from, spec) {
  if (spec.startsWith("/")) return join(dist, spec);
  return resolve(dirname(from), spec);
}

function walk(entry, seen, lazy) {
  if (seen.has(entry)) return;
  seen.add(entry);
  const code = readFileSync(entry, "utf8");
  for (const m of code.matchAll(STATIC_IMPORT)) walk(resolveModule(entry, m[1]), seen, lazy);
  for (const m of code.matchAll(DYNAMIC_IMPORT)) lazy.add(resolveModule(entry, m[1]));
}

export function measure(page) {
  const html = readFileSync(page, "utf8");
  const entries = new Set();
  let inline = 0;
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const src = /\bsrc="([^"]+)"/.exec(m[1]);
    if (src) entries.add(join(dist, src[1]));
    else inline += gz(m[2]);
  }
  for (const m of html.matchAll(/\b(?:component-url|renderer-url)="([^"]+)"/g)) entries.add(join(dist, m[1]));
  const seen = new Set();
  const lazy = new Set();
  for (const e of entries) walk(e, seen, lazy);
  for (const s of seen) lazy.delete(s);
  let total = inline;
  for (const file of seen) total += gz(readFileSync(file));
  let lazyTotal = 0;
  for (const file of lazy) lazyTotal += gz(readFileSync(file));
  return {
    page: "/" + relative(dist, page).replace(/index\.html$/, ""),
    bytes: total,
    files: seen.size,
    inline,
    lazy: lazyTotal,
  };
}

const results = pages(dist).map(measure).sort((a, b) => a.page.localeCompare(b.page));
const kb = (n) => (n / 1024).toFixed(1);
console.log("page                JS gzipped   modules   (inline)   lazy");
for (const r of results) {
  console.log(`${r.page.padEnd(20)}${(kb(r.bytes) + " kB").padStart(11)}${String(r.files).padStart(10)}${(kb(r.inline) + " kB").padStart(11)}${(kb(r.lazy) + " kB").padStart(9)}`);
}
let failed = false;
for (const arg of process.argv.slice(2)) {
  const m = /^--budget=([\w-]+):(\d+)$/.exec(arg);
  if (!m) continue;
  const r = results.find((x) => x.page === `/${m[1]}/`);
  if (!r) {
    console.error(`no page /${m[1]}/ in dist`);
    failed = true;
  } else if (r.bytes >= Number(m[2]) * 1024) {
    console.error(`/${m[1]}/ ships ${kb(r.bytes)} kB of JavaScript gzipped; the budget is ${m[2]} kB`);
    failed = true;
  } else {
    console.log(`budget ok: /${m[1]}/ ships ${kb(r.bytes)} kB gzipped (< ${m[2]} kB)`);
  }
}
process.exit(failed ? 1 : 0);
