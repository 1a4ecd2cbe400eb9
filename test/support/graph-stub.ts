import { createServer, type Server } from "node:http";

/**
 * A local stand-in for Meta's Graph API (the only part of Messenger beyond this machine), shaped like
 * the real responses in ../shared/corpus/messenger. It records every call; GET /__calls returns them.
 *
 * Behaviour by recipient page-scoped id: `unavailable-*` → error 551, `expired-*` → error 190 (token),
 * anything else → success with a new message id. Profiles: `private-*` → 400, else a name.
 */
export async function startGraphStub(): Promise<{ url: string; server: Server }> {
  const calls: { method: string; path: string; query: Record<string, string>; body: unknown }[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const url = new URL(req.url!, "http://stub");
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === "/__calls") return json(200, calls);
      const body = raw ? JSON.parse(raw) : null;
      calls.push({ method: req.method!, path: url.pathname, query: Object.fromEntries(url.searchParams), body });
      if (req.method === "POST" && url.pathname.endsWith("/me/messages")) {
        const psid: string = body?.recipient?.id ?? "";
        if (psid.startsWith("unavailable-")) {
          return json(400, {
            error: {
              message: "(#551) This person isn't available right now.",
              type: "OAuthException",
              code: 551,
              error_subcode: 1545041,
              fbtrace_id: "stub",
            },
          });
        }
        if (psid.startsWith("expired-")) {
          return json(400, {
            error: {
              message: "Error validating access token: Session has expired",
              type: "OAuthException",
              code: 190,
              error_subcode: 463,
              fbtrace_id: "stub",
            },
          });
        }
        return json(200, { recipient_id: psid, message_id: `m_stub_${++n}_${"x".repeat(60)}` });
      }
      const psid = decodeURIComponent(url.pathname.split("/").pop() ?? "");
      if (req.method === "GET" && !psid.startsWith("private-"))
        return json(200, { first_name: "Test", last_name: `Person ${psid.slice(-4)}`, id: psid });
      return json(400, {
        error: { message: "Unsupported get request.", type: "GraphMethodException", code: 100, error_subcode: 33 },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v24.0`, server };
}
