/**
 * setupFile of the moved-clock projects (vitest.config.ts): when TEST_CLOCK holds an ISO instant,
 * Date starts there and runs on at real speed, so a test that derives its times from the clock
 * (as every test must) sees a month end, a leap day or a daylight-saving change instead of today.
 * Only Date is faked: timers, waits and the event loop stay real.
 */
import { vi } from "vitest";

const at = process.env.TEST_CLOCK;
if (at) {
  const now = Date.parse(at);
  if (Number.isNaN(now)) throw new Error(`TEST_CLOCK is not an ISO instant: ${at}`);
  vi.useFakeTimers({ now, toFake: ["Date"], shouldAdvanceTime: true });
}
