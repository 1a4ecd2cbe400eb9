import { describe, expect, it } from "vitest";
import { webhookBody, webhookEvents } from "../../src/channels/messenger/events";
import { explain } from "../../src/channels/messenger/graph";
import { verifySignature } from "../../src/channels/messenger/signature";
import { HUMAN_AGENT_WINDOW_MS, replyPolicy, STANDARD_WINDOW_MS } from "../../src/channels/messenger/window";
import { corpusBytes, corpusExpectations, corpusJson, corpusNames, sharedCorpusPresent } from "./corpus";

const minute = 60_000;
// Tests naming the AGPL and unclear-licence payloads need ../shared/corpus; on CI the setup fails without it.
const shared = sharedCorpusPresent();

describe("webhook signatures", () => {
  it("S24: the signature over the exact raw bytes is accepted; a tampered body, another secret or no header is not", async () => {
    const sidecar = corpusJson("messenger/m4j_signed_text_message.signature.json") as {
      app_secret: string;
      derived_by_collector_not_in_fixture: { "X-Hub-Signature-256": string };
    };
    const header = sidecar.derived_by_collector_not_in_fixture["X-Hub-Signature-256"];
    const body = corpusBytes("messenger/m4j_signed_text_message.body.json");
    expect(await verifySignature(sidecar.app_secret, body, header)).toBe(true);
    expect(
      await verifySignature(
        sidecar.app_secret,
        corpusBytes("messenger/m4j_signed_text_message_tampered.body.json"),
        header,
      ),
    ).toBe(false);
    expect(await verifySignature("another-secret", body, header)).toBe(false);
    expect(await verifySignature(sidecar.app_secret, body, null)).toBe(false);
    expect(await verifySignature(sidecar.app_secret, body, "sha1=3daa41999293ff66c3eb313e04bcf77861bb0276")).toBe(
      false,
    );
  });

  it("S24: re-encoded JSON (parsed and serialised again, or CRLF turned into LF) fails the signature", async () => {
    const sidecar = corpusJson("messenger/botbuilder_signed_text_message_crlf.signature.json") as {
      app_secret: string;
      equivalent_meta_header_derived_by_collector: { "X-Hub-Signature-256": string };
    };
    const header = sidecar.equivalent_meta_header_derived_by_collector["X-Hub-Signature-256"];
    const raw = corpusBytes("messenger/botbuilder_signed_text_message_crlf.body.json");
    expect(await verifySignature(sidecar.app_secret, raw, header)).toBe(true);
    expect(await verifySignature(sidecar.app_secret, raw, header.toUpperCase().replace("SHA256=", "sha256="))).toBe(
      true,
    );
    const text = new TextDecoder().decode(raw);
    const reencoded = new TextEncoder().encode(JSON.stringify(JSON.parse(text)));
    const lf = new TextEncoder().encode(text.replace(/\r\n/g, "\n"));
    expect(await verifySignature(sidecar.app_secret, reencoded, header)).toBe(false);
    expect(await verifySignature(sidecar.app_secret, lf, header)).toBe(false);
  });
});

