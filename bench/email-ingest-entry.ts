// The product's worker as `npm run bench` runs it: every request and mail goes to the real worker,
// plus bench-only doors (never deployed: wrangler dev gets this file as its entry only in the bench,
// through the config bench/bench-config.mjs generates).
//  - POST /api/__bench/email hands a batch of raw mails to the real email() handler inside workerd, as
//    Email Routing would, skipping wrangler dev's local email endpoint, which parses every mail itself
//    first and on its own caps local ingest (README "Performance").
//  - Mail to FLOOR_RECIPIENT through that local endpoint is only read, never handled: the endpoint's floor.
//  - /api/__bench/floor/* is the chat's same-runtime floor, a minimal Durable Object room (floor-room.ts).
import worker from "../src/index";
import type { Env } from "../src/env";
import { forwardable } from "../test/support/forwardable";
import { BENCH_EMAIL_PATH, FLOOR_RECIPIENT } from "./bench-doors";
import { type FloorEnv, floorFetch } from "./floor-room";

export { ConversationRoom, InboxFeed } from "../src/index";
export { FloorRoom } from "./floor-room";

export default {
  async fetch(request, env, ctx) {
    const floor = await floorFetch(request, env);
    if (floor) return floor;
    if (request.method !== "POST" || new URL(request.url).pathname !== BENCH_EMAIL_PATH)
      return worker.fetch(request, env, ctx);
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
          await worker.email(
            forwardable(raws[i]!, froms[i] ?? "someone@bench.example", "support@example.com").message,
            env,
          );
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
} satisfies ExportedHandler<Env & FloorEnv>;
