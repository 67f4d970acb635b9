import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [
    // <birthday-editor> is a custom element, not a Vue component.
    vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'birthday-editor' } } }),
  ],
  // The example's second page: the same app with Clerk kept in ref(), the mistake the element survives.
  build: { rollupOptions: { input: ['index.html', 'ref.html'] } },
  // The handler (`npx birthday-editor server`) behind the app's own /api, when it runs beside it.
  preview: { proxy: { '/api': process.env.BIRTHDAY_HANDLER_URL ?? 'http://127.0.0.1:8787' } },
})
