import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { AgentNotification } from "../../src/protocol";
import { call, clientId, startVisitor, visitorSays } from "../e2e/live";

/** S39 tests' helpers: notices through the API, and what causes them (as a colleague's inbox would). */
export async function noticesOf(cookie: string): Promise<{ notifications: AgentNotification[]; unread: number }> {
  const res = await call("/api/notifications?limit=100", { cookie });
  expect(res.status).toBe(200);
  return (await res.json()) as { notifications: AgentNotification[]; unread: number };
}

/** A new chat conversation with a first customer message. */
export async function conversation(text: string): Promise<string> {
  const v = await startVisitor();
  await visitorSays(v, text);
  return v.conversationId;
}

/** A colleague (`by`) writes a note in the conversation mentioning the agent; its seq. */
export async function mention(
  by: { cookie: string },
  conversationId: string,
  agentId: string,
  text: string,
): Promise<number> {
  const res = await call(`/api/conversations/${conversationId}/messages`, {
    cookie: by.cookie,
    body: { clientId: clientId(), channel: "note", text, mentions: [agentId] },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { message: { seq: number } }).message.seq;
}

export async function assign(by: { cookie: string }, conversationId: string, agentId: string): Promise<void> {
  const res = await call(`/api/conversations/${conversationId}/assign`, { cookie: by.cookie, body: { agentId } });
  expect(res.status).toBe(200);
}

/** Only what these tests send: mentions and assignments (new conversations from other tests stay out). */
export async function onlyMentionsAndAssignments(cookie: string, more: Record<string, boolean> = {}): Promise<void> {
  const res = await call("/api/notifications/preferences", {
    method: "PUT",
    cookie,
    body: {
      mentioned: true,
      assigned: true,
      unassigned_new: false,
      customer_message: false,
      unassigned_message: false,
      desktop: true,
      sound: true,
      push: true,
      ...more,
    },
  });
  expect(res.status).toBe(200);
}

export const bell = (page: Page) => page.locator("#bell-button");
export const bellName = (page: Page) => bell(page).getAttribute("aria-label");

/** Waits until the agent's app is connected (their feed socket: the server counts them online). */
export async function connected(cookie: string, agentId: string): Promise<void> {
  await expect
    .poll(async () => {
      const { agents } = (await (await call("/api/agents", { cookie })).json()) as {
        agents: { id: string; status: string }[];
      };
      return agents.find((a) => a.id === agentId)?.status;
    })
    .toBe("online");
}
