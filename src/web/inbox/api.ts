import { hc } from "hono/client";
import type { Api } from "../../app";

export const client = hc<Api>("/", { init: { credentials: "same-origin" } });
