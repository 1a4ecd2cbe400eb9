// What a month costs above the $5 Workers Paid base: measured per-operation counts × Cloudflare's
// published prices. Prices as published on these pages, read on 2026-11-24:
// - Durable Objects, https://developers.cloudflare.com/durable-objects/platform/pricing/ — Paid plan: requests
//   1 million included, + $0.15/million ("Includes HTTP requests, RPC sessions, WebSocket messages, and alarm
//   invocations"; "Every RPC method call on a Durable Objects stub is its own RPC session"); duration 400,000 GB-s
//   included, + $12.50/million GB-s, not billed while hibernatable. Changelog 2024-04-01: "Durable Objects request
//   billing applies a 20:1 ratio for incoming WebSocket messages". SQLite storage (billed from 2026-01-07): rows
//   read 25 billion included + $0.001/million, rows written 50 million included + $1.00/million, 5 GB-month included.
// - D1, https://developers.cloudflare.com/d1/platform/pricing/ — Paid plan: rows read 25 billion/month included,
//   + $0.001/million; rows written 50 million/month included, + $1.00/million; storage 5 GB included.
// - Workers, https://developers.cloudflare.com/workers/platform/pricing/ — Paid plan: 10 million requests/month
//   included, + $0.30/million; $5/month base.
export const PRICES = {
  workerRequests: { included: 10e6, usdPerMillion: 0.3 },
  doRequests: { included: 1e6, usdPerMillion: 0.15 },
  doGbSeconds: { included: 400_000, usdPerMillion: 12.5 },
  doRowsWritten: { included: 50e6, usdPerMillion: 1.0 },
  d1RowsRead: { included: 25e9, usdPerMillion: 0.001 },
  d1RowsWritten: { included: 50e6, usdPerMillion: 1.0 },
};

/** The month the issue prices: 10 agents, 10,000 conversations of 8 messages each. */
export const MONTH = {
  agents: 10,
  conversations: 10_000,
  messagesPerConversation: 8,
  listLoadsPerAgentPerDay: 100,
  days: 30,
};

/**
 * `perMessage` and `perListLoad` come from the bench (measured or counted in the code path; see the
 * fields' notes in run.mjs). Returns the monthly usage per meter and its price above what is included.
 */
export function monthlyCost({ perMessage, perConversation, perListLoad, month = MONTH }) {
  const messages = month.conversations * month.messagesPerConversation;
  const listLoads = month.agents * month.listLoadsPerAgentPerDay * month.days;
  const usage = {
    workerRequests:
      messages * (perMessage.workerRequests ?? 0) + month.conversations * perConversation.workerRequests + listLoads,
    doRequests: messages * perMessage.doRequests + month.conversations * perConversation.doRequests,
    doGbSeconds: (messages * perMessage.doActiveMs * 128) / 1024 / 1000,
    doRowsWritten: messages * perMessage.doRowsWritten,
    d1RowsRead: listLoads * perListLoad.d1RowsRead,
    d1RowsWritten: messages * perMessage.d1RowsWritten + month.conversations * perConversation.d1RowsWritten,
  };
  let usd = 0;
  const lines = {};
  for (const [meter, used] of Object.entries(usage)) {
    const price = PRICES[meter];
    const cost = (Math.max(0, used - price.included) / 1e6) * price.usdPerMillion;
    lines[meter] = { used, included: price.included, usd: cost };
    usd += cost;
  }
  return { usd, lines };
}
