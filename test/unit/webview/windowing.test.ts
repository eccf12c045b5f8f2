// The windowed list draws only the rows in view (plus a margin), whatever the total.
import { describe, expect, it } from 'vitest';
import { navigate, scrollToShow, visibleRange } from '../../../webview/src/model/windowing';

describe('visibleRange', () => {
  it('draws the rows in view plus the overscan, clamped to the list', () => {
    expect(visibleRange(0, 220, 22, 10_000, 5)).toEqual({ first: 0, last: 14 });
    expect(visibleRange(22 * 5000, 220, 22, 10_000, 5)).toEqual({ first: 4995, last: 5014 });
    expect(visibleRange(22 * 9995, 220, 22, 10_000, 5)).toEqual({ first: 9990, last: 9999 });
    expect(visibleRange(0, 220, 22, 3, 5)).toEqual({ first: 0, last: 2 });
    expect(visibleRange(0, 220, 22, 0, 5)).toEqual({ first: 0, last: -1 });
  });

  it('never draws more rows than fit in view plus twice the overscan, even past the end after the list shrank', () => {
    for (const top of [0, 11, 1234, 219_978, 10_000_000]) {
      const r = visibleRange(top, 440, 22, 10_000, 6);
      expect(r.last - r.first + 1).toBeLessThanOrEqual(20 + 1 + 12);
      expect(r.first).toBeGreaterThanOrEqual(0);
      expect(r.last).toBeLessThan(10_000);
    }
  });
});

describe('scrollToShow', () => {
  it('scrolls as little as needed', () => {
    expect(scrollToShow(3, 0, 220, 22)).toBe(0);
    expect(scrollToShow(10, 0, 220, 22)).toBe(22);
    expect(scrollToShow(2, 100, 220, 22)).toBe(44);
  });
});

describe('navigate', () => {
  it('moves by row, by page and to the ends, within the list', () => {
    expect(navigate('ArrowDown', -1, 10, 5)).toBe(0);
    expect(navigate('ArrowDown', 9, 10, 5)).toBe(9);
    expect(navigate('ArrowUp', 0, 10, 5)).toBe(0);
    expect(navigate('PageDown', 2, 10, 5)).toBe(6);
    expect(navigate('PageUp', 2, 10, 5)).toBe(0);
    expect(navigate('End', 2, 10, 5)).toBe(9);
    expect(navigate('Home', 2, 10, 5)).toBe(0);
    expect(navigate('x', 2, 10, 5)).toBeUndefined();
    expect(navigate('ArrowDown', 0, 0, 5)).toBeUndefined();
  });
});
