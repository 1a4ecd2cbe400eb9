#!/usr/bin/env node
// Bundles the browser code into public/: the inbox app (build-inbox.mjs) and the chat widget
// (build-widget.mjs). `npm start`, `npm test` and `npm run deploy` run this first, so public/ is never stale.
import { buildInbox } from "./build-inbox.mjs";
import { buildWidget } from "./build-widget.mjs";

export async function buildPublic() {
  await Promise.all([buildInbox(), buildWidget()]);
}

if (import.meta.url === `file://${process.argv[1]}`) await buildPublic();
