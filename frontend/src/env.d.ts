/// <reference types="astro/client" />

interface ImportMetaEnv {
  /** Base URL of the Shipdeck API, e.g. https://api.example.com. Empty: same origin. */
  readonly PUBLIC_API_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
