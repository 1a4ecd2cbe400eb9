import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import {
  call,
  clientId,
  feedSocket,
  freshClient,
  indexRow,
  session,
  signedInAgent,
  visitorSays,
  socketsOfEachTest,
} from "./helpers";

const open = socketsOfEachTest();

interface Received {
  payload: { title: string; body: string; url: string };
  claims: { aud: string; sub: string; exp: number };
}

/** A browser's subscription at the local push service, made for our VAPID key. */
async function subscribe(cookie: string, gone = false) {
  const res = await fetch(`${inject("pushStubUrl")}/__subscribe${gone ? "?gone=1" : ""}`, {
    method: "POST",
    body: JSON.stringify({ applicationServerKey: env.VAPID_PUBLIC_KEY }),
  });
  const subscription = (await res.json()) as { endpoint: string; keys: { p256dh: string; auth: string } };
  expect((await call("/api/notifications/push/subscriptions", { cookie, body: subscription })).status).toBe(204);
  return subscription;
}

async function received(endpoint: string): Promise<Received[]> {
  return (await fetch(endpoint.replace(/\/(push|gone)\//, "/__received/"))).json() as Promise<Received[]>;
}

async function mention(byCookie: string, agentId: string, text: string) {
  const v = await session({}, { client: freshClient() });
  await visitorSays(v, "hello");
  await indexRow(v.conversationId);
  await call(`/api/conversations/${v.conversationId}/messages`, {
    cookie: byCookie,
    body: { clientId: clientId(), channel: "note", text, mentions: [agentId] },
  });
  return v.conversationId;
}

describe("Web Push (S39)", () => {
  it("S39: with no app open, a notice goes out as a Web Push the push service can verify (VAPID) and decrypt (aes128gcm)", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const sub = await subscribe(alex.cookie);
    const id = await mention(ada.cookie, alex.id, "@Alex please look");
    await expect.poll(async () => (await received(sub.endpoint)).length).toBe(1);
    const [push] = await received(sub.endpoint);
    expect(push!.payload).toMatchObject({ title: "You were mentioned", url: `/conversations/${id}?seq=2` });
    expect(push!.payload.body).toContain("please look");
    expect(push!.claims).toMatchObject({ aud: new URL(inject("pushStubUrl")).origin, sub: env.VAPID_SUBJECT });
  });

  it("S39: no push while the agent has the app open; an expired subscription is removed; bad subscriptions are refused", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const sub = await subscribe(alex.cookie);
    const feed = await feedSocket(alex.cookie);
    open.push(feed);
    await mention(ada.cookie, alex.id, "while you are here");
    await feed.next("notification");
    feed.close();
    await feed.waitFor(() => feed.closed !== null, "the app to close");
    await expect
      .poll(async () => ((await env.INBOX_FEED.getByName("workspace").statuses()) as Record<string, string>)[alex.id])
      .toBe("offline");
    await mention(ada.cookie, alex.id, "now that you are away");
    await expect
      .poll(async () => (await received(sub.endpoint)).map((r) => r.payload.body))
      .toEqual([expect.stringContaining("now that you are away")]);

    const gone = await subscribe(alex.cookie, true);
    await mention(ada.cookie, alex.id, "to an expired subscription");
    await expect
      .poll(
        async () =>
          (await env.DB.prepare("SELECT count(*) AS n FROM push_subscriptions WHERE endpoint = ?")
            .bind(gone.endpoint)
            .first<{ n: number }>())!.n,
      )
      .toBe(0);

    for (const endpoint of ["ftp://push.example/x", "http://push.example/x"]) {
      const res = await call("/api/notifications/push/subscriptions", {
        cookie: alex.cookie,
        body: { endpoint, keys: sub.keys },
      });
      expect(res.status).toBe(400);
    }
  });
});
