/**
 * The handler on Node, for the package's `./server/node` entry: listen on a port (`startServer`),
 * adapt a handler to `node:http` (`toNodeListener`) and read the settings from the environment
 * (`settingsFromEnv`). The command line is `cli.ts`.
 */
export * from './start.ts'
