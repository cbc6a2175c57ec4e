import { createContext, useContext } from 'react';
import { makeTheme, type Theme } from '../src/ui/theme.js';

/** The semantic theme; components read styles from it and never name colours themselves. */
export const ThemeContext = createContext<Theme>(makeTheme(true));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
