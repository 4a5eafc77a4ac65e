/** Time as delivery reads it: injected, so that tests move it with jest's fake timers rather than sleep. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
