// The URL a registered hook delivers to: the external base URL (webhook.url) plus the endpoint, as Argo joins them.
export function hookUrl(base: string, endpoint: string): string {
  return base.replace(/\/+$/, "") + (endpoint.startsWith("/") ? endpoint : `/${endpoint}`);
}
