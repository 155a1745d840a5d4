// Turns a killed test process (SIGTERM from a timeout, Ctrl-C, a closed output pipe) into an ordinary exit, so the
// "exit" hooks of the kit's launchers stop their servers instead of leaving etcd or a broker running for hours.
let installed = false;

export function stopServersOnKill(): void {
  if (installed) return;
  installed = true;
  const signals = { SIGTERM: 143, SIGINT: 130, SIGHUP: 129 } as const;
  for (const [signal, code] of Object.entries(signals)) process.once(signal, () => process.exit(code));
  process.stdout.on("error", () => process.exit(1));
}
