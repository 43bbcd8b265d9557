// The warning before a session ends for lack of use (frontend/src/timeout.mjs), against a server
// whose sessions end after 24 idle seconds, so the warning comes after 12 (12 s of margin for the
// axe check and the click on a loaded machine; 16 s once proved too tight). The journeys only wait,
// so all four run side by side, in separate browser contexts: the file waits on the clock about
// 30 s rather than twice that.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkAxe, harness, newContext, setup } from './harness.mjs'

const IDLE = 24
setup({ env: { CASEREVIEW_SESSION_IDLE_TIMEOUT: `${IDLE}s` } })

const dialogOpen = (page) => page.evaluate(() => !!document.querySelector('dialog.app-timeout-dialog')?.open)
const focusInDialog = (page) => page.evaluate(() => !!document.activeElement?.closest('dialog.app-timeout-dialog'))
const path = (page) => new URL(page.url()).pathname + new URL(page.url()).search

async function stayThroughTheWarning () {
  const h = harness()
  const page = await (await newContext()).newPage()
  await h.signIn(page, 'viewer')
  // The page's clock starts at the last use of the session it knows of (kept in localStorage for
  // every tab), not when signIn returns: on a loaded machine signIn can return seconds later.
  const loaded = Number(await page.evaluate(() => localStorage.getItem('casereview.lastActivity')))
  assert.ok(loaded > 0 && loaded <= Date.now(), 'the page noted the last use of the session')
  assert.equal(await page.getAttribute('body', 'data-idle-seconds'), String(IDLE))
  assert.equal(await dialogOpen(page), false, 'no warning straight away')

  const dialog = page.getByRole('dialog', { name: 'You will be signed out soon' })
  await dialog.waitFor({ state: 'visible', timeout: IDLE * 1000 })
  const shownAfter = (Date.now() - loaded) / 1000
  assert.ok(shownAfter >= IDLE / 2 - 1, `shown after ${shownAfter} s, not before half the timeout`)
  assert.equal(await focusInDialog(page), true, 'focus moves into the dialog')
  assert.match(await dialog.textContent(), /we will sign you out in \d+ seconds? if you do nothing/)
  assert.equal(await dialog.getByRole('button', { name: 'Sign out' }).count(), 1)
  await checkAxe(page)

  const extend = page.waitForResponse((r) => new URL(r.url()).pathname === '/session/extend')
  await dialog.getByRole('button', { name: 'Stay signed in' }).click()
  assert.equal((await extend).status(), 204)
  assert.equal(await dialogOpen(page), false, 'the dialog closes')
  const extended = Date.now()

  // Past the moment the session would have ended without "Stay signed in": still here, and the
  // server agrees (the renewal really moved its idle clock on).
  const originalEnd = loaded + IDLE * 1000
  await page.waitForTimeout(Math.max(0, originalEnd - Date.now()) + 1500)
  assert.equal(path(page), '/', 'not signed out at the original time')
  const alive = await page.evaluate(async () => (await fetch('/session/extend', { credentials: 'same-origin' })).status)
  assert.equal(alive, 204, 'the server session outlived the original timeout')
  assert.ok(Date.now() - extended < IDLE * 1000)
}

async function timeOut () {
  const page = await (await newContext()).newPage()
  await harness().signIn(page, 'panel')
  await page.waitForURL('**/signed-out?reason=idle', { timeout: (IDLE + 5) * 1000 })
  assert.match(await page.locator('main').textContent(), /signed out because you had not done anything for a while/)
  await page.goto('/')
  assert.equal(new URL(page.url()).pathname, '/sign-in', 'the server ended the session too')
}

async function escapeThenSignOut () {
  const page = await (await newContext()).newPage()
  await harness().signIn(page, 'agency_editor')
  const dialog = page.getByRole('dialog', { name: 'You will be signed out soon' })
  await dialog.waitFor({ state: 'visible', timeout: IDLE * 1000 })
  const extend = page.waitForResponse((r) => new URL(r.url()).pathname === '/session/extend')
  await page.keyboard.press('Escape')
  assert.equal((await extend).status(), 204, 'Escape counts as "Stay signed in"')
  assert.equal(await dialogOpen(page), false)

  await dialog.waitFor({ state: 'visible', timeout: IDLE * 1000 })
  await Promise.all([page.waitForNavigation(), dialog.getByRole('button', { name: 'Sign out' }).click()])
  assert.equal(path(page), '/signed-out')
  assert.equal(await page.locator('h1').textContent(), 'You have signed out')
}

async function withoutJavaScript () {
  const page = await (await newContext({ javaScriptEnabled: false })).newPage()
  await harness().signIn(page, 'viewer')
  assert.equal(await page.locator('dialog').count(), 0)
  await page.waitForTimeout((IDLE + 1) * 1000)
  assert.equal(new URL(page.url()).pathname, '/', 'nothing moved the page')
  await page.goto('/')
  assert.equal(new URL(page.url()).pathname, '/sign-in')
}

// One test, because the harness closes every browser context after each test: two tests side by
// side would close each other's pages.
test('the warning comes before the timeout: "Stay signed in" (or Escape) renews the session, "Sign out" signs out; ' +
  'at the timeout the page goes to the signed-out page; without JavaScript the server alone ends the session', () =>
  Promise.all([stayThroughTheWarning(), escapeThenSignOut(), timeOut(), withoutJavaScript()]))
