/**
 * The handler on Node, for the package's `./server/node` entry: listen on a port (`startServer`),
 * adapt a handler to `node:http` (`toNodeListener`) and read the settings from the environment
 * (`settingsFromEnv`). The command line is `cli.ts`.
 */
export { toNodeListener } from './adapter.ts'
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  settingsFromEnv,
  startServer,
  type StartedServer,
  type StartOptions,
} from './start.ts'
