/** Starts the local stack every journey shares, and stops it at the end. */
import type { TestProject } from "vitest/node";
import { startStack, type Capabilities } from "./stack";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    sleakopsUrl: string;
    deepseekUrl: string;
    capabilities: Capabilities;
  }
}

export default async function setup(project: TestProject) {
  const stack = await startStack("stack");
  project.provide("baseUrl", stack.baseUrl);
  project.provide("sleakopsUrl", stack.sleakopsUrl);
  project.provide("deepseekUrl", stack.deepseekUrl);
  project.provide("capabilities", stack.capabilities);
  return stack.stop;
}
