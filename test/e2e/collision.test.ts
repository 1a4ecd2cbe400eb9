import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Message, Viewer } from "../../src/protocol";
import type { TestSocket } from "../support/test-socket";
import {
  agentSays,
  agentSocket,
  api,
  baseUrl,
  call,
  clientId,
  feedSocket,
  messengerPersonSays,
  newAgent,
  postMail,
  rawMail,
  sentMailFiles,
  startVisitor,
  visitorSays,
  visitorSocket,
} from "./live";
import { StallingProxy } from "./tcp-proxy";

let ada: Awaited<ReturnType<typeof newAgent>>;
let alex: Awaited<ReturnType<typeof newAgent>>;
const open: TestSocket[] = [];
const track = (s: TestSocket) => {
  open.push(s);
  return s;
};

beforeAll(async () => {
  ada = await newAgent();
  alex = await newAgent();
});
afterAll(() => {
  for (const s of open) s.close();
});

/** The frames a socket has had so far: `markers` looks only at what comes after. */
const mark = (s: TestSocket) => s.frames.length;

/** Waits for a viewers frame of conversation `id`, arriving after `since`, whose markers match `want`. */
async function markers(s: TestSocket, since: number, id: string, want: (v: Viewer[]) => boolean, timeoutMs = 5000) {
  const found = () =>
    s.frames.slice(since).find((f) => f.type === "viewers" && f.conversationId === id && want(f.viewers)) as
      | Extract<TestSocket["frames"][number], { type: "viewers" }>
      | undefined;
  await s.waitFor(() => found() !== undefined, "a matching viewers frame", timeoutMs);
  return found()!.viewers;
}
const of = (viewers: Viewer[], agentId: string) => viewers.find((v) => v.agentId === agentId);

describe("collision awareness over real sockets (S37)", () => {
  it("S37: two agents see each other viewing, in the background and replying, in the room and the list's feed; a clean close removes the marker at once; the visitor sees none", async () => {
    const v = await startVisitor();
    await visitorSays(v, "Is my order on its way?");
    const visitor = track(await visitorSocket(v));
    const alexRoom = track((await agentSocket(alex.cookie, v.conversationId)).keepAlive(1000));
    const alexFeed = track(await feedSocket(alex.cookie));
    const adaRoom = track((await agentSocket(ada.cookie, v.conversationId)).keepAlive(1000));
    await markers(
      alexRoom,
      0,
      v.conversationId,
      (m) => of(m, ada.id)?.state === "viewing" && of(m, alex.id)?.state === "viewing",
    );
    await markers(alexFeed, 0, v.conversationId, (m) => of(m, ada.id)?.state === "viewing");

    let room = mark(alexRoom);
    let feed = mark(alexFeed);
    adaRoom.send({ type: "viewing", visible: false });
    await markers(alexRoom, room, v.conversationId, (m) => of(m, ada.id)?.state === "background");
    adaRoom.send({ type: "typing", typing: true, composing: "email" });
    await markers(alexRoom, room, v.conversationId, (m) => of(m, ada.id)?.replying === true);
    await markers(alexFeed, feed, v.conversationId, (m) => of(m, ada.id)?.replying === true);

    room = mark(alexRoom);
    feed = mark(alexFeed);
    adaRoom.close();
    await markers(alexRoom, room, v.conversationId, (m) => !of(m, ada.id) && !!of(m, alex.id));
    await markers(alexFeed, feed, v.conversationId, (m) => !of(m, ada.id));

    // The visitor's socket carries the thread in order: no marker came before this reply.
    await agentSays(alex.cookie, v.conversationId, "It left this morning.");
    await visitor.next("message", (f) => f.message.text === "It left this morning.");
    expect(visitor.frames.filter((f) => f.type === "viewers")).toEqual([]);
  });

  it("S37: a tab whose network silently stops answering loses its marker within 30 s", {
    timeout: 60_000,
  }, async () => {
    const v = await startVisitor();
    await visitorSays(v, "Hello?");
    const alexRoom = track((await agentSocket(alex.cookie, v.conversationId)).keepAlive(1000));
    const proxy = new StallingProxy({ host: "127.0.0.1", port: Number(new URL(baseUrl).port) });
    const via = await proxy.listen();
    try {
      const adaRoom = track(
        (
          await api.connect(`/api/conversations/${v.conversationId}/socket`, {
            cookie: ada.cookie,
            via,
            origin: `http://${via}`,
          })
        ).keepAlive(1000),
      );
      adaRoom.send({ type: "typing", typing: true, composing: "chat" });
      await markers(alexRoom, 0, v.conversationId, (m) => of(m, ada.id)?.replying === true);
      // No close frame, no FIN: to the server this is a laptop that went to sleep.
      const since = mark(alexRoom);
      proxy.stall();
      await markers(alexRoom, since, v.conversationId, (m) => !of(m, ada.id), 30_000);
    } finally {
      proxy.close();
    }
  });
});

interface Posted {
  res: Response;
  body: { message?: Message; error?: { code: string; message: string }; newer?: Message[] };
}

