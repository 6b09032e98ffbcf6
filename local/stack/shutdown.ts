/**
 * How `npm start` ends: SIGINT or SIGTERM closes everything the stack started (a second one exits
 * at once), and so does losing its parent. npm forwards SIGINT and SIGTERM to the shell that runs
 * the script; package.json's `exec` makes that shell this process, since a shell would die of
 * SIGTERM, or wait out SIGINT, without passing either on. Should npm itself die without
 * forwarding (SIGKILL), the changed ppid tells: nobody would be left to stop the stack.
 */
export interface ShutdownOptions {
  /** Closes what was started. */
  readonly stop: () => Promise<void>;
  readonly log: (line: string) => void;
  readonly exit: (code: number) => void;
  /** Where signals come from (process, or a stand-in in tests). */
  readonly signals?: Pick<NodeJS.Process, "on" | "off">;
  /** The current parent process id. */
  readonly parentPid?: () => number;
  /** How often the parent is looked at. */
  readonly parentCheckMs?: number;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** Installs the handlers; returns a function that removes them. */
export function stopOnSignalOrOrphaning(options: ShutdownOptions): () => void {
  const signals = options.signals ?? process;
  const parentPid = options.parentPid ?? (() => process.ppid);
  const parentAtStart = parentPid();
  let stopping = false;

  const shutDown = (why: string) => {
    if (stopping) {
      options.log("Stopping now.");
      options.exit(130);
      return;
    }
    stopping = true;
    options.log(why);
    void options.stop().then(
      () => {
        options.log("Stopped.");
        options.exit(0);
      },
      (error: unknown) => {
        options.log(`Stopped, with an error: ${error instanceof Error ? error.message : String(error)}`);
        options.exit(1);
      },
    );
  };

  const onSignal = () => shutDown("\nStopping (Ctrl-C again to force)...");
  for (const signal of SIGNALS) signals.on(signal, onSignal);
  const watch = setInterval(() => {
    if (parentPid() === parentAtStart || stopping) return;
    clearInterval(watch);
    shutDown("The parent process ended (npm or its shell was stopped): stopping...");
  }, options.parentCheckMs ?? 500);
  // The watch alone must not keep the process alive.
  watch.unref();

  return () => {
    clearInterval(watch);
    for (const signal of SIGNALS) signals.off(signal, onSignal);
  };
}
