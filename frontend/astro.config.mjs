// @ts-check
import preact from "@astrojs/preact";
import { defineConfig } from "astro/config";

// Static output: Amplify hosts `dist/` as files, and the local run serves the same files from
// the API's origin. Every page is an HTML shell plus one Preact island that talks to the API.
export default defineConfig({
  output: "static",
  trailingSlash: "ignore",
  build: { format: "directory" },
  integrations: [preact()],
  devToolbar: { enabled: false },
  vite: {
    build: { sourcemap: false },
    server: {
      // `npm run dev` against a local stack: the API on the same origin through Vite's proxy,
      // so the session cookie and the Origin check work as in production.
      proxy: {
        "/api": { target: process.env.SHIPDECK_DEV_API ?? "http://127.0.0.1:8000", changeOrigin: false },
      },
    },
  },
});