describe("webhook events", () => {
  it("S25: every webhook in the corpus is read without error: each item becomes an event or an explained ignore", () => {
    const isWebhook = (n: string) => n.endsWith(".json") && !/signature|sendapi|graphapi|meta_docs_sendapi/.test(n);
    const payloads = corpusNames("messenger").filter(isWebhook);
    expect(payloads.length).toBeGreaterThan(0);
    expect([...corpusExpectations("messenger").keys()].filter(isWebhook).sort()).toEqual(payloads);
    for (const name of payloads) {
      const parsed = webhookBody.safeParse(corpusJson(name));
      expect(parsed.success, name).toBe(true);
      const events = webhookEvents(parsed.data!, 0);
      expect(events.length, name).toBeGreaterThan(0);
      for (const e of events) {
        if (e.kind === "ignored") expect(e.reason, name).not.toBe("");
        if (e.kind === "message" || e.kind === "echo") expect(e.text.length, name).toBeGreaterThan(0);
      }
    }
  });

  it("S25: text, attachments, echoes, deliveries and reads come out as the right events", () => {
    const events = (name: string) => webhookEvents(webhookBody.parse(corpusJson(`messenger/${name}`)), 1);
    expect(events("m4j_signed_text_message.body.json")).toEqual([
      {
        kind: "message",
        psid: "1256217357730577",
        id: "mid.1475942721728:3b9e3646712f9bed52",
        at: 1475942721741,
        text: "34wrr3wr",
      },
    ]);
    const [attachments] = events("m4j_attachments_image_fallback_location.json");
    expect(attachments).toMatchObject({ kind: "message", psid: "USER_ID" });
    expect((attachments as { text: string }).text.split("\n")).toEqual([
      "[image] http://image.url",
      "[link] <TITLE_OF_THE_URL_ATTACHMENT> <URL_OF_THE_ATTACHMENT>",
      "[location] 52.3765533, 9.7389123 https://www.openstreetmap.org/?mlat=52.3765533&mlon=9.7389123",
    ]);
    expect(events("m4j_message_echo_text.json")[0]).toMatchObject({
      kind: "echo",
      psid: "USER_ID",
      metadata: "DEVELOPER_DEFINED_METADATA_STRING",
      text: "hello, text message world!",
    });
    expect(events("m4j_message_delivery_no_mids_no_timestamp.json")).toEqual([
      { kind: "delivery", psid: "USER_ID", watermark: 1458668856253, mids: [] },
    ]);
    expect(events("m4j_message_read.json")).toEqual([{ kind: "read", psid: "USER_ID", watermark: 1458668856253 }]);
  });

  it.skipIf(!shared)(
    "S25: postbacks, empty messaging items and repeated deliveries come out as the right events (needs ../shared/corpus)",
    () => {
      const events = (name: string) => webhookEvents(webhookBody.parse(corpusJson(`messenger/${name}`)), 1);
      expect(events("courier_postback_get_started.json")[0]).toMatchObject({
        kind: "message",
        psid: "5678",
        text: "[button] postback title (get_started)",
      });
      expect(events("courier_unknown_messaging_entry.json")[0]).toEqual({
        kind: "ignored",
        reason: "empty messaging item",
      });
      const duplicate = events("courier_duplicate_msg.json");
      expect(duplicate.map((e) => (e as { id?: string }).id)).toEqual(["external_id", "external_id"]);
    },
  );

  it("S28: a body that is not a Page webhook is refused by the schema", () => {
    expect(webhookBody.safeParse({ object: "instagram", entry: [] }).success).toBe(false);
    expect(webhookBody.safeParse({ object: "page" }).success).toBe(false);
  });
});

describe("the 24-hour rule", () => {
  const last = 1_700_000_000_000;
  it("S26: a standard reply is allowed at 23 h 59 min and refused at 24 h 01 min", () => {
    expect(replyPolicy(last, last + STANDARD_WINDOW_MS - minute, false)).toEqual({
      ok: true,
      messagingType: "RESPONSE",
      closesAt: last + STANDARD_WINDOW_MS,
    });
    const late = replyPolicy(last, last + STANDARD_WINDOW_MS + minute, false);
    expect(late.ok).toBe(false);
    expect((late as { reason: string }).reason).toMatch(/24 hours/);
  });

  it("S26: with the human-agent option the tag is used only past 24 h, and refused past 7 days", () => {
    expect(replyPolicy(last, last + minute, true)).toMatchObject({ ok: true, messagingType: "RESPONSE" });
    expect(replyPolicy(last, last + STANDARD_WINDOW_MS + minute, true)).toEqual({
      ok: true,
      messagingType: "MESSAGE_TAG",
      tag: "HUMAN_AGENT",
      closesAt: last + HUMAN_AGENT_WINDOW_MS,
    });
    const week = replyPolicy(last, last + HUMAN_AGENT_WINDOW_MS + minute, true);
    expect(week.ok).toBe(false);
    expect((week as { reason: string }).reason).toMatch(/7 days/);
  });

  it.skipIf(!shared)(
    "S26: Send API errors get plain reasons by code, whatever language Meta wrote them in (needs ../shared/corpus)",
    () => {
      for (const name of [
        "sendapi_error_10_2018278_outside_window_en.json",
        "sendapi_error_10_2018278_outside_window_zh_localized.json",
        "sendapi_error_10_2018065_outside_window_legacy.json",
      ]) {
        const { error } = corpusJson(`messenger/${name}`) as {
          error: { code: number; error_subcode: number; message: string };
        };
        expect(explain(error, 400).reason, name).toMatch(/outside the allowed window/);
      }
      const unavailable = (
        corpusJson("messenger/sendapi_error_551_person_unavailable.json") as { error: { code: number } }
      ).error;
      expect(explain(unavailable, 400).reason).toMatch(/isn't available/);
      const expired = (corpusJson("messenger/graphapi_error_190_463_token_expired.json") as { error: { code: number } })
        .error;
      expect(explain(expired, 400).reason).toMatch(/MESSENGER_PAGE_TOKEN/);
    },
  );
});
