// Hides credentials in URLs before they reach a log line or an error message (bus URLs, trigger URLs).

/** Hides the user-info part of every URL in a text (log fields, error messages). */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s,]*@/gi, "$1***@");
}
