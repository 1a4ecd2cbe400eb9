import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Message } from "../../src/protocol";
import { room } from "./helpers";
import { corpusBytes, corpusExpectations, corpusNames } from "./corpus";
import { contactCount, deliver } from "./email-helpers";

/** Every conversation message stored for a mail, found through the threading index. */
async function stored(): Promise<Map<string, { conversationId: string; messageId: string }>> {
  const { results } = await env.DB.prepare(
    "SELECT message_id, conversation_id, conversation_message_id FROM email_messages WHERE direction = 'inbound'",
  ).all<{
    message_id: string;
    conversation_id: string;
    conversation_message_id: string;
  }>();
  return new Map(
    results.map((r) => [r.message_id, { conversationId: r.conversation_id, messageId: r.conversation_message_id }]),
  );
}

describe("the email corpus through the real email() handler", () => {
  // One mail after another through the handler: the time grows with the corpus (a 5 s default is too tight on a busy 2-core machine).
  it("S18 S22 S23: every corpus mail is stored as a readable message of a conversation, or set aside without contacts or reopening, as MANIFEST.tsv expects", async () => {
    const expectations = corpusExpectations("email");
    const files = corpusNames("email");
    expect(files.length).toBeGreaterThan(0);
    expect([...expectations.keys()].sort()).toEqual(files);
    const failures: string[] = [];
    const seenIds = new Set<string>();
    for (const file of files) {
      // Two corpus files are the same mail (same Message-ID): the second must be stored once (S19).
      const header = /^message-id:\s*<([^>]+)>/im.exec(
        new TextDecoder("latin1").decode(corpusBytes(file).slice(0, 20_000)),
      )?.[1];
      const repeat = header !== undefined && seenIds.has(header);
      if (header) seenIds.add(header);
      const expected = expectations.get(file) ?? "-";
      const before = { contacts: await contactCount(), stored: (await stored()).size, setAside: await setAsideCount() };
      try {
        await deliver(corpusBytes(file), "sender@corpus.example", "support@example.com");
      } catch (err) {
        failures.push(`${file}: threw ${err}`);
        continue;
      }
      const after = { contacts: await contactCount(), stored: (await stored()).size, setAside: await setAsideCount() };
      if (repeat) {
        if (after.stored !== before.stored) failures.push(`${file}: a repeated Message-ID was stored twice`);
      } else if (expected === "message") {
        if (after.stored !== before.stored + 1) {
          failures.push(
            `${file}: expected one stored message, got ${after.stored - before.stored} (set aside: ${after.setAside - before.setAside})`,
          );
          continue;
        }
        const entry = [...(await stored()).values()].at(-1)!;
        const messages = (await room(entry.conversationId).history({ limit: 500 })) as Message[];
        const m = messages.find((x) => x.id === entry.messageId);
        if (!m) failures.push(`${file}: message missing from its conversation`);
        else if (!m.text.trim() && !m.email?.attachments.length)
          failures.push(`${file}: no readable text and no attachment`);
        else if (!m.author.name) failures.push(`${file}: no sender`);
      } else if (expected === "auto-reply" || expected === "bounce" || expected === "report") {
        if (after.contacts !== before.contacts) failures.push(`${file}: a ${expected} created a contact`);
        if (after.stored !== before.stored) failures.push(`${file}: a ${expected} was stored as a message`);
        if (after.setAside !== before.setAside + 1)
          failures.push(`${file}: a ${expected} matching nothing should be set aside`);
      }
    }
    expect(failures).toEqual([]);
  }, 30_000);
});

async function setAsideCount(): Promise<number> {
  return ((await env.DB.prepare("SELECT count(*) AS n FROM mail_set_aside").first()) as { n: number }).n;
}
