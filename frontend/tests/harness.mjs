// The browser-test harness: starts the real server binary on fictional demo data in a fresh data
// folder, drives Debian's Chromium through playwright-core, and signs people in through the pages
// exactly as a person would (password, then the authenticator app's code, computed here).
//
// In a test file (node:test):
//
//   import { test } from 'node:test'
//   import { setup, newContext, signIn, checkAxe } from './harness.mjs'
//   setup()                                   // one server and one browser for this file
//   test('the viewer sees their work', async () => {
//     const page = await (await newContext()).newPage()
//     await signIn(page, 'viewer')
//     await checkAxe(page)
//   })
//
// Every context made by newContext is closed after each test, and the test fails when any page
// asked a host other than the server for anything, or threw a JavaScript error, or broke the
// Content-Security-Policy. See README.md in this folder.
import { spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, afterEach, before } from 'node:test'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))

/** axe-core's script, put into the pages that checkAxe checks. */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** The server binary: CASEREVIEW_BIN, or bin/casereview of this repository (`make build`). */
export const serverBinary = resolve(process.env.CASEREVIEW_BIN || join(here, '../../bin/casereview'))
/** Debian's Chromium (never a downloaded browser): CHROMIUM_PATH, or /usr/bin/chromium. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** The demo users, by the role named in demo-credentials.txt, with the name the header shows. */
export const demoNames = {
  admin: 'Demo Admin',
  oversight: 'Demo Oversight Officer',
  panel: 'Demo Panel Member',
  agency_editor: 'Demo Agency Editor',
  viewer: 'Demo Viewer'
}
export const roles = Object.keys(demoNames)

/** The axe-core rule tags every page must pass. */
export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
/** Best-practice rules run as well: content outside landmarks, and skipped heading levels. */
export const axeExtraRules = ['region', 'heading-order']

// ---------------------------------------------------------------------------------------------
// The server

/**
 * Starts `casereview serve` with the demo data in a new temporary data folder, on a port the
 * system picks, and resolves once it logs the URL it listens on. env adds or overrides
 * variables (for example CASEREVIEW_SESSION_IDLE_TIMEOUT); no other CASEREVIEW_* variable of
 * the caller's environment reaches it, so a developer's settings cannot change the tests.
 */
export async function startServer ({ env = {}, timeoutMs = 30000 } = {}) {
  if (!existsSync(serverBinary)) {
    throw new Error(`no server binary at ${serverBinary}: run \`make build\` (or set CASEREVIEW_BIN)`)
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'casereview-browser-'))
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CASEREVIEW_')))
  const child = spawn(serverBinary, ['serve'], {
    env: {
      ...base,
      CASEREVIEW_DEMO: 'true',
      CASEREVIEW_DATA_DIR: dataDir,
      CASEREVIEW_ADDR: '127.0.0.1:0',
      CASEREVIEW_LOG_LEVEL: 'info',
      CASEREVIEW_LOG_FORMAT: 'text',
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const log = []
  let exited = null
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited) }))
  // If this process dies without calling stop, do not leave the server behind.
  const killOnExit = () => { try { child.kill('SIGKILL') } catch {} }
  process.on('exit', killOnExit)

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${timeoutMs} ms:\n${log.join('\n')}`)), timeoutMs)
    let pending = ''
    const onData = (chunk) => {
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop()
      for (const line of lines) {
        log.push(line)
        // time=… level=INFO msg=listening url=http://127.0.0.1:40321 version=…
        const m = /msg=listening url=(http:\/\/\S+)/.exec(line)
        if (m) { clearTimeout(timer); resolve(m[1]) }
      }
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    exit.then((e) => { clearTimeout(timer); reject(new Error(`the server exited (${JSON.stringify(e)}) before listening:\n${log.join('\n')}`)) })
  })

  const credentials = readCredentials(join(dataDir, 'demo-credentials.txt'))
  return {
    url,
    dataDir,
    credentials,
    log,
    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its data folder. */
    async stop () {
      if (!exited) {
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 10000)
        await exit
        clearTimeout(t)
      }
      process.off('exit', killOnExit)
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** Reads demo-credentials.txt: lines of "role  email  password". */
export function readCredentials (path) {
  const creds = {}
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^(\w+)\s+(\S+@\S+)\s+(\S+)\s*$/.exec(line)
    if (m) creds[m[1]] = { email: m[2], password: m[3] }
  }
  for (const r of roles) {
    if (!creds[r]) throw new Error(`${path} has no ${r} user`)
  }
  return creds
}

/** Launches Debian's Chromium, headless. */
export async function launchBrowser () {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is not at ${chromiumPath}: install Debian's chromium package (make test-browser does it as root) or set CHROMIUM_PATH`)
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, chromiumSandbox: false, args: ['--disable-gpu', '--disable-dev-shm-usage'] })
}

