/** Binds `run` to the real process. */
import { run } from './run.js';

export async function main(): Promise<void> {
  // A closed pipe (`trackscan inspect classes x.apk | head`) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const stderrIsTTY = process.stderr.isTTY === true;
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY,
    env: process.env,
    progress: stderrIsTTY
      ? async (text, work) => {
          // loaded here: ora and its dependencies take ~60 ms to load, and only a terminal shows them
          const { default: ora } = await import('ora');
          const spinner = ora({ text, stream: process.stderr }).start();
          // let the first frame render before the synchronous work blocks the event loop
          await new Promise((resolve) => setTimeout(resolve, 0));
          try {
            return work();
          } finally {
            spinner.stop();
          }
        }
      : undefined,
  });
}
