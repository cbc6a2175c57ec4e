/** A one-line error for a log we could not open or read: "cannot read PATH: REASON". */
export function cannotRead(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied (run as root)'
        : code === 'EISDIR'
          ? 'is a directory'
          : error instanceof Error
            ? error.message
            : String(error);
  return new Error(`cannot read ${path}: ${reason}`, { cause: error });
}

/** Runs `open` and turns its failure into `cannotRead(path, ...)`. */
export async function opening<T>(path: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    throw cannotRead(path, error);
  }
}
