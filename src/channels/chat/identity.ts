import { z } from "zod";

/**
 * Identify (the widget's JS API): the host site's backend vouches for a signed-in user with an
 * HMAC-SHA256 over the fields it passes, keyed by the workspace's WIDGET_IDENTITY_SECRET, as
 * Intercom, Crisp and Chatwoot do. What is signed, exactly (UTF-8, fields joined by "\n", an absent
 * field as an empty string):
 *
 *     userId + "\n" + (email ?? "") + "\n" + (name ?? "")
 *
 * and `signature` is its lower-case hex. Node: `createHmac("sha256", secret).update(payload).digest("hex")`.
 */
export const identitySchema = z.strictObject({
  userId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[^\r\n]+$/, "One line of text"),
  email: z.email("Not an email address").max(254).optional(),
  name: z
    .string()
    .max(100)
    .regex(/^[^\r\n]*$/, "One line of text")
    .optional(),
  signature: z.string().regex(/^[0-9a-fA-F]{64}$/, "The hex HMAC-SHA256 of the identity, made by your backend"),
});
export type SignedIdentity = z.infer<typeof identitySchema>;

export function identityPayload(identity: Omit<SignedIdentity, "signature">): string {
  return [identity.userId, identity.email ?? "", identity.name ?? ""].join("\n");
}

/** Constant-time check of the signature (WebCrypto's HMAC verify). */
export async function verifyIdentity(secret: string, identity: SignedIdentity): Promise<boolean> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "verify",
  ]);
  const signature = new Uint8Array(identity.signature.match(/../g)!.map((b) => parseInt(b, 16)));
  return crypto.subtle.verify("HMAC", key, signature, encoder.encode(identityPayload(identity)));
}
