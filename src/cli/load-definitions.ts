import { StrataError } from '../core/errors.js';
import type { Definitions } from '../core/definitions.js';
import { loadDefinitions as loadProjectDefinitions } from '../instance/load-definitions.js';
import { locateProject, type Project } from '../instance/locate-project.js';
import { pathToFileURL } from 'node:url';
import type { CliIO } from './cli-io.js';

type ProjectIO = Pick<CliIO, 'cwd' | 'env' | 'definitionsModule'>;

/** The URL of the module a command's definitions come from (see `locateProject`); worker threads import the same URL. */
export function definitionsModuleUrl(modulePath: string | undefined, io: ProjectIO): string {
  const { definitions } = projectNaming(modulePath, io);
  if (definitions instanceof StrataError) throw definitions;
  return pathToFileURL(definitions.file).href;
}

/** The definitions a command works on, loaded and fully checked (see the instance's `loadDefinitions`). */
export function loadDefinitions(modulePath: string | undefined, io: ProjectIO, options: { readonly versionCode?: boolean } = {}): Promise<Definitions> {
  return loadProjectDefinitions(projectNaming(modulePath, io), io.env, options);
}

/** The project of `io`, with `modulePath` as its `--definitions` (commands pass the flag they parsed). */
function projectNaming(modulePath: string | undefined, io: ProjectIO): Project {
  return locateProject(modulePath === io.definitionsModule ? io : { ...io, definitionsModule: modulePath });
}
