import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { createECDH } from "node:crypto";
import { defineConfig } from "vitest/config";
import "./test/support/corpus-context.ts";

// One `npm test`, two projects:
// - worker: tests inside workerd with real D1 (the real migrations applied in the setup file);
// - e2e: Node tests against `npm start`'s own server (wrangler dev on a free port), browser tests included.
/** A P-256 key pair as VAPID wants it: the public key uncompressed, the private key's JWK `d`, base64url. */
function vapidKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    publicKey: ecdh.getPublicKey().toString("base64url"),
    privateKey: ecdh.getPrivateKey().toString("base64url"),
  };
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  const searchMigrations = await readD1Migrations("migrations-search");
  const vapid = vapidKeys();
  return {
    test: {
      projects: [
        {
          plugins: [
            // A function, so bindings can use what the global setup started (the Graph API stub).
            cloudflareTest(({ inject }) => ({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  TEST_SEARCH_MIGRATIONS: searchMigrations,
                  VISITOR_TOKEN_SECRET: "test-visitor-token-secret",
                  WIDGET_IDENTITY_SECRET: "test-widget-identity-secret",
                  WIDGET_ORIGINS: "https://shop.example, https://blog.example",
                  MESSENGER_APP_SECRET: "test-messenger-app-secret",
                  MESSENGER_VERIFY_TOKEN: "test-verify-token",
                  MESSENGER_PAGE_TOKEN: "test-page-token",
                  MESSENGER_GRAPH_URL: inject("graphStubUrl"),
                  // A VAPID key pair made for this run (production's comes from `wrangler secret put`).
                  VAPID_PUBLIC_KEY: vapid.publicKey,
                  VAPID_PRIVATE_KEY: vapid.privateKey,
                  EMAIL_REPLY_SECRET: "test-email-reply-secret",
                },
              },
            })),
          ],
          test: {
            name: "worker",
            include: ["test/worker/**/*.test.ts"],
            globalSetup: ["test/worker/corpus-setup.ts"],
            setupFiles: ["test/worker/setup.ts"],
          },
        },
        {
          test: {
            name: "e2e",
            include: ["test/e2e/**/*.test.ts", "test/browser/**/*.test.ts", "bench/**/*.test.ts"],
            environment: "node",
            globalSetup: ["test/e2e/global-setup.ts"],
            // One server for every file: run them one at a time so each sees the inbox state it sets up.
            fileParallelism: false,
            // Live updates cross a real server and browser: give polled expectations room on a busy 2-core CI machine.
            expect: { poll: { timeout: 5_000 } },
            testTimeout: 30_000,
            hookTimeout: 60_000,
          },
        },
      ],
    },
  };
});
