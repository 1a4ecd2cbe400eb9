import { describe, expect, inject, it } from "vitest";
import type { Message } from "../../src/protocol";
import { baseUrl, call, clientId, feedSocket, messengerWebhook, newAgent } from "./live";

describe("Messenger against wrangler dev and a local Graph API stub", () => {
  it("S25 S26: a signed webhook appears live in the inbox; the agent's reply reaches the Send API with the right payload", async () => {
    const agent = await newAgent();
    const feed = await feedSocket(agent.cookie);
    const psid = `e2e-person-${Date.now()}`;
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
              message: { mid: `mid.${psid}`, text: "Hola, ¿abrís el domingo?" },
            },
          ],
        },
      ],
    });
    const res = await messengerWebhook(body);
    expect([res.status, await res.text()]).toEqual([200, "EVENT_RECEIVED"]);
    const update = await feed.next(
      "conversation",
      (f) => f.conversation.channel === "messenger" && f.conversation.preview === "Hola, ¿abrís el domingo?",
    );
    const id = update.conversation.id;
    expect(update.conversation).toMatchObject({ contact: null, status: "open", read: false });

    const reply = await call(`/api/conversations/${id}/messages`, {
      cookie: agent.cookie,
      body: { clientId: clientId(), channel: "messenger", text: "¡Sí, de 10 a 14!" },
    });
    expect(reply.status).toBe(201);
    const { message } = (await reply.json()) as { message: Message };
    expect(message.status).toBe("sent");
    const calls = (await (await fetch(`${new URL(inject("graphStubUrl")).origin}/__calls`)).json()) as {
      method: string;
      path: string;
      body: unknown;
    }[];
    const sent = calls.filter(
      (c) => c.method === "POST" && (c.body as { recipient?: { id?: string } })?.recipient?.id === psid,
    );
    expect(sent).toEqual([
      {
        method: "POST",
        path: "/v24.0/me/messages",
        query: expect.objectContaining({ access_token: expect.any(String) }),
        body: {
          recipient: { id: psid },
          messaging_type: "RESPONSE",
          message: { text: "¡Sí, de 10 a 14!", metadata: message.id },
        },
      },
    ]);
    feed.close();
  });

  it("S24: an unsigned or badly signed webhook is refused by the running server", async () => {
    const body = JSON.stringify({ object: "page", entry: [] });
    const unsigned = await fetch(`${baseUrl}/webhooks/messenger`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(unsigned.status).toBe(401);
    const wrong = await fetch(`${baseUrl}/webhooks/messenger`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${"a".repeat(64)}` },
      body,
    });
    expect(wrong.status).toBe(401);
  });
});
