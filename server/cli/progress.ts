import cliProgress from 'cli-progress';

export interface Progress {
  tick(label: string): void;
  stop(): void;
}

/** A progress bar on an interactive terminal (stderr) for more than one item; silent otherwise. */
export function progress(total: number, title: string): Progress {
  if (!process.stderr.isTTY || total < 2) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${title} [{bar}] {value}/{total} {label}`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: '' });
  return { tick: (label) => bar.increment(1, { label }), stop: () => bar.stop() };
}

/** Progress as plain stderr lines (`plq: LABEL done/total`), at most one every `everyMs` and always the last. */
export function progressLines(label: string, everyMs = 5000): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done === total || now - last > everyMs) {
      last = now;
      process.stderr.write(`plq: ${label} ${done}/${total}\n`);
    }
  };
}
