/**
 * The page's Trusted Types default policy, installed before ClerkJS loads. ClerkJS starts its
 * token-refresh worker from a `blob:` URL it creates itself; under `require-trusted-types-for
 * 'script'` that needs a policy. This one admits exactly same-origin `blob:` script URLs and refuses
 * everything else (HTML and script strings included). `<birthday-editor>` itself needs no policy.
 */
interface TrustedTypePolicyFactoryLike {
  createPolicy(name: string, rules: { createScriptURL(input: string): string }): unknown
}

const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactoryLike }).trustedTypes

factory?.createPolicy('default', {
  createScriptURL(input: string): string {
    if (input.startsWith(`blob:${location.origin}/`)) return input
    throw new TypeError(`Trusted Types: script URL refused: ${input.slice(0, 60)}`)
  },
})
