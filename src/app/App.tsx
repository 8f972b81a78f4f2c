export function App() {
  return <main><h1>Keepsake</h1></main>
}
