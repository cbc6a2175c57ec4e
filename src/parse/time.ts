/** Time stamps as the logs write them, turned into ISO 8601 (UTC). */

const YEAR_10000 = 253_402_300_800_000;
/** `.000Z` to `.999Z`: the end of an ISO time for each millisecond. */
const MILLIS_SUFFIX: readonly string[] = Array.from(
  { length: 1000 },
  (_, ms) => `.${String(ms).padStart(3, '0')}Z`,
);
const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
let cachedSecond = Number.NaN;
let cachedSecondText = '';
// Stamps far apart (a saved log) still share their day: only a new day makes a Date.
let cachedDay = Number.NaN;
let cachedDayText = '';

/**
 * ISO 8601 for an instant in milliseconds since the epoch; undefined when out of range. Records
 * come in bursts within one second, so the text up to the second is kept from the last call.
 */
export function isoFromMillis(millis: number): string | undefined {
  if (!Number.isFinite(millis) || Math.abs(millis) > 8.64e15) return undefined;
  if (!Number.isInteger(millis) || millis < 0 || millis >= YEAR_10000) return new Date(millis).toISOString();
  const second = Math.floor(millis / 1000);
  if (second !== cachedSecond) {
    const day = Math.floor(second / 86_400);
    if (day !== cachedDay) {
      cachedDayText = new Date(day * 86_400_000).toISOString().slice(0, 11);
      cachedDay = day;
    }
    const inDay = second - day * 86_400;
    const hour = Math.floor(inDay / 3600);
    const minute = Math.floor((inDay - hour * 3600) / 60);
    cachedSecondText = `${cachedDayText}${TWO_DIGITS[hour]!}:${TWO_DIGITS[minute]!}:${TWO_DIGITS[inDay % 60]!}`;
    cachedSecond = second;
  }
  return cachedSecondText + MILLIS_SUFFIX[millis - second * 1000]!;
}

/** Milliseconds from a fraction written after a decimal point (`.5` → 500, `.123456` → 123). */
export function fractionToMillis(fraction: string | undefined): number {
  if (!fraction) return 0;
  const digits = fraction.startsWith('.') ? fraction.slice(1) : fraction;
  return Number((digits + '000').slice(0, 3));
}

/** Minutes east of UTC for `Z`, `+08:00`, `-0800`; undefined when there is no offset. */
export function offsetMinutes(offset: string | undefined): number | undefined {
  if (!offset) return undefined;
  if (offset === 'Z' || offset === 'z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

export interface CivilTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millis: number;
  /** Minutes east of UTC; undefined means local time. */
  readonly offset?: number;
}

/** The instant of a civil time, or undefined when a field is out of range (Feb 30, 25:00). */
export function civilToDate(civil: CivilTime): Date | undefined {
  const { year, month, day, hour, minute, second, millis, offset } = civil;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  const date =
    offset === undefined
      ? new Date(year, month - 1, day, hour, minute, second, millis)
      : new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000);
  if (Number.isNaN(date.getTime())) return undefined;
  const checkDay =
    offset === undefined ? date.getDate() : new Date(date.getTime() + offset * 60_000).getUTCDate();
  return checkDay === day ? date : undefined;
}

/**
 * The year a year-less syslog stamp most probably belongs to: the year of `now`, or the one before
 * when that would put the stamp more than a day in the future (a December line read in January).
 */
export function inferYear(month: number, day: number, now: Date): number {
  const year = now.getFullYear();
  const candidate = new Date(year, month - 1, day);
  return candidate.getTime() - now.getTime() > 86_400_000 ? year - 1 : year;
}
