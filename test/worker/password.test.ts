import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, PBKDF2_ITERATIONS, verifyPassword } from "../../src/auth/password";

describe("password hashing", () => {
  it("S9: ships PBKDF2-SHA256 at exactly 100,000 iterations, the most Workers allow in production", async () => {
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    const stored = await hashPassword("correct horse battery staple");
    const [scheme, iterations, salt, key] = stored.split("$");
    expect(scheme).toBe("pbkdf2-sha256");
    expect(Number(iterations)).toBe(100_000);
    expect(atob(salt!).length).toBe(16);
    expect(atob(key!).length).toBe(32);
  });

  it("S9: verifies the right password and refuses a wrong one; salts differ per hash", async () => {
    const a = await hashPassword("correct horse battery staple");
    const b = await hashPassword("correct horse battery staple");
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery staple", a)).toBe(true);
    expect(await verifyPassword("correct horse battery staplE", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("S9: refuses stored values it cannot trust, including counts above the production cap", async () => {
    const good = await hashPassword("pw-123456789");
    const tooMany = good.replace("$100000$", "$600000$");
    expect(await verifyPassword("pw-123456789", tooMany)).toBe(false);
    expect(await verifyPassword("pw-123456789", "plaintext")).toBe(false);
    expect(await verifyPassword("pw-123456789", "pbkdf2-sha256$100000$!!$!!")).toBe(false);
    expect(needsRehash(good)).toBe(false);
    expect(needsRehash(good.replace("$100000$", "$50000$"))).toBe(true);
  });
});
