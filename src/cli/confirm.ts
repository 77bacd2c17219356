import { createInterface } from 'node:readline';
import type { CliIO } from './cli-io.js';

/**
 * Asks a yes/no question on a terminal: the question goes to stderr (stdout
 * carries data only), the answer is one line of stdin. Only `y` or `yes`
 * (any case) is a yes; an empty line, end of input and Ctrl-C are a no.
 * Callers check `io.stdin?.isTTY` first: with no terminal there is nobody
 * to ask, and they must not wait for an answer that never comes.
 */
export async function confirm(io: Pick<CliIO, 'stdin' | 'stderr' | 'signal'>, question: string): Promise<boolean> {
  const input = io.stdin;
  if (input === undefined) return false;
  io.stderr.write(`${question} [y/N] `);
  const lines = createInterface({ input, terminal: false });
  let onAbort = () => {};
  try {
    const answer = await new Promise<string | undefined>((resolve) => {
      onAbort = () => resolve(undefined);
      if (io.signal.aborted) onAbort();
      io.signal.addEventListener('abort', onAbort, { once: true });
      lines.once('line', (line) => resolve(line));
      lines.once('close', () => resolve(undefined));
    });
    // No answer (end of input, Ctrl-C): end the prompt's line, so what follows starts on its own.
    if (answer === undefined) io.stderr.write('\n');
    return /^\s*y(es)?\s*$/i.test(answer ?? '');
  } finally {
    io.signal.removeEventListener('abort', onAbort);
    // Closing pauses stdin again, so the process can exit.
    lines.close();
  }
}
