/**
 * Sign-up through the unmodified ClerkJS in Chromium against the emulator: `signUp.create`,
 * `prepareEmailAddressVerification`, `attemptEmailAddressVerification`, `setActive`, with Clerk's
 * test mode and with a code read from the emulator's control surface; then the new user through the
 * real `@clerk/backend`.
 */
import { createClerkClient } from '@clerk/backend'
import { expect, test, type Page } from '@playwright/test'
import { control } from '../../emulator/testing/control.ts'
import { loadClerkModule } from '../support/page-server.ts'
import { useEmulatorAndPages } from '../support/emulator-and-pages.ts'

const PASSWORD = 'a-good-password-1'
const rig = useEmulatorAndPages({ resetEachTest: true })

const load = (page: Page) => loadClerkModule(page, rig.pages.origin, rig.emulator.config)

/** Creates the sign-up and prepares the email code; returns the ClerkJS status. */
function start(page: Page, emailAddress: string, password = PASSWORD) {
  return page.evaluate(
    async ({ emailAddress, password }) => {
      const clerk = Reflect.get(window, 'clerk')
      try {
        const signUp = await clerk.client.signUp.create({ emailAddress, password })
        await signUp.prepareEmailAddressVerification({ strategy: 'email_code' })
        return { ok: true, status: String(clerk.client.signUp.status), code: null }
      } catch (error) {
        const e = error as { errors?: { code: string }[] }
        return { ok: false, status: null, code: e.errors?.[0]?.code ?? String(error) }
      }
    },
    { emailAddress, password },
  )
}

/** Attempts a code; on success activates the session. */
function verify(page: Page, code: string) {
  return page.evaluate(async (code) => {
    const clerk = Reflect.get(window, 'clerk')
    try {
      const signUp = await clerk.client.signUp.attemptEmailAddressVerification({ code })
      await clerk.setActive({ session: signUp.createdSessionId })
      return {
        ok: true,
        userId: String(clerk.user?.id),
        email: String(clerk.user?.primaryEmailAddress),
        code: null,
      }
    } catch (error) {
      const e = error as { errors?: { code: string }[] }
      return { ok: false, userId: null, email: null, code: e.errors?.[0]?.code ?? String(error) }
    }
  }, code)
}

function backend() {
  return createClerkClient({
    secretKey: rig.emulator.config.secretKey,
    apiUrl: rig.emulator.config.apiUrl,
    telemetry: { disabled: true },
  })
}

test('a +clerk_test address signs up with 424242 and no other code', async ({ page }) => {
  await load(page)
  expect(await start(page, 'lin+clerk_test@example.test')).toEqual({
    ok: true,
    status: 'missing_requirements',
    code: null,
  })
  expect((await verify(page, '123456')).code).toBe('form_code_incorrect')
  const done = await verify(page, '424242')
  expect(done).toMatchObject({ ok: true, email: 'lin+clerk_test@example.test' })
  const user = await backend().users.getUser(done.userId ?? '')
  expect(user.primaryEmailAddress?.verification?.status).toBe('verified')
  // A reload keeps the new user signed in.
  await load(page)
  expect(await page.evaluate(() => Reflect.get(window, 'clerk').user?.id)).toBe(done.userId)
})

test('another address verifies with the code from the control surface', async ({ page }) => {
  await load(page)
  expect((await start(page, 'grace@example.test')).ok).toBe(true)
  const { codes } = await control<{ codes: { code: string }[] }>(
    rig.emulator.url,
    'GET',
    'verification_codes?email_address=grace@example.test',
  )
  // One code at create, a new one at prepare; the newest counts.
  expect(codes).toHaveLength(2)
  const done = await verify(page, codes[1]?.code ?? '')
  expect(done).toMatchObject({ ok: true, email: 'grace@example.test' })
  const list = await backend().users.getUserList({ emailAddress: ['grace@example.test'] })
  expect(list.data.map((u) => u.id)).toEqual([done.userId])
})

test('a taken address and a weak password get Clerk’s errors', async ({ page }) => {
  await load(page)
  expect(await start(page, 'ada@example.test')).toMatchObject({
    ok: false,
    code: 'form_identifier_exists',
  })
  expect(await start(page, 'new+clerk_test@example.test', 'short')).toMatchObject({
    ok: false,
    code: 'form_password_length_too_short',
  })
  expect(await backend().users.getCount()).toBe(1)
})
