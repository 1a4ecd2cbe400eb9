import { createMimeMessage, Mailbox } from "mimetext/browser";
import type { Message } from "../../protocol";

export interface OutgoingEmail {
  from: { name: string; address: string };
  to: { name: string | null; address: string };
  replyTo: string;
  subject: string;
  /** Our Message-ID, without <>. */
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  text: string;
  /** S20: the chat messages since the conversation's last email, shown below the reply. */
  transcript: Message[];
  agentName: string;
  /** S16: the address was typed into the chat widget: say so, and make no line of the visitor's a link. */
  typedAddress: boolean;
}

/**
 * Builds an agent's email reply as raw MIME (text and HTML parts) with threading headers, and the
 * chat transcript since the last email below the reply in both parts (S20, S21).
 */
export function buildReply(m: OutgoingEmail): string {
  const msg = createMimeMessage();
  msg.setSender({ name: m.from.name, addr: m.from.address });
  msg.setRecipient(m.to.name ? { name: m.to.name, addr: m.to.address } : m.to.address);
  msg.setSubject(m.subject);
  msg.setHeader("Message-ID", `<${m.messageId}>`);
  msg.setHeader("Reply-To", new Mailbox(m.replyTo));
  if (m.inReplyTo) msg.setHeader("In-Reply-To", `<${m.inReplyTo}>`);
  if (m.references.length) msg.setHeader("References", m.references.map((r) => `<${r}>`).join(" "));
  msg.addMessage({ contentType: "text/plain", data: textBody(m) });
  msg.addMessage({ contentType: "text/html", data: htmlBody(m) });
  return msg.asRaw();
}

function who(c: Message, agentName: string): string {
  return c.author.name ?? (c.direction === "outbound" ? agentName : "You");
}

function when(at: number): string {
  return `${new Date(at).toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

const TYPED_NOTICE = "This address was given in a chat on our website. If that was not you, you can ignore this email.";

/**
 * A visitor's line for an email to a typed address: plain text no mail client turns into a link
 * (`https://evil.example` becomes `https[:]//evil[.]example`), so a stranger cannot make us mail a link.
 */
export function defanged(text: string): string {
  return text.replace(/:\/\//g, "[:]//").replace(/([\p{L}\p{N}-])\.([\p{L}]{2,})/gu, "$1[.]$2");
}

/** A transcript line's text: the visitor's own words defanged when the address was typed (S16). */
function lineText(m: OutgoingEmail, c: Message): string {
  return m.typedAddress && c.direction === "inbound" ? defanged(c.text) : c.text;
}

function textBody(m: OutgoingEmail): string {
  const lines = [m.text];
  if (m.transcript.length) {
    lines.push("", "-- Our chat --");
    for (const c of m.transcript) lines.push(`[${when(c.createdAt)}] ${who(c, m.agentName)}: ${lineText(m, c)}`);
  }
  if (m.typedAddress) lines.push("", "--", TYPED_NOTICE);
  return lines.join("\n");
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function htmlBody(m: OutgoingEmail): string {
  const paragraphs = escapeHtml(m.text)
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, "<br>")}</p>`)
    .join("");
  const rows = m.transcript
    .map(
      (c) =>
        `<tr><td style="color:#667;white-space:nowrap;vertical-align:top">${escapeHtml(when(c.createdAt))}</td>` +
        `<td style="vertical-align:top"><strong>${escapeHtml(who(c, m.agentName))}:</strong> ${escapeHtml(lineText(m, c)).replace(/\n/g, "<br>")}</td></tr>`,
    )
    .join("");
  const transcript = rows ? `<hr><p><strong>Our chat</strong></p><table role="presentation">${rows}</table>` : "";
  const notice = m.typedAddress ? `<hr><p style="color:#667">${escapeHtml(TYPED_NOTICE)}</p>` : "";
  return `<!doctype html><html><body>${paragraphs}${transcript}${notice}</body></html>`;
}
