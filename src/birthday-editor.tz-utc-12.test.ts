// @vitest-environment happy-dom
// Runs with TZ=Etc/GMT+12 (UTC−12: POSIX signs are reversed), set by its Vitest project.
import { timeZoneCases } from './testing/timezone-cases.ts'

timeZoneCases('Etc/GMT+12', 12 * 60, '2023-12-31')
