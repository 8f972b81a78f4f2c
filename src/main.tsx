import { render } from 'solid-js/web'
import { App } from './app/App'
import { listenForInstallPrompt } from './state/installPrompt'
import './app/styles.css'

listenForInstallPrompt()
render(() => <App />, document.getElementById('root')!)
