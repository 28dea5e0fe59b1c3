/** Undo steps registered by whatever is running: stop processes, delete Redis keys. */
const tasks = new Set<() => Promise<void>>();
let installed = false;

/**
 * Registers `task` to run if the bench is interrupted (Ctrl-C, SIGTERM), so no worker process or
 * queue key outlives it; returns a function that unregisters it once the normal path has cleaned
 * up. A second Ctrl-C exits at once.
 */
export function onInterrupt(task: () => Promise<void>): () => void {
  install();
  tasks.add(task);
  return () => {
    tasks.delete(task);
  };
}

function install(): void {
  if (installed) return;
  installed = true;
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      process.stderr.write(`\n${signal}: stopping the bench's processes and deleting its queue keys...\n`);
      const pending = [...tasks].map((t) => t().catch(() => {}));
      // Bounded: a process that ignores SIGTERM is killed by its own stop(); Redis may be gone.
      const timeout = new Promise((resolve) => setTimeout(resolve, 15_000).unref());
      void Promise.race([Promise.all(pending), timeout]).then(() => process.exit(130));
    });
  }
}
