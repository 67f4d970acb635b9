/**
 * The live lane's journeys (`test/support/lane/journeys.ts`) against the emulator, through the same
 * `@clerk/testing` calls and `@clerk/backend` admin client as against real Clerk: the lane's code
 * runs on every run, not only where real keys exist.
 */
import { defineJourneys } from '../support/lane/journeys.ts'
import { emulatorTarget, laneTest } from '../support/lane/target.ts'

const test = laneTest(emulatorTarget)

test.describe('live lane rehearsed against the emulator', () => {
  defineJourneys(test)
})
