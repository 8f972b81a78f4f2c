// The shared stylesheet first, so each view's own stylesheet comes after it and can refine it.
import './app/styles.css'
import { render } from 'solid-js/web'
import { App } from './app/App'
import { listenForInstallPrompt } from './state/installPrompt'

listenForInstallPrompt()
render(() => <App />, document.getElementById('root')!)
