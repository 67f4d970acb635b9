/**
 * The live lane: the journeys of `test/support/lane/journeys.ts` against real Clerk, through
 * `@clerk/testing` (a testing token against bot protection, sign-in with the test user's password).
 * It runs only when the environment holds real keys and a test user:
 *
 *   CLERK_PUBLISHABLE_KEY, CLERK_SECRET_KEY (a development instance), optionally CLERK_JWT_KEY and
 *   CLERK_API_URL, E2E_CLERK_USER_USERNAME (email or username) and E2E_CLERK_USER_PASSWORD (a
 *   password user of that instance).
 *
 * The instance's session token template must carry `"birthday": "{{user.public_metadata.birthday}}"`.
 * Without these variables every journey is skipped with a message saying so; it never fails for lack
 * of keys. The test user's birthday is put back at the end. `lane-rehearsal.spec.ts` runs the same
 * journeys against the emulator on every run.
 */
import { defineJourneys } from '../support/lane/journeys.ts'
import { laneTest, missingLiveVariables, realClerkTarget } from '../support/lane/target.ts'

const missing = missingLiveVariables()
const test = laneTest(() => realClerkTarget())
const skipped =
  `skipped: no real Clerk credentials in the environment (missing ${missing.join(', ')}); ` +
  'set them to run these journeys against real Clerk'

// The title says why in every line of the report, not only in the skip annotation.
test.describe(`live lane against real Clerk${missing.length > 0 ? ` (${skipped})` : ''}`, () => {
  test.describe.configure({ mode: 'serial' })
  test.skip(missing.length > 0, `Live lane ${skipped}.`)
  test.slow()
  defineJourneys(test)
})
