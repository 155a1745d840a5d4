// The error catalogue: every error Impulse raises carries a stable code; tests assert codes, not messages.

export const ErrorCodes = {
  InvalidSpec: "INVALID_SPEC",
  UnsupportedFeature: "UNSUPPORTED_FEATURE",
  BusUnavailable: "BUS_UNAVAILABLE",
  BusPublishFailed: "BUS_PUBLISH_FAILED",
  /** The encoded event (envelope included) exceeds the bus's max_payload: not retryable as is. */
  EventTooLarge: "EVENT_TOO_LARGE",
  PathNotFound: "PATH_NOT_FOUND",
  FilterFailed: "FILTER_FAILED",
  ParameterFailed: "PARAMETER_FAILED",
  TriggerFailed: "TRIGGER_FAILED",
  TriggerPolicyViolated: "TRIGGER_POLICY_VIOLATED",
  TriggerTimeout: "TRIGGER_TIMEOUT",
  /** A trigger URL refused by the egress policy: not retried, the same URL would be refused again. */
  EgressDenied: "EGRESS_DENIED",
  SecretNotFound: "SECRET_NOT_FOUND",
  InvalidEvent: "INVALID_EVENT",
  /** Something asked for by name or id (an event in the journal) does not exist. */
  NotFound: "NOT_FOUND",
  /** The bus has no journal (turned off on the EventBus, or nothing has connected to that bus yet). */
  JournalUnavailable: "JOURNAL_UNAVAILABLE",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class ImpulseError extends Error {
  readonly code: ErrorCode;
  /** Whether trying the same operation again may succeed (network, 5xx, bus down). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ImpulseError";
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}

/** A trigger's result was outside what its policy allows (e.g. an HTTP status not in policy.status.allow). */
export class PolicyError extends ImpulseError {
  constructor(message: string) {
    super(ErrorCodes.TriggerPolicyViolated, message, { retryable: true });
    this.name = "PolicyError";
  }
}

export function isImpulseError(e: unknown): e is ImpulseError {
  return e instanceof ImpulseError;
}

export function errorMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // fetch's "fetch failed" says nothing by itself: the cause (ECONNREFUSED 127.0.0.1:6443, a TLS error) does.
  const cause = e.cause instanceof Error ? e.cause.message : undefined;
  return cause && !e.message.includes(cause) ? `${e.message}: ${cause}` : e.message;
}
