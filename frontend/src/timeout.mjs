// Warns a signed-in person before their session ends for lack of use (WCAG 2.2.1 Timing
// Adjustable): a modal dialog two minutes before (half the time for very short timeouts) with
// "Stay signed in", which asks the server to renew the session, and "Sign out". At the timeout
// the page goes to /signed-out?reason=idle, so nothing personal stays on screen.
//
// The layout gives <body data-idle-seconds> only to signed-in pages; without JavaScript nothing
// changes (the server ends the session on its own and the next click asks for a sign-in).
// Several tabs share one clock through localStorage: use in any tab counts for all of them.

const KEY = 'casereview.lastActivity'
const LEAD_SECONDS = 120

export function initTimeoutWarning (doc = document) {
  const body = doc.body
  const idle = Number(body?.dataset.idleSeconds)
  if (!idle || idle <= 0 || typeof HTMLDialogElement !== 'function') return null
  const win = doc.defaultView
  const lead = Math.min(LEAD_SECONDS, Math.floor(idle / 2))
  let last = Date.now() // this page's request just used the session
  let timer = null
  let ticker = null
  let dialog = null
  let ended = false

  const store = (t) => { try { win.localStorage.setItem(KEY, String(t)) } catch { /* private mode: one tab only */ } }
  const stored = () => { try { return Number(win.localStorage.getItem(KEY)) || 0 } catch { return 0 } }
  store(last)

  const deadline = () => last + idle * 1000

  function schedule () {
    clearTimeout(timer)
    if (ended) return
    const now = Date.now()
    last = Math.max(last, stored())
    if (now >= deadline()) return signedOut()
    const warnAt = deadline() - lead * 1000
    if (now >= warnAt) {
      open()
      timer = setTimeout(schedule, Math.min(deadline() - now, 1000))
    } else {
      if (dialog?.open) close()
      timer = setTimeout(schedule, Math.min(warnAt - now, 60000))
    }
  }

  function signedOut () {
    ended = true
    clearInterval(ticker)
    win.location.assign('/signed-out?reason=idle')
  }

  async function staySignedIn () {
    try {
      const res = await win.fetch('/session/extend', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/html' } })
      if (res.status !== 204) return signedOut() // the session had already ended
    } catch {
      return // offline: keep the warning up; the timer still runs
    }
    last = Date.now()
    store(last)
    close()
    schedule()
  }

  function remaining () {
    const s = Math.max(0, Math.ceil((deadline() - Date.now()) / 1000))
    if (s >= 90) return `${Math.round(s / 60)} minutes`
    if (s >= 60) return '1 minute'
    return s === 1 ? '1 second' : `${s} seconds`
  }

  function build () {
    const d = doc.createElement('dialog')
    d.className = 'app-timeout-dialog'
    d.setAttribute('aria-labelledby', 'app-timeout-title')
    d.setAttribute('aria-describedby', 'app-timeout-text')
    const h = doc.createElement('h2')
    h.className = 'govuk-heading-m'
    h.id = 'app-timeout-title'
    h.textContent = 'You will be signed out soon'
    const p = doc.createElement('p')
    p.className = 'govuk-body'
    p.id = 'app-timeout-text'
    p.append('To protect the information in this service, we will sign you out in ')
    const count = doc.createElement('strong')
    count.className = 'app-timeout-dialog__count'
    p.append(count, ' if you do nothing. Anything you have not saved will be lost.')
    const group = doc.createElement('div')
    group.className = 'govuk-button-group'
    const stay = doc.createElement('button')
    stay.type = 'button'
    stay.className = 'govuk-button'
    stay.textContent = 'Stay signed in'
    stay.addEventListener('click', staySignedIn)
    group.append(stay)
    // Sign out posts the form the header's sign-out button uses, with the same CSRF token.
    const token = doc.querySelector('form[action="/sign-out"] input[name="csrf_token"]')?.value
    if (token) {
      const form = doc.createElement('form')
      form.method = 'post'
      form.action = '/sign-out'
      const hidden = doc.createElement('input')
      hidden.type = 'hidden'
      hidden.name = 'csrf_token'
      hidden.value = token
      const out = doc.createElement('button')
      out.type = 'submit'
      out.className = 'govuk-button govuk-button--secondary'
      out.textContent = 'Sign out'
      form.append(hidden, out)
      group.append(form)
    }
    d.append(h, p, group)
    // Escape closes a modal dialog: take that as "Stay signed in", as the close means "I am here".
    d.addEventListener('cancel', (e) => { e.preventDefault(); staySignedIn() })
    body.append(d)
    return d
  }

  function open () {
    if (dialog?.open) return
    dialog ??= build()
    const count = dialog.querySelector('.app-timeout-dialog__count')
    count.textContent = remaining()
    clearInterval(ticker)
    ticker = setInterval(() => { count.textContent = remaining() }, 1000)
    dialog.showModal()
    dialog.querySelector('button').focus()
  }

  function close () {
    clearInterval(ticker)
    if (dialog?.open) dialog.close()
  }

  // Another tab was used: this one's clock moves on too.
  win.addEventListener('storage', (e) => { if (e.key === KEY) schedule() })
  // Timers sleep with the computer and are slowed in background tabs: look again on return.
  doc.addEventListener('visibilitychange', () => { if (doc.visibilityState === 'visible') schedule() })
  schedule()
  return { deadline, lead }
}
