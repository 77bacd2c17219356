let root: string | undefined;

/**
 * The folder of the project the running definitions belong to: relative
 * paths in settings (`STRATA_OUTPUT_DIR`, a source folder) resolve against it,
 * so a command gives the same answers from any subfolder. The CLI sets it to
 * the folder of the `strata.config.*` or package.json that named the
 * definitions, before importing them; elsewhere it is the working folder.
 *
 * A process-wide value on purpose: IO managers and resources are constructed
 * while the definitions module is imported, before anything could hand them
 * the project. Worker threads set it from their setup before importing.
 */
export function projectRoot(): string {
  return root ?? process.cwd();
}

/** Sets the folder `projectRoot()` returns (absolute). For the CLI and worker threads. */
export function setProjectRoot(folder: string): void {
  root = folder;
}
