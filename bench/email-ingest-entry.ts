// The product's worker as `npm run bench` runs it: every request and mail goes to the real worker,
// plus two bench-only doors (never deployed: wrangler dev gets this file as its entry only in the bench).
//  - POST /api/__bench/email hands a batch of raw mails to the real email() handler inside workerd, as
//    Email Routing would, skipping wrangler dev's local email endpoint, which parses every mail itself
//    first and on its own caps local ingest (README "Performance").
//  - Mail to FLOOR_RECIPIENT through that local endpoint is only read, never handled: the endpoint's floor.
import worker from "../src/index";
import type { Env } from "../src/env";
import { BENCH_EMAIL_PATH, FLOOR_RECIPIENT } from "./bench-doors";

export { ConversationRoom } from "../src/conversation/room";
export { InboxFeed } from "../src/inbox/feed";

/** The ForwardableEmailMessage Email Routing hands the worker, around raw bytes. */
function forwardable(raw: Uint8Array, from: string, to: string): ForwardableEmailMessage {
  const head = new TextDecoder("latin1").decode(raw.subarray(0, Math.min(raw.byteLength, 64 * 1024))).split(/\r?\n\r?\n/)[0] ?? "";
  const headers = new Headers();
  for (const m of head.replace(/\r?\n[ \t]+/g, " ").matchAll(/^([!-9;-~]+):[ \t]*(.*)$/gm)) {
    // Raw 8-bit values are left out (workerd warns about them); the handler reads the raw bytes anyway.
    if (/^[\t -~]*$/.test(m[2]!)) headers.append(m[1]!, m[2]!);
  }
  return {
    from,
    to,
    headers,
    raw: new Response(raw).body!,
    rawSize: raw.byteLength,
    setReject: () => {},
    forward: async () => ({ messageId: "" }),
    reply: async () => ({ messageId: "" }),
  } as unknown as ForwardableEmailMessage;
}

export default {
  async fetch(request, env, ctx) {
    if (request.method !== "POST" || new URL(request.url).pathname !== BENCH_EMAIL_PATH) return worker.fetch(request, env, ctx);
    const form = await request.formData();
    const mails = form.getAll("mail") as unknown as File[];
    const froms = form.getAll("from") as string[];
    const concurrency = Number(form.get("concurrency") ?? 8);
    const raws = await Promise.all(mails.map(async (f) => new Uint8Array(await f.arrayBuffer())));
    let next = 0;
    let failed = 0;
    const started = Date.now();
    const lane = async () => {
      while (next < raws.length) {
        const i = next++;
        try {
          await worker.email(forwardable(raws[i]!, froms[i] ?? "someone@bench.example", "support@example.com"), env);
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    return Response.json({ mails: raws.length, failed, ms: Date.now() - started });
  },
  async email(message, env) {
    if (message.to === FLOOR_RECIPIENT) await new Response(message.raw).arrayBuffer();
    else await worker.email(message, env);
  },
} satisfies ExportedHandler<Env>;
