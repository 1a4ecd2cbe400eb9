import { createHmac } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { testClient } from "../support/client";
import { nodeTransport } from "../support/node-transport";

export { clientId, type VisitorSession } from "../support/client";

export const baseUrl = inject("baseUrl");
export const demoAgents = inject("demoAgents");

export function demo(role: "admin" | "agent") {
  const agent = demoAgents.find((a) => a.role === role);
  if (!agent) throw new Error(`no demo ${role} was printed`);
  return agent;
}

/**
 * The test client against the running server. Each test file signs in from its own client address, so
 * the per-client sign-in limit (20 a minute) applies per file: wrangler dev takes CF-Connecting-IP from
 * the request, as Cloudflare's edge sets it. Visitor sockets ping like the widget does (every 300 ms
 * here, well inside the stale limit).
 */
export const api = testClient(nodeTransport, { baseUrl, label: "E2E", pingMs: 300 });
export const clientIp = api.address!;
export const SHOP = api.site;
export const {
  call,
  widget,
  signIn,
  startVisitor,
  visitorSays,
  agentSays,
  upgradeStatus,
  visitorSocket,
  agentSocket,
  feedSocket,
} = api;

/** The demo admin's session, signed in once by the global setup. */
export async function admin(): Promise<string> {
  return inject("adminCookie");
}

/** A new agent, created by the demo admin through the API, and signed in. */
export const newAgent = async (role: "agent" | "admin" = "agent") => api.newAgent(await admin(), { role });

/** Marks every unread conversation Read, so a test can watch the unread state change from zero. */
export async function readEverything(cookie: string): Promise<void> {
  for (;;) {
    const res = await call("/api/conversations?unread=true&limit=100", { cookie });
    const { conversations } = (await res.json()) as { conversations: { id: string }[] };
    if (conversations.length === 0) return;
    for (const c of conversations) await call(`/api/conversations/${c.id}/open`, { method: "POST", cookie });
    await new Promise((r) => setTimeout(r, 100)); // the index follows each conversation object
  }
}

/** Posts a Messenger webhook signed the way Meta signs it (X-Hub-Signature-256 over the exact bytes). */
export function messengerWebhook(body: string): Promise<Response> {
  const signature = `sha256=${createHmac("sha256", inject("messengerAppSecret")).update(body).digest("hex")}`;
  return call("/webhooks/messenger", {
    raw: body,
    headers: { "content-type": "application/json", "x-hub-signature-256": signature },
    origin: null,
    client: null,
  });
}

let people = 0;
/** A person writing to the Page now: returns their page-scoped id once the webhook was accepted. */
export async function messengerPersonSays(text: string, psid = `person-${Date.now()}-${++people}`): Promise<string> {
  const at = Date.now();
  const body = JSON.stringify({
    object: "page",
    entry: [
      {
        id: "PAGE",
        time: at,
        messaging: [
          {
            sender: { id: psid },
            recipient: { id: "PAGE" },
            timestamp: at,
            message: { mid: `mid.${psid}.${at}`, text },
          },
        ],
      },
    ],
  });
  const res = await messengerWebhook(body);
  if (res.status !== 200) throw new Error(`webhook: ${res.status} ${await res.text()}`);
  return psid;
}

/** Every .eml file wrangler dev wrote for the send_email binding (it logs the path: .wrangler/tmp/email/…). */
export function sentMailFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".eml")) out.push(path);
    }
  };
  walk(".wrangler/tmp");
  return out;
}

let mails = 0;
/**
 * A plain-text mail to the support address as a mail client writes it. `from` is the From header
 * ("Eva <eva@example.org>" or an address); `headers` add to the usual ones (Auto-Submitted…).
 */
export function rawMail(
  from: string,
  text: string,
  {
    subject = "A question by email",
    messageId = `e2e.${Date.now()}.${++mails}@mail.example.org`,
    headers = [] as string[],
  } = {},
): string {
  return [
    `From: ${from}`,
    "To: support@example.com",
    `Subject: ${subject}`,
    `Message-ID: <${messageId}>`,
    `Date: ${new Date().toUTCString()}`,
    ...headers,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    text,
    "",
  ].join("\r\n");
}

/** Posts raw mail to wrangler dev's local email endpoint, as Email Routing delivers it (the envelope sender is From's address). */
export function postMail(raw: string): Promise<Response> {
  const from = /^From: (?:.*<(.+)>|(.+))$/m.exec(raw);
  const address = from?.[1] ?? from?.[2] ?? "";
  return fetch(`${baseUrl}/cdn-cgi/handler/email?from=${encodeURIComponent(address)}&to=support@example.com`, {
    method: "POST",
    body: raw,
  });
}
