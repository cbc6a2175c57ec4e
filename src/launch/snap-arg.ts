/** Finding the snap a connections command names: --snap PATH or /snap/NAME/current. */
import { locateSnap, SnapNotFoundError, type LocatedSnap } from '../snap/locate.js';
import { SnapYamlError } from '../snap/snap-yaml.js';
import { UsageError } from '../commands/types.js';

export async function snapForCommand(
  command: string,
  name: string,
  path: string | undefined,
): Promise<LocatedSnap> {
  try {
    return await locateSnap(name, path);
  } catch (error) {
    if (error instanceof SnapNotFoundError || error instanceof SnapYamlError) {
      throw new UsageError(`${command}: ${error.message}`, 1);
    }
    throw error;
  }
}
