// Writes a firing time as Go's time.Time.String() does ("2026-03-08 03:00:00 -0400 EDT"): Argo's data.eventTime.

/** Formats `at` in `timezone` the way Argo's calendar source writes eventTime (whole seconds, so no fraction). */
export function goTimeString(at: Date, timezone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "short",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(+parts["year"]!, +parts["month"]! - 1, +parts["day"]!, +parts["hour"]!, +parts["minute"]!, +parts["second"]!);
  const offsetMin = Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
  // Go prints the zone's abbreviation; where the platform has none (it says "GMT+1"), Go would print the offset.
  let name = parts["timeZoneName"]!;
  if (timezone === "UTC" || timezone === "Etc/UTC") name = "UTC";
  else if (/^GMT[+-]|^UTC[+-]/.test(name)) name = offset.slice(0, 3) + (abs % 60 ? offset.slice(3) : "");
  return `${parts["year"]}-${parts["month"]}-${parts["day"]} ${parts["hour"]}:${parts["minute"]}:${parts["second"]} ${offset} ${name}`;
}
