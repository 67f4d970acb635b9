import { createApp } from 'vue'
import App from './App.vue'
import { clerk } from './clerk.ts'
import SignInForm from './SignInForm.vue'

createApp(App).mount('#app')
createApp(SignInForm, { clerk: clerk.value }).mount('#sign-in')