/** The conversation's messages as an agent reads them. */
async function thread(cookie: string, id: string): Promise<Message[]> {
  const res = await call(`/api/conversations/${id}`, { cookie });
  return ((await res.json()) as { messages: Message[] }).messages;
}

/**
 * Ada and Alex answer the same customer message at the same moment: both replies are sent before either is
 * answered, each based on the last message its author saw. Returns both answers, winner first.
 */
async function race(
  conversationId: string,
  channel: "chat" | "email" | "messenger",
  beforeForce: (winner: string, held: string) => Promise<void> = async () => {},
) {
  const basedOnSeq = (await thread(ada.cookie, conversationId)).at(-1)!.seq;
  const started: number[] = [];
  const answered: number[] = [];
  const post = (who: typeof ada, text: string) => {
    const id = clientId();
    started.push(performance.now());
    return call(`/api/conversations/${conversationId}/messages`, {
      cookie: who.cookie,
      body: { clientId: id, channel, text, basedOnSeq },
    }).then(async (res): Promise<Posted & { clientId: string; text: string; who: typeof ada }> => {
      answered.push(performance.now());
      return { res, body: (await res.json()) as Posted["body"], clientId: id, text, who };
    });
  };
  const both = await Promise.all([post(ada, `Ada answers by ${channel}`), post(alex, `Alex answers by ${channel}`)]);
  expect(Math.max(...started)).toBeLessThan(Math.min(...answered));
  expect(both.map((p) => p.res.status).sort()).toEqual([201, 409]);
  const winner = both.find((p) => p.res.status === 201)!;
  const held = both.find((p) => p.res.status === 409)!;
  expect(held.body.error?.code).toBe("stale");
  expect(held.body.newer?.map((m) => [m.kind, m.text])).toEqual([["reply", winner.text]]);
  // Held, nothing was stored: the thread has the winner's reply only.
  const replies = (await thread(ada.cookie, conversationId)).filter((m) => m.kind === "reply").map((m) => m.text);
  expect(replies).toEqual([winner.text]);
  await beforeForce(winner.text, held.text);

  // Read, and sent anyway: the same client id goes through, since the held one stored nothing.
  const forced = await call(`/api/conversations/${conversationId}/messages`, {
    cookie: held.who.cookie,
    body: { clientId: held.clientId, channel, text: held.text, basedOnSeq, force: true },
  });
  expect(forced.status).toBe(201);
  const after = (await thread(ada.cookie, conversationId)).filter((m) => m.kind === "reply").map((m) => m.text);
  expect(after).toEqual([winner.text, held.text]);
  return { winner, held };
}

describe("two replies at the same moment (S38)", () => {
  it("S38: chat: one goes out, the other is held with 409 and the first attached; a forced send goes through", async () => {
    const v = await startVisitor();
    await visitorSays(v, "Can I pay by invoice?");
    const visitor = track(await visitorSocket(v));
    const { winner, held } = await race(v.conversationId, "chat");
    await visitor.next("message", (f) => f.message.text === held.text);
    expect(visitor.messages().map((m) => m.text)).toEqual(["Can I pay by invoice?", winner.text, held.text]);
  });

  it("S38: email: the held reply is never mailed until it is sent anyway", async () => {
    const feed = track(await feedSocket(ada.cookie));
    const from = `race.${Date.now()}@example.org`;
    const res = await postMail(
      rawMail(`Rita Race <${from}>`, "Which size should I order?", { subject: "Two answers?" }),
    );
    expect(res.status).toBeLessThan(300);
    const { conversation } = await feed.next("conversation", (f) => f.conversation.contact?.email === from, 10_000);
    const mailed = (text: string) => sentMailFiles().filter((f) => readFileSync(f, "utf8").includes(text)).length;

    const { winner, held } = await race(conversation.id, "email", async (first, second) => {
      // wrangler dev writes a sent mail to disk just after the send returns.
      await expect.poll(() => mailed(first), { timeout: 5000 }).toBe(1);
      expect(mailed(second)).toBe(0);
    });
    await expect.poll(() => mailed(winner.text), { timeout: 5000 }).toBe(1);
    await expect.poll(() => mailed(held.text), { timeout: 5000 }).toBe(1);
  });

  it("S38: Messenger: the held reply reaches the Send API only when it is sent anyway", async () => {
    const feed = track(await feedSocket(ada.cookie));
    const text = `Do you ship to Canarias? ${Date.now()}`;
    const psid = await messengerPersonSays(text);
    const { conversation } = await feed.next("conversation", (f) => f.conversation.preview === text, 10_000);
    const sentTexts = async () => {
      const calls = (await (await fetch(`${new URL(inject("graphStubUrl")).origin}/__calls`)).json()) as {
        body: { recipient?: { id?: string }; message?: { text?: string } } | null;
      }[];
      return calls
        .filter((c) => c.body?.recipient?.id === psid && c.body.message?.text)
        .map((c) => c.body!.message!.text);
    };

    const { winner, held } = await race(conversation.id, "messenger", async (first) => {
      expect(await sentTexts()).toEqual([first]);
    });
    expect(await sentTexts()).toEqual([winner.text, held.text]);
  });
});
