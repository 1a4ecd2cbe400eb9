import { inject } from "vitest";

export const baseUrl = inject("baseUrl");
export const demoAgents = inject("demoAgents");

export function demo(role: "admin" | "agent") {
  const agent = demoAgents.find((a) => a.role === role);
  if (!agent) throw new Error(`no demo ${role} was printed`);
  return agent;
}

/**
 * Each test file signs in from its own client address, so the per-client sign-in limit (20 a minute)
 * applies per file. wrangler dev takes CF-Connecting-IP from the request, as Cloudflare's edge sets it.
 */
export const clientIp = `10.${rand()}.${rand()}.${rand()}`;
function rand() {
  return 1 + Math.floor(Math.random() * 250);
}

/** fetch against the running server, sending our own Origin on state changes like a browser would. */
export function http(path: string, init: RequestInit & { json?: unknown; cookie?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  if (init.cookie) headers.set("cookie", init.cookie);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", clientIp);
  if (init.method && init.method !== "GET" && !headers.has("origin")) headers.set("origin", baseUrl);
  return fetch(`${baseUrl}${path}`, {
    ...init,
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    redirect: "manual",
  });
}

export async function signIn(email: string, password: string): Promise<string> {
  const res = await http("/api/auth/sign-in", { method: "POST", json: { email, password } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}
