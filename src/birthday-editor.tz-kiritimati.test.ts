// @vitest-environment happy-dom
// Runs with TZ=Pacific/Kiritimati (UTC+14), set by its Vitest project.
import { timeZoneCases } from './testing/timezone-cases.ts'

timeZoneCases('Pacific/Kiritimati', -14 * 60, '2024-01-02')
