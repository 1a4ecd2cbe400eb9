import { describe, expect, it } from "vitest";
import type { ConversationSummary } from "../../src/protocol";
import { conversationOf, deliver, mail } from "./email-helpers";
import { call, clientId, feedSocket, room, signedInAgent } from "./helpers";

let n = 0;
const unique = (name: string) => `${name}.${Date.now()}.${++n}@example.org`;

interface SetAside {
  id: string;
  subject: string | null;
  conversationId: string | null;
}

async function setAsideList(cookie: string, dismissed = false): Promise<SetAside[]> {
  const res = await call(`/api/mail/set-aside${dismissed ? "?dismissed=true" : ""}`, { cookie });
  return ((await res.json()) as { mail: SetAside[] }).mail;
}

describe("what a team manages itself", () => {
  it("S10: an agent changes their own name; an empty one is refused", async () => {
    const agent = await signedInAgent();
    const res = await call("/api/auth/me", {
      method: "PATCH",
      cookie: agent.cookie,
      body: { name: "  Ada Lovelace " },
    });
    expect(res.status).toBe(200);
    expect(
      ((await (await call("/api/auth/me", { cookie: agent.cookie })).json()) as { agent: { name: string } }).agent.name,
    ).toBe("Ada Lovelace");
    expect((await call("/api/auth/me", { method: "PATCH", cookie: agent.cookie, body: { name: " " } })).status).toBe(
      400,
    );
    expect(
      (await call("/api/auth/me", { method: "PATCH", cookie: agent.cookie, body: { role: "admin" } })).status,
    ).toBe(400);
  });

  it("S44: a contact's name edited by an agent shows at once in their conversations, live", async () => {
    const agent = await signedInAgent();
    const messageId = `<name-${clientId()}@mail.example.org>`;
    await deliver(mail({ from: `gh <${unique("grace")}>`, messageId }));
    const id = (await conversationOf(messageId.slice(1, -1)))!;
    const contactId = (await room(id).snapshot())!.conversation.contact!.id;
    const feed = await feedSocket(agent.cookie);
    const res = await call(`/api/contacts/${contactId}`, {
      method: "PATCH",
      cookie: agent.cookie,
      body: { name: "Grace Hopper" },
    });
    expect(res.status).toBe(200);
    await feed.next("conversation", (f) => f.conversation.id === id && f.conversation.contact?.name === "Grace Hopper");
    expect((await room(id).snapshot())!.conversation.contact!.name).toBe("Grace Hopper");
    await expect
      .poll(async () => {
        const list = (await (await call("/api/conversations?limit=100", { cookie: agent.cookie })).json()) as {
          conversations: ConversationSummary[];
        };
        return list.conversations.find((c) => c.id === id)?.contact?.name;
      })
      .toBe("Grace Hopper");
    expect(
      (await call("/api/contacts/ct_nope", { method: "PATCH", cookie: agent.cookie, body: { name: "x" } })).status,
    ).toBe(400);
    feed.close();
  });

  it("S23: a set-aside mail is made into a conversation with its sender as the contact, once; another is dismissed and kept", async () => {
    const agent = await signedInAgent();
    const subject = `Out of office ${clientId()}`;
    const from = unique("away");
    await deliver(
      mail({ from: `Away Person <${from}>`, subject, extra: "Auto-Submitted: auto-replied" }, "I am away."),
    );
    const entry = (await setAsideList(agent.cookie)).find((m) => m.subject === subject)!;
    const made = await call(`/api/mail/set-aside/${entry.id}/conversation`, { method: "POST", cookie: agent.cookie });
    expect(made.status).toBe(201);
    const { conversationId } = (await made.json()) as { conversationId: string };
    const again = await call(`/api/mail/set-aside/${entry.id}/conversation`, { method: "POST", cookie: agent.cookie });
    expect(((await again.json()) as { conversationId: string }).conversationId).toBe(conversationId);
    const snapshot = (await room(conversationId).snapshot())!;
    expect(snapshot.conversation).toMatchObject({
      status: "open",
      read: false,
      contact: { email: from, name: "Away Person" },
    });
    expect((await room(conversationId).history({ limit: 10 }))!.map((m) => m.text)).toEqual(["I am away."]);
    expect((await setAsideList(agent.cookie)).find((m) => m.id === entry.id)?.conversationId).toBe(conversationId);

    const other = `Read receipt ${clientId()}`;
    await deliver(mail({ from: unique("receipt"), subject: other, extra: "Auto-Submitted: auto-replied" }));
    const second = (await setAsideList(agent.cookie)).find((m) => m.subject === other)!;
    expect(
      (await call(`/api/mail/set-aside/${second.id}/dismiss`, { method: "POST", cookie: agent.cookie })).status,
    ).toBe(204);
    expect((await setAsideList(agent.cookie)).map((m) => m.id)).not.toContain(second.id);
    expect((await setAsideList(agent.cookie, true)).map((m) => m.id)).toContain(second.id);
    expect((await call(`/api/mail/set-aside/${second.id}/raw`, { cookie: agent.cookie })).status).toBe(200);
  });
});
