import { StrataError } from '../../core/errors.js';
import { type Command, EXIT } from '../command.js';
import { openCommandInstance } from '../command-instance.js';
import { booleanFlag } from '../parse-args.js';
import { renderTable } from '../render-table.js';
import { packageVersion } from '../package-version.js';
import { DEFINITIONS_FLAG } from '../shared-flags.js';
import { writeJson } from '../write-json.js';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show the project root, definitions module, config, instance, output folders and versions',
  usage: 'assets info [--json]',
  description:
    'What every other command works on, found from here: the project root (the folder of the strata.config.*\n' +
    'or package.json that names the definitions), its definitions module, the strata.config.* whose settings\n' +
    'apply to them (the project\'s, also when --definitions names another of its modules), the instance\n' +
    '(STRATA_HOME, relative to the root) and where each IO manager stores tables. It creates nothing.',
  flags: {
    json: { type: 'boolean', description: 'Print one JSON document on stdout' },
    ...DEFINITIONS_FLAG,
  },
  examples: ['assets info', 'assets info --json | jq -r .instance.path'],
  async run(args, io) {
    // It opens nothing: describe() loads the definitions without versioning code and leaves the storage closed.
    const { project, config, location: storage, exists, ioManagers } = await (await openCommandInstance(io)).describe();
    const info = {
      projectRoot: project.root,
      definitions: project.definitions instanceof StrataError ? null : project.definitions.file,
      definitionsProblem: project.definitions instanceof StrataError ? project.definitions.message.split('\n', 1)[0]! : null,
      config: config ?? null,
      instance:
        storage.kind === 'sqlite'
          ? { kind: storage.kind, home: project.home, path: storage.path, exists }
          : { kind: storage.kind, home: project.home, path: storage.display, exists: null },
      ioManagers: ioManagers.map(([key, manager]) => ({ key, kind: manager.kind, location: manager.location ?? null })),
      versions: { strata: packageVersion(), node: process.versions.node },
    };
    if (booleanFlag(args, 'json')) {
      writeJson(io, info);
      return EXIT.ok;
    }
    const lines: [string, string][] = [
      ['project root', info.projectRoot],
      ['definitions', info.definitions ?? `none found (${info.definitionsProblem})`],
      ['config', info.config ?? 'none'],
      ['instance', `${info.instance.kind} ${info.instance.path}${info.instance.exists === false ? ' (not created yet)' : ''}`],
      ...info.ioManagers.map(({ key, kind, location }): [string, string] => [`io manager ${key}`, `${kind}${location === null ? '' : ` ${location}`}`]),
      ['strata-assets', info.versions.strata],
      ['node', info.versions.node],
    ];
    io.stdout.write(renderTable([{ header: 'what' }, { header: 'value' }], lines, { maxWidth: io.stdout.columns }));
    return EXIT.ok;
  },
};
