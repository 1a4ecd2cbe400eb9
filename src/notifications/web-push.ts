/**
 * Web Push from the worker, with WebCrypto only: the payload encrypted as RFC 8291 says (`aes128gcm`,
 * RFC 8188, one record) for the subscription's keys, and the request signed as RFC 8292 says (VAPID,
 * an ES256 JWT for the push service's origin). No library: each step is a few lines of WebCrypto.
 *
 * @example
 * const request = await pushRequest({ endpoint, p256dh, auth }, JSON.stringify(payload), vapid);
 * const res = await fetch(request); // 201; 404 or 410: the subscription is gone
 */
import { base64url, concatBytes, fromBase64url } from "../lib/crypto";

export interface PushSubscriptionKeys {
  endpoint: string;
  /** The browser's P-256 public key, uncompressed (65 bytes), base64url. */
  p256dh: string;
  /** The browser's 16-byte auth secret, base64url. */
  auth: string;
}

export interface Vapid {
  /** The application server's P-256 public key, uncompressed, base64url (what browsers subscribe with). */
  publicKey: string;
  /** Its private key, the JWK `d`, base64url. */
  privateKey: string;
  /** `mailto:` or `https:` contact for the push service. */
  subject: string;
}

const encoder = new TextEncoder();

async function hkdf(
  salt: Uint8Array,
  ikm: Uint8Array,
  info: Uint8Array,
  bytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", ikm as Uint8Array<ArrayBuffer>, "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: salt as Uint8Array<ArrayBuffer>, info: info as Uint8Array<ArrayBuffer> },
    key,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

/** RFC 8291: the body of a push message to one subscription (a fresh key and salt each time). */
export async function encryptPayload(
  keys: PushSubscriptionKeys,
  payload: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const uaPublic = fromBase64url(keys.p256dh);
  const authSecret = fromBase64url(keys.auth);
  const local = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
    "deriveBits",
  ])) as CryptoKeyPair;
  const asPublic = new Uint8Array((await crypto.subtle.exportKey("raw", local.publicKey)) as ArrayBuffer);
  const ua = await crypto.subtle.importKey("raw", uaPublic, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const ecdhSecret = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "ECDH", public: ua } as unknown as SubtleCryptoDeriveKeyAlgorithm,
      local.privateKey,
      256,
    ),
  );
  const ikm = await hkdf(
    authSecret,
    ecdhSecret,
    concatBytes(encoder.encode("WebPush: info\0"), uaPublic, asPublic),
    32,
  );
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const cek = await hkdf(salt, ikm, encoder.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, encoder.encode("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["encrypt"]);
  // One record: the payload, then the delimiter 0x02 (last record), no padding.
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce }, key, concatBytes(payload, new Uint8Array([2]))),
  );
  const header = new Uint8Array(16 + 4 + 1);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, 4096);
  header[20] = asPublic.length;
  return concatBytes(header, asPublic, sealed);
}

/** RFC 8292: `vapid t=<ES256 JWT for the endpoint's origin>, k=<our public key>`, valid 12 hours. */
export async function vapidAuthorization(endpoint: string, vapid: Vapid, nowMs: number): Promise<string> {
  const pub = fromBase64url(vapid.publicKey);
  const jwk: JsonWebKey = {
    kty: "EC",
    crv: "P-256",
    x: base64url(pub.slice(1, 33)),
    y: base64url(pub.slice(33, 65)),
    d: vapid.privateKey,
    ext: true,
  };
  const key = await crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const part = (o: object) => base64url(encoder.encode(JSON.stringify(o)));
  const unsigned = `${part({ typ: "JWT", alg: "ES256" })}.${part({ aud: new URL(endpoint).origin, exp: Math.floor(nowMs / 1000) + 12 * 3600, sub: vapid.subject })}`;
  // WebCrypto's ECDSA signature is r || s, 64 bytes: the JWS form ES256 wants.
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, encoder.encode(unsigned)),
  );
  return `vapid t=${unsigned}.${base64url(signature)}, k=${vapid.publicKey}`;
}

/** The POST that delivers `payload` to one subscription through its push service. */
export async function pushRequest(
  keys: PushSubscriptionKeys,
  payload: string,
  vapid: Vapid,
  nowMs: number,
): Promise<Request> {
  return new Request(keys.endpoint, {
    method: "POST",
    headers: {
      "content-encoding": "aes128gcm",
      "content-type": "application/octet-stream",
      ttl: String(24 * 3600),
      urgency: "normal",
      authorization: await vapidAuthorization(keys.endpoint, vapid, nowMs),
    },
    body: await encryptPayload(keys, encoder.encode(payload)),
  });
}
