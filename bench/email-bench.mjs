// Email ingest throughput: corpus mails (only those wrangler dev's local email endpoint accepts; see
// /work/shared/PLATFORM.md) posted to `POST /cdn-cgi/handler/email`, each copy with its own Message-ID,
// and 10 % of the posts repeating an earlier copy's exact bytes (so the same Message-ID) to exercise dedupe.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_EMAIL_PATH } from "./bench-doors.ts";

/** Sets (or adds) the Message-ID header of a raw mail, keeping every other byte (latin1 round-trips bytes). */
export function withMessageId(raw, id) {
  const text = raw.toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  const head = end === -1 ? text : text.slice(0, end);
  const body = end === -1 ? "" : text.slice(end);
  const eol = head.includes("\r\n") ? "\r\n" : "\n";
  let out;
  if (/^message-id:/im.test(head))
    out = head.replace(
      /^message-id:[^\n]*(\n[ \t][^\n]*)*/im,
      (m) => `Message-ID: <${id}>${m.endsWith("\r") ? "\r" : ""}`,
    );
  else if (head.startsWith("From ")) out = head.replace(/^[^\n]*\n/, (line) => `${line}Message-ID: <${id}>${eol}`);
  else out = `Message-ID: <${id}>${eol}${head}`;
  return Buffer.from(out + body, "latin1");
}

/** A post list of `count` mails cycling over `mails`; every tenth repeats an earlier post exactly. */
export function emailMix(mails, count, tag = Date.now().toString(36)) {
  const posts = [];
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) posts.push({ ...posts[(i * 7) % posts.length], repeat: true });
    else {
      const id = `bench-mail-${tag}-${i}@bench.example`;
      posts.push({
        id,
        from: `sender${i % 40}@bench.example`,
        raw: withMessageId(mails[i % mails.length], id),
        repeat: false,
      });
    }
  }
  return posts;
}

export function corpusMails(folder) {
  return readdirSync(folder)
    .filter((f) => f.endsWith(".eml"))
    .sort()
    .map((f) => ({ name: f, raw: readFileSync(join(folder, f)) }));
}

export async function postMail(baseUrl, post, to = "support@example.com") {
  const res = await fetch(
    `${baseUrl}/cdn-cgi/handler/email?from=${encodeURIComponent(post.from)}&to=${encodeURIComponent(to)}`,
    { method: "POST", body: post.raw },
  );
  await res.arrayBuffer();
  return res.status;
}

/** Keeps the corpus mails the local endpoint accepts (one probe each, which also warms the server). */
export async function acceptedMails(baseUrl, mails) {
  const ok = [];
  for (const [i, m] of mails.entries()) {
    const id = `bench-probe-${Date.now().toString(36)}-${i}@bench.example`;
    if ((await postMail(baseUrl, { from: `probe${i}@bench.example`, raw: withMessageId(m.raw, id) })) < 300)
      ok.push(m.raw);
  }
  return ok;
}

/**
 * Posts every mail of the mix to wrangler dev's local email endpoint, `concurrency` at a time; resolves
 * with the rate and the refusals. `to` FLOOR_RECIPIENT measures the endpoint alone (the mail is only read).
 */
export async function ingest(baseUrl, posts, { concurrency = 4, to } = {}) {
  let next = 0;
  let refused = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < posts.length) {
      const status = await postMail(baseUrl, posts[next++], to);
      if (status >= 300) refused++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { posted: posts.length, refused, seconds, msgsPerS: posts.length / seconds };
}

/**
 * Hands every mail of the mix to the worker's real email() handler inside workerd, `concurrency` at a
 * time (bench/email-ingest-entry.ts), as Email Routing would: our ingest without the local endpoint.
 * Timed from here, upload included.
 */
export async function ingestInWorker(baseUrl, posts, { concurrency = 8 } = {}) {
  const form = new FormData();
  for (const p of posts) {
    form.append("mail", new Blob([p.raw]));
    form.append("from", p.from);
  }
  form.append("concurrency", String(concurrency));
  const start = performance.now();
  const res = await fetch(`${baseUrl}${BENCH_EMAIL_PATH}`, { method: "POST", body: form });
  if (!res.ok) throw new Error(`${BENCH_EMAIL_PATH}: ${res.status} ${await res.text()}`);
  const { failed } = await res.json();
  const seconds = (performance.now() - start) / 1000;
  return { posted: posts.length, failed, seconds, msgsPerS: posts.length / seconds };
}