// ---------------------------------------------------------------------------------------------
// The authenticator app (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits)

/** Decodes the base32 key shown on /account/authenticator (any case; spaces and dashes ignored). */
export function base32Decode (text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const s = text.toUpperCase().replace(/[\s-]/g, '').replace(/=+$/, '')
  let bits = 0
  let value = 0
  const out = []
  for (const ch of s) {
    const v = alphabet.indexOf(ch)
    if (v < 0) throw new Error(`not base32: ${JSON.stringify(text)}`)
    value = (value << 5) | v
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** The current RFC 6238 time step. */
export function currentStep (now = Date.now()) { return Math.floor(now / 30000) }

/** The 6-digit code of secret for a time step (RFC 4226 HOTP of the step counter). */
export function totp (secret, step = currentStep()) {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(step))
  const sum = createHmac('sha1', base32Decode(secret)).update(msg).digest()
  const off = sum[sum.length - 1] & 0x0f
  const bin = sum.readUInt32BE(off) & 0x7fffffff
  return String(bin % 1000000).padStart(6, '0')
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// ---------------------------------------------------------------------------------------------
// The harness: one server and one browser

export class Harness {
  constructor (server, browser) {
    this.server = server
    this.browser = browser
    this.url = server.url
    this.origin = new URL(server.url).origin
    this.secrets = {} // role → authenticator key, once enrolled
    this.lastStep = {} // role → the last time step whose code the server accepted
    this.recoveryCodes = {} // role → the codes shown at enrolment
    this.contexts = []
  }

  /** Starts a server (env as for startServer) and the browser. */
  static async start (opts = {}) {
    const server = await startServer(opts)
    try {
      return new Harness(server, await launchBrowser())
    } catch (e) {
      await server.stop()
      throw e
    }
  }

  async stop () {
    await this.closeContexts()
    await this.browser?.close()
    await this.server?.stop()
  }

  /**
   * A new browser context (a fresh cookie jar) whose pages resolve relative URLs against the
   * server. Options are Playwright's (javaScriptEnabled, viewport …). Requests to any other
   * host are recorded (and fail the test), as are page errors and Content-Security-Policy violations;
   * checkContexts (run after each test by setup) fails on any.
   */
  async newContext (options = {}) {
    const ctx = await this.browser.newContext({ baseURL: this.url, viewport: { width: 1280, height: 900 }, ...options })
    const problems = []
    ctx.problems = problems
    // Watched, not intercepted: routing every request through Playwright would turn off the
    // browser's cache, so each page would fetch the style sheets, scripts and fonts again.
    ctx.on('request', (req) => {
      const u = new URL(req.url())
      if (u.origin === this.origin || u.protocol === 'data:' || u.protocol === 'blob:') return
      problems.push(`a request left our origin: ${req.method()} ${u.href}`)
    })
    ctx.on('page', (page) => this.watchPage(page, problems))
    this.contexts.push(ctx)
    return ctx
  }

  watchPage (page, problems) {
    page.on('pageerror', (err) => problems.push(`JavaScript error on ${page.url()}: ${err.message}`))
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
        problems.push(`Content-Security-Policy violation on ${page.url()}: ${msg.text()}`)
      }
    })
  }

  /** Closes every context and throws when any of them saw a problem. */
  async checkContexts () {
    const problems = this.contexts.flatMap((c) => c.problems)
    await this.closeContexts()
    if (problems.length) throw new Error('The browser saw problems:\n  ' + problems.join('\n  '))
  }

  async closeContexts () {
    const open = this.contexts
    this.contexts = []
    await Promise.all(open.map((c) => c.close().catch(() => {})))
  }

  credentials (role) {
    const c = this.server.credentials[role]
    if (!c) throw new Error(`no demo user with role ${role} (want one of ${roles.join(', ')})`)
    return c
  }

  /**
   * Signs role's demo user in through the pages: the password, then either setting up the
   * authenticator app (first time) or entering its code. Works with JavaScript on or off.
   * Resolves once a signed-in page (with the header naming the person) is showing.
   * opts.next: the page to land on (as /sign-in?next=…).
   */
  async signIn (page, role, { next } = {}) {
    await this.submitPassword(page, role, { next })
    const path = new URL(page.url()).pathname
    if (path === '/account/authenticator') {
      await this.enrol(page, role)
      await this.continueAfterCodes(page)
    } else if (path === '/sign-in/code') {
      await this.enterCode(page, role)
    }
    await this.expectSignedIn(page, role)
  }

  /** Opens the sign-in page and submits role's email address and password. */
  async submitPassword (page, role, { next, password } = {}) {
    const c = this.credentials(role)
    await page.goto(next ? '/sign-in?next=' + encodeURIComponent(next) : '/sign-in')
    await page.locator('#email').fill(c.email)
    await page.locator('#password').fill(password ?? c.password)
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
  }

  /**
   * On /account/authenticator: reads the key from #secret, enters the current code and resolves
   * on the recovery codes page (the codes are kept in recoveryCodes[role]).
   */
  async enrol (page, role) {
    const secret = (await page.locator('#secret').textContent()).trim()
    this.secrets[role] = secret
    const step = await this.freshStep(role)
    await page.locator('#code').fill(totp(secret, step))
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()])
    if (!(await page.locator('#recovery-codes').count())) {
      throw new Error(`enrolment failed for ${role}: ${await describe(page)}`)
    }
    this.lastStep[role] = step
    this.recoveryCodes[role] = (await page.locator('#recovery-codes code').allTextContents()).map((s) => s.trim())
  }

  /** On the recovery codes page: follows "I have saved my codes, continue". */
  async continueAfterCodes (page) {
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'I have saved my codes, continue' }).click()])
  }

  /**
   * On /sign-in/code: enters a code the server has not seen yet. A code is accepted only once,
   * so when this user's last code was of the current 30-second step this waits for the next.
   */
  async enterCode (page, role) {
    const secret = this.secrets[role]
    if (!secret) throw new Error(`${role} has not set up an authenticator app in this harness`)
    const step = await this.freshStep(role)
    await page.locator('#code').fill(totp(secret, step))
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()])
    if (new URL(page.url()).pathname === '/sign-in/code') {
      throw new Error(`the code was refused for ${role}: ${await describe(page)}`)
    }
    this.lastStep[role] = step
  }

  /**
   * A time step later than role's last used one that the server accepts now: the current step,
   * or the next (the server accepts one step of clock skew either side), so two sign-ins of one
   * person within 30 seconds need not wait. Only a third waits for the clock.
   */
  async freshStep (role) {
    const last = this.lastStep[role] ?? -1
    for (;;) {
      const step = currentStep()
      if (step > last) return step
      // The next step: whether or not the clock moves on a step before the server checks it,
      // it lies within the skew.
      if (step + 1 > last) return step + 1
      const wait = (step + 1) * 30000 - Date.now() + 100
      console.error(`harness: waiting ${Math.round(wait / 1000)} s for a fresh authenticator code for ${role}`)
      await sleep(wait)
    }
  }

  /** Fails unless the page shows role's user as signed in. */
  async expectSignedIn (page, role) {
    const bar = page.locator('.moj-identity-bar__title')
    await bar.waitFor({ state: 'attached', timeout: 5000 }).catch(() => {})
    if (!(await bar.count()) || !(await bar.textContent()).includes(demoNames[role])) {
      throw new Error(`${role} is not signed in: ${await describe(page)}`)
    }
  }

  /**
   * A context with role already signed in (the whole journey the first time; afterwards the
   * same session's cookies, so a test can open signed-in pages without another sign-in — and
   * without waiting for a fresh authenticator code). Do not sign out in such a context.
   */
  async contextAs (role, options = {}) {
    this.sessions ??= {}
    if (!this.sessions[role]) {
      const ctx = await this.newContext()
      const page = await ctx.newPage()
      await this.signIn(page, role)
      this.sessions[role] = await ctx.storageState()
    }
    return this.newContext({ ...options, storageState: this.sessions[role] })
  }

  /** Runs axe-core with the WCAG 2.2 AA tags and throws listing every violation. */
  async checkAxe (page, { exclude = [], disableRules = [] } = {}) {
    // axe-core's 550 kB script reaches the page once per context: the context's first check
    // evaluates it in the page and asks Chromium to put it into every page the context loads
    // from then on (an init script, which Chromium keeps), so later checks send no script over
    // the DevTools protocol and compile none (a third of a check's time, measured). axe.run is
    // called in the page itself: no cross-origin frames to merge (the harness fails any request
    // to another host).
    const ctx = page.context()
    if (!ctx.axeLoaded) {
      ctx.axeLoaded = true
      await ctx.addInitScript({ content: axeSource })
    }
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource)
    // Two best-practice rules on top of WCAG's: every piece of content inside a landmark, and
    // headings that go down one level at a time.
    // resultTypes: only violations are read, so axe need not describe every node that passed
    // (working out a unique selector for each is half the time of a check on a long page).
    const rules = Object.fromEntries([...axeExtraRules.map((r) => [r, { enabled: true }]), ...disableRules.map((r) => [r, { enabled: false }])])
    const options = { runOnly: { type: 'tag', values: axeTags }, resultTypes: ['violations'], rules }
    const t0 = Date.now()
    const found = await page.evaluate(([exclude, options]) =>
      window.axe.run(exclude.length ? { exclude: exclude.map((sel) => [sel]) } : document, options).then((r) => r.violations),
    [exclude, options])
    const violations = withoutKnownIssues(found)
    if (process.env.AXE_TIMES) console.error(`AXE ${Date.now() - t0} ms ${page.viewportSize()?.width} ${page.url()}`)
    if (violations.length) {
      const lines = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n      ${v.helpUrl}\n` +
        v.nodes.map((n) => `      at ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`).join('\n'))
      throw new Error(`${violations.length} accessibility violation(s) on ${page.url()}:\n    ${lines.join('\n    ')}`)
    }
  }

  /** Fails when the page scrolls sideways at its current width. */
  async checkNoHorizontalScroll (page) {
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }))
    if (scroll > width) {
      const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > w + 0.5)
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`), width)
      throw new Error(`${page.url()} scrolls sideways at ${width} px (scrollWidth ${scroll}); widest: ${wide.join(', ')}`)
    }
  }
}

