/**
 * The live lane's journeys (`lane/journeys.ts`) against the emulator, through the same
 * `@clerk/testing` calls and `@clerk/backend` admin client as against real Clerk: the lane's code
 * runs on every run, not only where real keys exist.
 */
import { defineJourneys } from './lane/journeys.ts'
import { emulatorTarget, laneTest } from './lane/target.ts'

const test = laneTest(emulatorTarget)

test.describe('live lane rehearsed against the emulator', () => {
  defineJourneys(test)
})
