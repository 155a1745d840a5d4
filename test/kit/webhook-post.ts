// Posts a delivery to a webhook-family endpoint and reads the answer (status and JSON), for the SaaS source suites.
import { request } from "undici";

export interface Answer {
  status: number;
  json: Record<string, unknown> | undefined;
}

export async function post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer> {
  const res = await request(url, { method: "POST", headers, body });
  const text = await res.body.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json };
}
