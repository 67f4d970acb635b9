import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
const names = process.argv[2]
const r = await build({ entryPoints: ['src/define.ts'], bundle: true, minify: true, format: 'esm', target: 'es2022', write: false, legalComments: 'none', ...(names ? { mangleProps: new RegExp(`^(${names})$`) } : {}) })
console.log(gzipSync(r.outputFiles[0]!.text, { level: 9 }).length)
