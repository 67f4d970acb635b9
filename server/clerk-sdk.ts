/**
 * `@clerk/backend`, an (optional) peer dependency that only `birthday-editor/server` needs: loaded
 * here once, so that a project without it gets one error naming the package and the install
 * command when it imports `./server`, instead of a resolver error from deep inside the package.
 * The element's entry points never reach this file.
 */
import type * as Backend from '@clerk/backend'
import type * as BackendErrors from '@clerk/backend/errors'

type Sdk = typeof Backend
type SdkErrors = typeof BackendErrors

/** What importing `birthday-editor/server` throws when `@clerk/backend` is not installed. */
export const MISSING_BACKEND_MESSAGE =
  'birthday-editor/server needs @clerk/backend, an optional peer dependency: npm install @clerk/backend@3'

async function load(): Promise<[Sdk, SdkErrors]> {
  try {
    return await Promise.all([import('@clerk/backend'), import('@clerk/backend/errors')])
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(MISSING_BACKEND_MESSAGE, { cause: error })
    }
    throw error
  }
}

const [sdk, sdkErrors] = await load()

export const { createClerkClient, verifyToken } = sdk
export const { isClerkAPIResponseError } = sdkErrors
export type { User } from '@clerk/backend'
