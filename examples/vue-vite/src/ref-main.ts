import { createApp } from 'vue'
import RefApp from './RefApp.vue'

createApp(RefApp).mount('#app')
