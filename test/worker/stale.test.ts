import { describe, expect, it } from "vitest";
import { messengerConversationId } from "../../src/channels/messenger/routes";
import type { Message } from "../../src/protocol";
import { call, clientId, room, signedInAgent, startVisitor, visitorSays, widget } from "./helpers";
import { messengerText, webhook } from "./messenger-helpers";

function reply(
  cookie: string,
  id: string,
  body: { channel: string; text: string; basedOnSeq: number; force?: boolean },
) {
  return call(`/api/conversations/${id}/messages`, { cookie, body: { clientId: clientId(), ...body } });
}

async function outcome(res: Response) {
  const body = (await res.json()) as { message?: Message; newer?: Message[]; error?: { code: string } };
  return { status: res.status, body };
}

describe("no stale replies (S38)", () => {
  it("S38: two agents answering the same message at the same moment: one goes out, the other is held with it; forced, it goes", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const v = await startVisitor();
    await visitorSays(v, "Where is my order?");
    const [a, b] = await Promise.all([
      reply(ada.cookie, v.conversationId, { channel: "chat", text: "Ada: it ships today", basedOnSeq: 1 }).then(
        outcome,
      ),
      reply(alex.cookie, v.conversationId, { channel: "chat", text: "Alex: it shipped yesterday", basedOnSeq: 1 }).then(
        outcome,
      ),
    ]);
    const [sent, held] = a.status === 201 ? [a, b] : [b, a];
    expect([sent.status, held.status]).toEqual([201, 409]);
    expect(held.body.error?.code).toBe("stale");
    expect(held.body.newer!.map((m) => m.text)).toEqual([sent.body.message!.text]);
    const heldAuthor = sent === a ? alex : ada;
    const forced = await outcome(
      await reply(heldAuthor.cookie, v.conversationId, {
        channel: "chat",
        text: "Adding to that",
        basedOnSeq: 1,
        force: true,
      }),
    );
    expect(forced.status).toBe(201);
    expect((await room(v.conversationId).history({ limit: 10 }))!.map((m) => m.kind)).toEqual([
      "customer",
      "reply",
      "reply",
    ]);
  });

  it("S38: an email reply and a chat reply racing: the email's network wait cannot let both pass", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const v = await startVisitor();
    await visitorSays(v, "Can you email me?");
    expect(
      (await widget("/contact", { token: v.token, body: { email: `race-${clientId()}@example.org` } })).status,
    ).toBe(200);
    const results = await Promise.all([
      reply(ada.cookie, v.conversationId, { channel: "email", text: "Emailing you now", basedOnSeq: 1 }).then(outcome),
      reply(alex.cookie, v.conversationId, { channel: "chat", text: "Answered in chat", basedOnSeq: 1 }).then(outcome),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it("S38: two Messenger replies at once: one is sent to Meta, the other held", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const psid = `stale-${clientId()}`;
    expect((await webhook(messengerText(psid, `mid.${psid}`, "hello Page"))).status).toBe(200);
    const id = await messengerConversationId(psid);
    const results = await Promise.all(
      [ada, alex].map((a) =>
        reply(a.cookie, id, { channel: "messenger", text: `from ${a.id}`, basedOnSeq: 1 }).then(outcome),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await room(id).history({ limit: 10 }))!.filter((m) => m.kind === "reply")).toHaveLength(1);
  });

  it("S38: events and the author's own messages are not news; another agent's note is", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const v = await startVisitor();
    await visitorSays(v, "hi");
    await call(`/api/conversations/${v.conversationId}/assign`, { cookie: alex.cookie, body: { agentId: alex.id } });
    expect((await reply(ada.cookie, v.conversationId, { channel: "chat", text: "first", basedOnSeq: 1 })).status).toBe(
      201,
    );
    expect((await reply(ada.cookie, v.conversationId, { channel: "chat", text: "second", basedOnSeq: 1 })).status).toBe(
      201,
    );
    expect(
      (await reply(alex.cookie, v.conversationId, { channel: "note", text: "Careful, VIP", basedOnSeq: 4 })).status,
    ).toBe(201);
    const held = await outcome(
      await reply(ada.cookie, v.conversationId, { channel: "chat", text: "third", basedOnSeq: 4 }),
    );
    expect([held.status, held.body.newer!.map((m) => m.kind)]).toEqual([409, ["note"]]);
  });
});
