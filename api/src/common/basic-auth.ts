// Argo's BasicAuth (basic_auth.go): a user name and a password, each from a Secret; used by broker sources (AMQP, MQTT, ...).
import { z } from "zod";
import { SecretKeySelector } from "./types.js";

export const BasicAuth = z
  .strictObject({
    username: SecretKeySelector.optional().describe("Secret key holding the user name."),
    password: SecretKeySelector.optional().describe("Secret key holding the password."),
  })
  .refine((a) => a.username && a.password, "auth needs username and password")
  .describe("User name and password from Secrets.");
export type BasicAuth = z.output<typeof BasicAuth>;
