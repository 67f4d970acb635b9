/**
 * JWT templates through the real SDKs: created with `@clerk/backend`'s `jwtTemplates.create`, minted by
 * ClerkJS's `session.getToken({ template })` in Chromium, and verified by `@clerk/backend`'s
 * `verifyToken`, networkless (jwtKey) and through JWKS.
 */
import { createClerkClient, verifyToken } from '@clerk/backend'
import { expect, test } from '@playwright/test'
import { useEmulatorAndPages } from '../support/emulator-and-pages.ts'

const rig = useEmulatorAndPages()

test('getToken({ template }) mints the template and verifyToken accepts it', async ({ page }) => {
  const clerk = createClerkClient({
    secretKey: rig.emulator.config.secretKey,
    apiUrl: rig.emulator.config.apiUrl,
    telemetry: { disabled: true },
  })
  const template = await clerk.jwtTemplates.create({
    name: 'supabase',
    claims: {
      aud: 'authenticated',
      role: 'authenticated',
      email: '{{user.primary_email_address}}',
    },
    lifetime: 3600,
    allowedClockSkew: 20,
  })
  expect(template).toMatchObject({ name: 'supabase', lifetime: 3600, allowedClockSkew: 20 })

  await page.goto(`${rig.pages.origin}/`)
  const jwt = await page.evaluate(
    async ({ publishableKey, proxyUrl }) => {
      const moduleUrl = '/clerk.mjs'
      const { Clerk } = await import(moduleUrl)
      const clerk = new Clerk(publishableKey, { proxyUrl })
      await clerk.load({ telemetry: false })
      Object.assign(window, { clerk })
      const attempt = await clerk.client.signIn.create({
        identifier: 'ada@example.test',
        password: 'lovelace-1815',
      })
      await clerk.setActive({ session: attempt.createdSessionId })
      return (await clerk.session.getToken({ template: 'supabase' })) as string
    },
    { publishableKey: rig.emulator.config.publishableKey, proxyUrl: rig.emulator.config.proxyUrl },
  )
  for (const options of [
    { jwtKey: rig.emulator.config.jwtKey },
    { secretKey: rig.emulator.config.secretKey, apiUrl: rig.emulator.config.apiUrl },
  ]) {
    const claims = await verifyToken(jwt, {
      ...options,
      audience: 'authenticated',
      authorizedParties: [rig.pages.origin],
    })
    expect(claims).toMatchObject({
      aud: 'authenticated',
      role: 'authenticated',
      email: 'ada@example.test',
      azp: rig.pages.origin,
    })
    expect(claims.exp - claims.iat).toBe(3600)
    expect(claims.iat - (claims.nbf ?? 0)).toBe(20)
    expect(claims).not.toHaveProperty('sid')
  }
  await expect(
    verifyToken(jwt, { jwtKey: rig.emulator.config.jwtKey, audience: 'someone-else' }),
  ).rejects.toThrow()
  await clerk.jwtTemplates.delete(template.id)
  const after = await page.evaluate(async () => {
    try {
      // Past ClerkJS's token cache, which still holds the deleted template's token.
      await Reflect.get(window, 'clerk').session.getToken({ template: 'supabase', skipCache: true })
      return 'minted'
    } catch (error) {
      return String((error as { status?: number }).status ?? error)
    }
  })
  expect(after).toBe('404')
})
