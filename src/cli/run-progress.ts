import type { RunEvent } from '../storage/instance-storage.js';
import type { OutputStream } from './cli-io.js';
import { formatDuration, plural } from './format.js';
import type { Style } from './style.js';

export interface RunProgressOptions {
  /**
   * A summary printed on the same terminal when the run ends names the error
   * of each failed asset (`assets materialize` with stdout on a terminal): the
   * failure line then says only that the asset failed, so the error is read
   * once. Otherwise (the daemon, stdout redirected) it carries the error too.
   */
  readonly summaryShowsErrors?: boolean | undefined;
}

/**
 * Live per-asset status lines on stderr, for a terminal. (Off a terminal the
 * JSON log lines carry the same events, and these are not printed.)
 */
export function createRunProgress(stream: OutputStream, style: Style, options: RunProgressOptions = {}): (event: RunEvent) => void {
  return (event) => {
    const key = event.assetKey ?? '';
    const data = event.data ?? {};
    switch (event.type) {
      case 'step-start':
        stream.write(`${style.apply('cyan', '▶')} ${key} ${style.apply('dim', `materializing${event.attempt !== null && event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}…`)}\n`);
        break;
      case 'step-success':
        stream.write(`${style.apply('green', '✓')} ${key} ${style.apply('dim', `${plural(Number(data.rows), 'row')} in ${formatDuration(Number(data.durationMs))}`)}\n`);
        break;
      case 'step-retry':
        stream.write(`${style.apply('yellow', '↻')} ${event.message}\n`);
        break;
      case 'step-failure':
        stream.write(`${style.apply('red', '✗')} ${options.summaryShowsErrors === true ? `${key} failed` : event.message.split('\n', 1)[0]}\n`);
        break;
      case 'step-skip':
        stream.write(`${style.apply('gray', data.reason === 'up-to-date' ? '=' : '-')} ${event.message}\n`);
        break;
      case 'log':
        if (event.level === 'warn' || event.level === 'error') stream.write(`${style.apply('yellow', '!')} ${key}: ${event.message}\n`);
        break;
      default:
        break;
    }
  };
}
