// S37: what one typing agent costs everyone else in the conversation. An agent types at keystroke speed
// (each keystroke a typing frame, as a careless client might send); the other agents' sockets and the
// visitor's count what reaches them. The room forwards a sender's typing at most once a second and sends
// the viewing/replying markers only when they change, so each viewer should get about one frame a second.
import { testClient } from "../test/support/client.ts";
import { nodeTransport } from "../test/support/node-transport.ts";
import { BENCH_ORIGIN, newConversations } from "./chat-bench.mjs";

/**
 * `viewers` sockets of the first agent and a visitor watch while the second agent sends `keysPerS`
 * typing frames a second for `durationMs`. Returns frames a second per viewer (max and mean) and the
 * visitor's, counted from when every viewer had seen the typist arrive.
 */
export async function typingFanout({ url, cookies, viewers = 5, keysPerS = 10, durationMs = 10_000 }) {
  const client = testClient(nodeTransport, { baseUrl: url, site: BENCH_ORIGIN, address: null });
  const [conversation] = await newConversations(url, 1, { concurrency: 1 });
  await client.visitorSays(conversation, "Is anyone there?");
  const visitor = await client.visitorSocket(conversation);
  const watching = [];
  for (let i = 0; i < viewers; i++) watching.push(await client.agentSocket(cookies[0], conversation.conversationId));
  const typist = await client.agentSocket(cookies[1], conversation.conversationId);
  const sockets = [...watching, visitor, typist];
  try {
    // The typist's arrival is news to every viewer; counting starts after it.
    const typistSeen = (s) => s.frames.some((f) => f.type === "viewers" && f.viewers.length === 2);
    for (const s of watching) await s.waitFor(() => typistSeen(s), "the typist's marker", 5000);
    const start = sockets.map((s) => s.frames.length);
    const began = performance.now();
    let sent = 0;
    while (performance.now() - began < durationMs) {
      typist.send({ type: "typing", typing: true, composing: "chat" });
      sent++;
      await new Promise((r) => setTimeout(r, 1000 / keysPerS));
    }
    const seconds = (performance.now() - began) / 1000;
    const perViewer = watching.map((s, i) => (s.frames.length - start[i]) / seconds);
    return {
      sentPerS: sent / seconds,
      maxPerViewer: Math.max(...perViewer),
      meanPerViewer: perViewer.reduce((a, b) => a + b, 0) / perViewer.length,
      visitorPerS: (visitor.frames.length - start[watching.length]) / seconds,
    };
  } finally {
    for (const s of sockets) s.close();
  }
}
