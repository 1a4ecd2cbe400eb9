import { createECDH, createPublicKey, hkdfSync, createDecipheriv, randomBytes, verify } from "node:crypto";
import { createServer, type Server } from "node:http";

/**
 * A local push service (the browser vendor's part of Web Push, beyond this machine), doing what the
 * real one does with a message: it checks the VAPID JWT (RFC 8292: ES256 over the header and claims,
 * `aud` its own origin, `exp` ahead, signed by the key in `k`, the key the subscription was made for),
 * then decrypts the body with the subscription's private key and auth secret (RFC 8291, aes128gcm).
 *
 *   POST /__subscribe {applicationServerKey}  → {endpoint, keys: {p256dh, auth}} (a new subscription)
 *   POST /push/<id>                          → 201, or 400/401 with the reason; /gone/<id> answers 410
 *   GET  /__received/<id>                    → [{payload, claims}] decrypted so far
 */
export async function startPushStub(): Promise<{ url: string; server: Server }> {
  const subs = new Map<
    string,
    { ecdh: ReturnType<typeof createECDH>; auth: Buffer; serverKey: string; received: unknown[] }
  >();
  let n = 0;
  const b64 = (b: Buffer) => b.toString("base64url");
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d) => chunks.push(d));
    req.on("end", () => {
      const url = new URL(req.url!, "http://stub");
      const body = Buffer.concat(chunks);
      const answer = (status: number, value?: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(value === undefined ? "" : JSON.stringify(value));
      };
      const [, kind, id] = url.pathname.split("/");
      if (kind === "__subscribe") {
        const ecdh = createECDH("prime256v1");
        ecdh.generateKeys();
        const sid = `s${++n}${b64(randomBytes(6))}`;
        const auth = randomBytes(16);
        subs.set(sid, { ecdh, auth, serverKey: JSON.parse(body.toString()).applicationServerKey, received: [] });
        const path = url.searchParams.get("gone") ? "gone" : "push";
        return answer(200, {
          endpoint: `http://${req.headers.host}/${path}/${sid}`,
          keys: { p256dh: b64(ecdh.getPublicKey()), auth: b64(auth) },
        });
      }
      const sub = id ? subs.get(id) : undefined;
      if (kind === "__received") return answer(200, sub?.received ?? []);
      if (!sub) return answer(404, { error: "no such subscription" });
      if (kind === "gone") return answer(410, { error: "subscription expired" });
      try {
        const claims = checkVapid(String(req.headers.authorization ?? ""), `http://${req.headers.host}`, sub.serverKey);
        if (req.headers["content-encoding"] !== "aes128gcm") throw new Error("Content-Encoding must be aes128gcm");
        sub.received.push({ payload: JSON.parse(decrypt(body, sub.ecdh, sub.auth)), claims });
        return answer(201);
      } catch (err) {
        return answer(400, { error: (err as Error).message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

function checkVapid(authorization: string, origin: string, expectedKey: string): Record<string, unknown> {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
  if (!m) throw new Error("Authorization is not vapid t=…, k=…");
  const [token, k] = [m[1]!, m[2]!];
  if (k !== expectedKey) throw new Error("k is not the key the subscription was made with");
  const [h, p, s] = token.split(".");
  const raw = Buffer.from(k, "base64url");
  const key = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: raw.subarray(1, 33).toString("base64url"),
      y: raw.subarray(33, 65).toString("base64url"),
    },
    format: "jwk",
  });
  if (!verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s!, "base64url")))
    throw new Error("bad VAPID signature");
  const header = JSON.parse(Buffer.from(h!, "base64url").toString());
  const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
  if (header.alg !== "ES256") throw new Error("alg must be ES256");
  if (claims.aud !== origin) throw new Error(`aud ${claims.aud} is not ${origin}`);
  if (!(claims.exp > Date.now() / 1000 && claims.exp <= Date.now() / 1000 + 24 * 3600))
    throw new Error("exp not within 24 h ahead");
  return claims;
}

function decrypt(body: Buffer, ecdh: ReturnType<typeof createECDH>, auth: Buffer): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const sealed = body.subarray(21 + idlen);
  const secret = ecdh.computeSecret(asPublic);
  const ikm = Buffer.from(
    hkdfSync(
      "sha256",
      secret,
      auth,
      Buffer.concat([Buffer.from("WebPush: info\0"), ecdh.getPublicKey(), asPublic]),
      32,
    ),
  );
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  if (plain.at(-1) !== 2) throw new Error("the last record must end with the 0x02 delimiter");
  return plain.subarray(0, plain.length - 1).toString();
}
