import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { ApiError } from "./errors";

/**
 * `zValidator` answering with our error shape: 400 `invalid_request` and, per field,
 * what was wrong (`{ "email": "Invalid email address" }`).
 */
export function validate<T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (result.success) return;
    const fields: Record<string, string> = {};
    for (const issue of result.error.issues) {
      const key = issue.path.length ? issue.path.join(".") : "(body)";
      fields[key] ??= issue.message;
    }
    const summary = Object.entries(fields)
      .map(([k, v]) => `${k}: ${v}`)
      .join("; ");
    throw new ApiError(400, "invalid_request", `Invalid ${target}: ${summary}`, fields);
  });
}
