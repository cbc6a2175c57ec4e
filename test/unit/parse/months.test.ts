// monthNumber looks the usual spellings up as written (no normalize() call at start-up) and every
// other through NFC and lower case: both must give the same month for every word.
import { describe, expect, it } from 'vitest';
import { MONTH_LOOKUPS, monthNumber } from '../../../src/parse/months.js';

describe('month names', () => {
  const { keys, normalized } = MONTH_LOOKUPS;

  it('keys are lower-case NFC words starting with an ASCII letter', () => {
    expect(keys.length).toBeGreaterThan(40);
    for (const key of keys) {
      expect(key.normalize('NFC'), key).toBe(key);
      expect(key.toLowerCase(), key).toBe(key);
      expect(key.charCodeAt(0), key).toBeLessThan(0x80);
    }
  });

  it('as written and normalized agree on every spelling, decomposed, dotted and odd ones too', () => {
    const words = keys.flatMap((key) => {
      const capital = key.charAt(0).toUpperCase() + key.slice(1);
      return [
        key,
        capital,
        key.toUpperCase(),
        `${key}.`,
        `${capital}.`,
        key.normalize('NFD'),
        capital.normalize('NFD'),
      ];
    });
    words.push('Xyz', '', '.', 'Nov..', 'NOVEMBER', 'mäz');
    let months = 0;
    for (const word of words) {
      expect(monthNumber(word), word).toBe(normalized(word));
      if (monthNumber(word) !== undefined) months++;
    }
    expect(months).toBeGreaterThan(keys.length * 6);
    expect(monthNumber('Nov')).toBe(11);
    expect(monthNumber('févr.')).toBe(2);
  });
});
