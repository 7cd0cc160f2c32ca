import { durationToMs, parseIsoDuration } from './durations';
import { isWorkflowFault } from './errors';

describe('durations', () => {
  it.each([
    ['PT1S', 1000],
    ['PT1M30S', 90_000],
    ['P1DT2H', 93_600_000],
    ['PT0.5S', 500],
    ['P1W', 604_800_000],
  ])('parses ISO 8601 %s', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(['P', 'PT', '1S', 'P1Y', 'soon'])('rejects %s', (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });

  it('adds up inline durations', () => {
    expect(durationToMs({ days: 1, hours: 1, minutes: 1, seconds: 1, milliseconds: 1 })).toBe(90_061_001);
  });

  it('raises a configuration error with the pointer for bad values', () => {
    try {
      durationToMs({ fortnights: 2 }, '/do/0/wait');
      throw new Error('expected a fault');
    } catch (e) {
      expect(isWorkflowFault(e)).toBe(true);
      if (isWorkflowFault(e)) {
        expect(e.error.type).toBe('https://serverlessworkflow.io/spec/1.0.0/errors/configuration');
        expect(e.error.instance).toBe('/do/0/wait');
      }
    }
  });
});
