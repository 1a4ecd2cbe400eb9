/**
 * S18: was the sender authenticated? Only Cloudflare's own verdicts count: the `Authentication-Results`
 * and `ARC-Authentication-Results` headers whose authserv-id is `mx.cloudflare.net`. A sender can
 * write such headers too, so we read only the topmost `Authentication-Results` (Email Routing
 * prepends its own above everything the sender wrote) and the `ARC-Authentication-Results` with the
 * highest instance (Email Routing seals the last ARC hop); each counts only when it is Cloudflare's.
 *
 * Trust rule: `dmarc=pass`, or — when there is no DMARC verdict either way (none, neutral…) — a DKIM
 * pass whose signing domain (`header.d`) is aligned with the From domain (equal, or one a subdomain of
 * the other). SPF alone never trusts (it checks the envelope sender, not From).
 */
import type { HeaderField } from "./headers";

export const TRUSTED_AUTHSERV_ID = "mx.cloudflare.net";

export interface AuthResult {
  method: string;
  result: string;
  props: Record<string, string>;
}

export interface AuthResultsHeader {
  authservId: string;
  /** ARC instance (`i=`), null for Authentication-Results. */
  instance: number | null;
  results: AuthResult[];
}

function stripComments(value: string): string {
  let out = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\\" && (quoted || depth)) {
      if (!depth) out += c + (value[i + 1] ?? "");
      i++;
    } else if (c === '"' && !depth) {
      quoted = !quoted;
      out += c;
    } else if (c === "(" && !quoted) depth++;
    else if (c === ")" && !quoted && depth) depth--;
    else if (!depth) out += c;
  }
  return out;
}

/**
 * Parses one Authentication-Results (or, with `arc`, ARC-Authentication-Results) value.
 *
 * @example
 * parseAuthResults("mx.cloudflare.net; dmarc=pass header.from=example.com")
 * // { authservId: "mx.cloudflare.net", instance: null, results: [{ method: "dmarc", result: "pass", props: { "header.from": "example.com" } }] }
 */
export function parseAuthResults(value: string, arc = false): AuthResultsHeader | null {
  const segments = stripComments(value)
    .split(";")
    .map((s) => s.trim());
  let instance: number | null = null;
  if (arc) {
    const m = /^i\s*=\s*(\d+)$/.exec(segments[0] ?? "");
    if (!m) return null;
    instance = Number(m[1]);
    segments.shift();
  }
  const authservId = (segments.shift() ?? "").split(/\s+/)[0]?.toLowerCase() ?? "";
  if (!authservId || authservId.includes("=")) return null;
  const results: AuthResult[] = [];
  for (const segment of segments) {
    let current: AuthResult | null = null;
    for (const token of segment.split(/\s+/)) {
      const kv = /^([a-z][\w.-]*?)(?:\/\d+)?\s*=\s*"?([^"\s]*)"?$/i.exec(token);
      if (!kv) continue;
      const key = kv[1]!.toLowerCase();
      const val = kv[2]!;
      if (!key.includes(".")) {
        current = { method: key, result: val.toLowerCase(), props: {} };
        results.push(current);
      } else if (current && !(key in current.props)) current.props[key] = val;
    }
  }
  return { authservId, instance, results };
}

/** Cloudflare's verdicts in a message's headers (see the module comment for which headers count), or null. */
export function cloudflareResults(headers: HeaderField[]): AuthResultsHeader | null {
  const firstAr = headers.find((h) => h.name === "authentication-results");
  const ar = firstAr ? parseAuthResults(firstAr.value) : null;
  if (ar?.authservId === TRUSTED_AUTHSERV_ID) return ar;
  const arcs = headers
    .filter((h) => h.name === "arc-authentication-results")
    .map((h) => parseAuthResults(h.value, true))
    .filter((h): h is AuthResultsHeader => h !== null)
    .sort((a, b) => (b.instance ?? 0) - (a.instance ?? 0));
  const top = arcs[0];
  return top && top.authservId === TRUSTED_AUTHSERV_ID ? top : null;
}

function aligned(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/\.$/, "");
  const y = b.toLowerCase().replace(/\.$/, "");
  if (x === "" || y === "") return false;
  // A bare TLD as signing domain would align with everything under it.
  return x === y || (y.includes(".") && x.endsWith(`.${y}`)) || (x.includes(".") && y.endsWith(`.${x}`));
}

export interface SenderAuthVerdict {
  trusted: boolean;
  dmarc: string | null;
  dkim: string | null;
  spf: string | null;
}

/**
 * The sender's authentication as Cloudflare saw it. `fromAddress` is the From header's address.
 *
 * @example senderAuth(headers, "ana@example.com") // { trusted: true, dmarc: "pass", dkim: "pass", spf: "pass" }
 */
export function senderAuth(headers: HeaderField[], fromAddress: string | null): SenderAuthVerdict {
  const cf = cloudflareResults(headers);
  if (!cf) return { trusted: false, dmarc: null, dkim: null, spf: null };
  const of = (method: string) => cf.results.filter((r) => r.method === method);
  const dmarc = of("dmarc")[0]?.result ?? null;
  const dkims = of("dkim");
  const spfs = of("spf");
  const fromDomain = fromAddress?.split("@").pop() ?? "";
  const alignedDkim = dkims.some(
    (r) =>
      r.result === "pass" &&
      fromDomain !== "" &&
      aligned(r.props["header.d"] ?? r.props["header.i"]?.split("@").pop() ?? "", fromDomain),
  );
  const dkim = dkims.find((r) => r.result === "pass")?.result ?? dkims[0]?.result ?? null;
  const spf = (spfs.find((r) => "smtp.mailfrom" in r.props) ?? spfs[0])?.result ?? null;
  const dmarcDecided = dmarc !== null && !["none", "neutral", "temperror", "permerror"].includes(dmarc);
  const trusted = dmarc === "pass" || (!dmarcDecided && alignedDkim);
  return { trusted, dmarc, dkim, spf };
}
