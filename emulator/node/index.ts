/**
 * The emulator's Node-only helpers, for the package's `./emulator/node` entry: listen on a port
 * (`startEmulator`), adapt the app to Node's `http` (`toNodeListener`) and keep the signing key and
 * users in a folder (`openEmulatorFiles`).
 */
export { startEmulator, type StartOptions, type StartedEmulator } from './start.ts'
export { toNodeListener, type FetchFunction } from './adapter.ts'
export { openEmulatorFiles, EmulatorFileError, type EmulatorFiles } from './files.ts'