// axe-core reports on the GOV.UK Frontend's own markup that we cannot change without losing what
// it is for. Each exception names the rule, the elements and the attribute exactly; anything else
// on those elements, or the same rule anywhere else, still fails.
//
// Conditional reveals: govuk-frontend's radios and checkboxes script turns data-aria-controls into
// aria-controls and sets aria-expanded on the <input type="radio|checkbox"> that shows or hides
// the conditional content. ARIA 1.2 does not list aria-expanded for the radio and checkbox roles,
// so axe-core's aria-allowed-attr fails it; GOV.UK keep it on purpose, because screen readers
// announce "expanded"/"collapsed" and user research found people need that cue
// (https://github.com/alphagov/govuk-frontend/issues/979). Without the attribute the reveal would
// be silent to screen-reader users, so we keep their markup and except exactly this.
const knownIssues = [
  {
    rule: 'aria-allowed-attr',
    element: /^<input\b(?=[^>]*\bclass="govuk-(?:radios|checkboxes)__input")(?=[^>]*\btype="(?:radio|checkbox)")(?=[^>]*\baria-controls="[^"]+")[^>]*>$/,
    attribute: /^aria-expanded="(?:true|false)"$/
  }
]

/** The violations left once the known issues above are taken out, node by node. */
export function withoutKnownIssues (violations) {
  const out = []
  for (const v of violations) {
    const nodes = v.nodes.filter((n) => !knownIssues.some((k) => k.rule === v.id && k.element.test(n.html) &&
      [...n.any, ...n.all, ...n.none].every((c) => c.id !== v.id || onlyAttributes(c, k.attribute))))
    if (nodes.length) out.push({ ...v, nodes })
  }
  return out
}

