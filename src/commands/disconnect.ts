import { changeConnection } from './connect.js';
import type { CommandMain } from './types.js';

export const main: CommandMain = (argv, io) => changeConnection('disconnect', argv, io);
