/**
 * The protocol's validators (zod/mini): what the server checks every request field and socket frame
 * against, and what the widget checks its composer with. Kept apart from ./index so that the inbox
 * app, which only needs the types, does not bundle zod.
 */
import * as z from "zod/mini";
import { CHANNELS, CONVERSATION_STATUSES, type ErrorCode, MAX_FRAME_BYTES, MAX_TEXT_CHARS } from "./index";

export const channelSchema = z.enum(CHANNELS);
export const statusSchema = z.enum(CONVERSATION_STATUSES);
export const clientIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, "8 to 64 letters, digits, _ or -"));
export const messageTextSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, "Write something"),
    z.maxLength(MAX_TEXT_CHARS, `At most ${MAX_TEXT_CHARS} characters`),
  );
export const seqSchema = z.int().check(z.nonnegative());

// Messages are posted over HTTP (one door, with every rule and the session checked per request);
// sockets only carry what is live and never stored.

/** `composing`: what an agent is writing (a visitor sends none); only a chat reply's typing reaches the visitor. */
export const typingFrame = z.strictObject({
  type: z.literal("typing"),
  typing: z.boolean(),
  composing: z.optional(z.enum(["chat", "email", "messenger", "note"])),
});
/** Agents: whether the conversation is on screen in a visible tab (S4: a message then keeps it Read). */
export const viewingFrame = z.strictObject({ type: z.literal("viewing"), visible: z.boolean() });
export const clientFrame = z.discriminatedUnion("type", [typingFrame, viewingFrame]);
export type ClientFrame = z.infer<typeof clientFrame>;

/**
 * Parses a raw socket frame into a `ClientFrame`, or says exactly what is wrong with it.
 *
 * @example
 * parseClientFrame('{"type":"typing","typing":true}') // { ok: true, frame: { type: "typing", typing: true } }
 * parseClientFrame("{")                               // { ok: false, code: "malformed_frame", message: "…" }
 */
export function parseClientFrame(
  raw: string | ArrayBuffer,
): { ok: true; frame: ClientFrame } | { ok: false; code: ErrorCode; message: string } {
  if (typeof raw !== "string") return { ok: false, code: "binary_not_supported", message: "Send JSON text frames" };
  if (new TextEncoder().encode(raw).byteLength > MAX_FRAME_BYTES) {
    return { ok: false, code: "frame_too_large", message: `Frames are limited to ${MAX_FRAME_BYTES} bytes` };
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: "malformed_frame", message: "A frame must be one JSON object" };
  }
  if ((data as { type?: unknown } | null)?.type === "send") {
    return {
      ok: false,
      code: "not_allowed",
      message: "Post messages over HTTP (…/messages); sockets carry typing only",
    };
  }
  const parsed = clientFrame.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return { ok: false, code: "invalid_frame", message: `${where}${issue?.message ?? "not a known frame"}` };
  }
  return { ok: true, frame: parsed.data };
}
