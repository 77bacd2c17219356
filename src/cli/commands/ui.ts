import { spawn } from 'node:child_process';
import { UsageError } from '../../core/errors.js';
import { openCommandInstance } from '../command-instance.js';
import { type Command, EXIT } from '../command.js';
import { booleanFlag, integerFlag, stringFlag } from '../parse-args.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';

const DEFAULT_PORT = 3000;
const DEFAULT_HOST = '127.0.0.1';

export const uiCommand: Command = {
  name: 'ui',
  summary: 'Serve the web UI: the asset graph, assets, runs and automation, live',
  usage: 'assets ui [--port 3000] [--host 127.0.0.1] [--open] [--token T]',
  description:
    'Serves the UI and its JSON API (under /api/) until Ctrl-C. It binds 127.0.0.1, so only this machine\n' +
    'reaches it; a --host other than loopback needs an access token (--token, or STRATA_UI_TOKEN), which\n' +
    'then guards every page: open the URL it prints, which carries it. Runs launched from the page run in\n' +
    'this process; runs of other processes (the CLI, a daemon) show up within a second.',
  flags: {
    port: { type: 'string', valueName: 'N', description: `Port to listen on (default ${DEFAULT_PORT}; 0: any free port)` },
    host: { type: 'string', valueName: 'ADDRESS', description: `Address to listen on (default ${DEFAULT_HOST})` },
    open: { type: 'boolean', description: "Open the UI in the system's browser" },
    token: { type: 'string', valueName: 'T', description: 'Access token that guards every route (default: STRATA_UI_TOKEN)' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets ui', 'assets ui --port 8080 --open', 'STRATA_UI_TOKEN=$(openssl rand -hex 16) assets ui --host 0.0.0.0'],
  async run(args, io) {
    const port = integerFlag('port', stringFlag(args, 'port'), 0) ?? DEFAULT_PORT;
    if (port > 65_535) throw new UsageError(`--port must be at most 65535, got ${port}.`);
    const host = stringFlag(args, 'host') ?? DEFAULT_HOST;
    const token = stringFlag(args, 'token') ?? (io.env.STRATA_UI_TOKEN || undefined);
    const { startUiServer } = await import('../../ui/server/start-ui-server.js');
    const instance = await openCommandInstance(io);
    try {
      const server = await startUiServer({ instance, host, port, token, now: io.now, onError: (error) => io.stderr.write(`warning: ${error instanceof Error ? error.message : String(error)}\n`) });
      io.setInterruptNotice?.((signal) => `\nStopping the UI server (${signal}).\n`);
      io.stdout.write(`Strata UI on ${server.openUrl}\n`);
      io.stderr.write('Press Ctrl-C to stop.\n');
      if (booleanFlag(args, 'open')) openBrowser(server.openUrl, (problem) => io.stderr.write(`Could not open a browser (${problem}): open ${server.url} yourself.\n`));
      await new Promise<void>((resolve) => (io.signal.aborted ? resolve() : io.signal.addEventListener('abort', () => resolve(), { once: true })));
      await server.close();
      return EXIT.ok;
    } finally {
      await instance.close();
    }
  },
};

/** Opens `url` with the platform's opener; never fails the command, only says why it could not. */
function openBrowser(url: string, onProblem: (problem: string) => void): void {
  const [command, ...args] = process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', url] : ['xdg-open', url];
  try {
    const child = spawn(command!, args, { stdio: 'ignore', detached: true });
    child.on('error', (error) => onProblem(`${command}: ${error.message}`));
    child.unref();
  } catch (error) {
    onProblem(error instanceof Error ? error.message : String(error));
  }
}
