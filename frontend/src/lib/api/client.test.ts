import { afterEach, describe, expect, it, vi } from "vitest";
import { allPages, call, makeClient, newIdempotencyKey, setSignedOutHandler } from "./client";
import { ApiError, NetworkError } from "./errors";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

afterEach(() => setSignedOutHandler(null));

const client_ = (fetch: (request: Request) => Promise<Response>) => makeClient({ fetch, baseUrl: "http://shipdeck.test" });

describe("call() over the generated client", () => {
  it("returns the data of a 2xx answer", async () => {
    const client = client_(async () => json(200, { items: [{ id: "t1", name: "A", role: "owner", created_at: "x" }], next_cursor: null }));
    const page = await call(client.GET("/api/teams"));
    expect(page.items[0]?.name).toBe("A");
  });

  it("throws ApiError with field errors for a 422, never returns it", async () => {
    const client = client_(async () =>
      json(422, { error: { code: "validation_error", message: "Some fields are invalid.", details: [{ field: "name", message: "too long" }] } }),
    );
    const error = await call(client.POST("/api/teams", { body: { name: "x".repeat(300) } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fieldErrors).toEqual([{ field: "name", message: "too long" }]);
  });

  it("throws NetworkError when no answer comes", async () => {
    const client = client_(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(call(client.GET("/api/me"))).rejects.toBeInstanceOf(NetworkError);
  });

  it("tells the signed-out handler about a 401, and still throws", async () => {
    const handler = vi.fn();
    setSignedOutHandler(handler);
    const client = client_(async () => json(401, { error: { code: "session_expired", message: "Your session has ended." } }));
    await expect(call(client.GET("/api/me"))).rejects.toBeInstanceOf(ApiError);
    expect(handler).toHaveBeenCalledOnce();
    expect(handler.mock.calls[0]?.[0].code).toBe("session_expired");
  });

  it("does not treat a wrong password as signed out", async () => {
    const handler = vi.fn();
    setSignedOutHandler(handler);
    const client = client_(async () => json(401, { error: { code: "invalid_credentials", message: "Email or password is incorrect." } }));
    await expect(call(client.POST("/api/auth/login", { body: { email: "a@b.c", password: "x" } }))).rejects.toBeInstanceOf(ApiError);
    expect(handler).not.toHaveBeenCalled();
  });

  it("sends cookies and the Idempotency-Key header when starting a build", async () => {
    let seen: Request | undefined;
    const client = client_(async (request) => {
      seen = request;
      return json(202, { id: "r1", kind: "build", state: "initial" });
    });
    const key = newIdempotencyKey();
    await call(
      client.POST("/api/projects/{project_id}/builds", {
        params: { path: { project_id: "p1" }, header: { "Idempotency-Key": key } },
        body: { branch: "main" },
      }),
    );
    expect(seen?.headers.get("Idempotency-Key")).toBe(key);
    expect(seen?.credentials).toBe("include");
    expect(new URL(seen!.url).pathname).toBe("/api/projects/p1/builds");
  });
});

describe("newIdempotencyKey", () => {
  it("is a fresh UUID each time", () => {
    const a = newIdempotencyKey();
    const b = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});

describe("allPages", () => {
  it("follows next_cursor until the last page", async () => {
    const pages: Record<string, { items: number[]; next_cursor: string | null }> = {
      start: { items: [1, 2], next_cursor: "b" },
      b: { items: [3], next_cursor: "c" },
      c: { items: [4], next_cursor: null },
    };
    const asked: (string | null)[] = [];
    const items = await allPages(async (cursor) => {
      asked.push(cursor);
      return pages[cursor ?? "start"]!;
    });
    expect(items).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([null, "b", "c"]);
  });
});
