// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown";

function render(source: string): HTMLElement {
  const host = document.createElement("div");
  host.innerHTML = renderMarkdown(source);
  return host;
}

describe("renderMarkdown", () => {
  it("renders ordinary Markdown", () => {
    const el = render("# Title\n\nSome **bold** and `code`.\n\n- one\n- two\n\n```\nnpm ci\n```");
    expect(el.querySelector("h1")?.textContent).toBe("Title");
    expect(el.querySelector("strong")?.textContent).toBe("bold");
    expect(el.querySelectorAll("li")).toHaveLength(2);
    expect(el.querySelector("pre code")?.textContent).toContain("npm ci");
  });

  it("shows an <img onerror> payload as text: no element, no handler", () => {
    const html = renderMarkdown('Look: <img src=x onerror="alert(1)"> here');
    const el = render('Look: <img src=x onerror="alert(1)"> here');
    expect(el.querySelector("img")).toBeNull();
    expect(html).not.toMatch(/<img/i);
    expect(el.textContent).toContain('<img src=x onerror="alert(1)">');
  });

  it("never emits a script, whether as a block or inline", () => {
    for (const payload of ["<script>alert(1)</script>", "text <script>alert(1)</script> text", "<div><script>x()</script></div>"]) {
      const el = render(payload);
      expect(el.querySelector("script")).toBeNull();
      expect(el.querySelector("div")).toBeNull();
    }
  });

  it("drops javascript: and data: links but keeps http(s) ones, opened safely", () => {
    const el = render("[bad](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [good](https://example.com/a)");
    const links = [...el.querySelectorAll("a")];
    expect(links.map((a) => a.getAttribute("href"))).toEqual([null, null, "https://example.com/a"]);
    expect(links[2]?.getAttribute("rel")).toContain("noopener");
  });

  it("drops Markdown images (a remote image could track the reader)", () => {
    const el = render("![pixel](https://tracker.example/p.gif)");
    expect(el.querySelector("img")).toBeNull();
  });

  it("keeps no event handler or style attribute anywhere", () => {
    const el = render('<a href="https://x" onclick="steal()" style="position:fixed">x</a> [ok](https://x "t")');
    for (const node of el.querySelectorAll("*")) {
      for (const attr of node.getAttributeNames()) {
        expect(attr.startsWith("on")).toBe(false);
        expect(attr).not.toBe("style");
      }
    }
  });
});
