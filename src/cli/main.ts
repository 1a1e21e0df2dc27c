/** Binds `run` to the real process. */
import { run } from './run.js';

export async function main(): Promise<void> {
  // A closed pipe (`trackscan inspect classes x.apk | head`) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
  });
}