// Whether a failed check names attributes, every one matching re (data is ["…"] or { values: ["…"] }).
function onlyAttributes (check, re) {
  const values = Array.isArray(check.data) ? check.data : check.data?.values
  return Array.isArray(values) && values.length > 0 && values.every((d) => re.test(d))
}

/** A short account of what the page shows, for failure messages. */
export async function describe (page) {
  const h1 = await page.locator('h1').first().textContent().catch(() => '')
  const errors = await page.locator('.govuk-error-summary__list li').allTextContents().catch(() => [])
  return `${page.url()} "${(h1 || '').trim()}"${errors.length ? ' errors: ' + errors.map((s) => s.trim()).join('; ') : ''}`
}

// ---------------------------------------------------------------------------------------------
// node:test glue: one harness per test file (each file runs in its own process)

let current = null

/**
 * Registers hooks that start a server and browser before this file's tests, check and close
 * every context after each test, and stop everything at the end. Returns a getter for the
 * harness (h() inside a test).
 */
export function setup (opts = {}) {
  before(async () => { current = await Harness.start(opts) })
  afterEach(async () => { await current?.checkContexts() })
  after(async () => { await current?.stop(); current = null })
  return () => harness()
}

/** The harness of this file (after setup's before hook ran). */
export function harness () {
  if (!current) throw new Error('call setup() at the top of the test file first')
  return current
}

export const newContext = (options) => harness().newContext(options)
export const contextAs = (role, options) => harness().contextAs(role, options)
export const signIn = (page, role, opts) => harness().signIn(page, role, opts)
export const checkAxe = (page, opts) => harness().checkAxe(page, opts)
export const checkNoHorizontalScroll = (page) => harness().checkNoHorizontalScroll(page)
