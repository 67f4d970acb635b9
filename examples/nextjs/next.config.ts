import type { NextConfig } from 'next'

const config: NextConfig = {
  // This folder is the project root (the repository around it has its own lockfile).
  turbopack: { root: import.meta.dirname },
}

export default config
