// Signing in and out, for every demo role, with JavaScript on and off; setting up the
// authenticator app and signing in later with its code; and a wrong password.
//
// A code from the authenticator app is accepted once, so a second sign-in of the same user in
// the same 30 seconds waits for the next code. The order below keeps that to one wait: the
// administrator sets up the app with JavaScript off and signs in with a code with it on, the
// oversight officer the other way round.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { contextAs, currentStep, demoNames, harness, newContext, roles, setup, signIn, totp } from './harness.mjs'

setup()

const path = (page) => new URL(page.url()).pathname

async function signInAndOut (role, js) {
  const page = await (await newContext({ javaScriptEnabled: js })).newPage()
  await signIn(page, role)
  assert.equal(path(page), '/')
  assert.match(await page.locator('.moj-identity-bar__title').textContent(), new RegExp(demoNames[role]))
  assert.equal(await page.locator('h1').textContent(), 'Your work')

  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign out' }).click()])
  assert.equal(path(page), '/signed-out')
  assert.equal(await page.locator('h1').textContent(), 'You have signed out')
  // The session is over: the home page asks for a sign-in again.
  await page.goto('/')
  assert.equal(path(page), '/sign-in')
}

// Without JavaScript first: the administrator's first sign-in sets up the authenticator app.
for (const role of roles.filter((r) => r !== 'oversight')) {
  test(`${role} signs in and out with JavaScript off`, () => signInAndOut(role, false))
}

test('the oversight officer sets up an authenticator app, then signs in later with a code', async () => {
  const h = harness()
  const role = 'oversight'
  const first = await (await newContext()).newPage()
  await h.submitPassword(first, role)
  assert.equal(path(first), '/account/authenticator', 'the first sign-in sets up the app')
  assert.equal(await first.locator('h1').textContent(), 'Set up an authenticator app')
  assert.equal(await first.locator('.app-qr svg').count(), 1, 'a QR code drawn on the page')
  // Nothing else is open until the app is set up.
  await first.goto('/')
  assert.equal(path(first), '/account/authenticator')
  await h.enrol(first, role)
  assert.ok(h.recoveryCodes[role].length >= 8, `recovery codes shown: ${h.recoveryCodes[role]}`)
  await h.continueAfterCodes(first)
  await h.expectSignedIn(first, role)

  // Later, in another browser without JavaScript: the password, then a code.
  const later = await (await newContext({ javaScriptEnabled: false })).newPage()
  await h.submitPassword(later, role, { next: '/?from=test' })
  assert.equal(path(later), '/sign-in/code', 'a code, not the set-up page again')
  // A wrong code is refused with an error at the field.
  await later.locator('#code').fill(wrongCode(h.secrets[role]))
  await Promise.all([later.waitForNavigation(), later.getByRole('button', { name: 'Continue' }).click()])
  assert.equal(path(later), '/sign-in/code')
  assert.match(await later.locator('#code-error').textContent(), /not correct/)
  await h.enterCode(later, role) // waits for a code the server has not seen
  await h.expectSignedIn(later, role)
  assert.equal(path(later) + new URL(later.url()).search, '/?from=test', 'back to the page asked for')

  await Promise.all([later.waitForNavigation(), later.getByRole('button', { name: 'Sign out' }).click()])
  assert.equal(path(later), '/signed-out')
})

// With JavaScript on: the administrator now signs in with a code.
for (const role of roles.filter((r) => r !== 'oversight')) {
  test(`${role} signs in and out with JavaScript on`, () => signInAndOut(role, true))
}

// A code that is certainly not accepted now (nor the steps either side).
function wrongCode (secret) {
  const near = new Set([-1, 0, 1].map((d) => totp(secret, currentStep() + d)))
  for (let n = 0; ; n++) {
    const c = String(n).padStart(6, '0')
    if (!near.has(c)) return c
  }
}

test('a wrong password shows the error summary, focused when JavaScript runs', async () => {
  const h = harness()
  for (const js of [true, false]) {
    const page = await (await newContext({ javaScriptEnabled: js })).newPage()
    await h.submitPassword(page, 'viewer', { password: 'not-the-password' })
    assert.equal(path(page), '/sign-in')
    assert.match(await page.title(), /^Error: /)
    const summary = page.locator('.govuk-error-summary')
    assert.equal(await summary.count(), 1)
    assert.match(await summary.textContent(), /Enter a correct email address and password/)
    // The summary links to the field, and the typed email address is kept.
    assert.equal(await summary.locator('a').getAttribute('href'), '#email')
    assert.equal(await page.locator('#email').inputValue(), h.credentials('viewer').email)
    assert.equal(await page.locator('#password').inputValue(), '', 'the password is never sent back')
    const focused = await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'))
    assert.equal(focused, js, js ? 'GOV.UK Frontend moves focus to the error summary' : 'no script, no focus move')
  }
})

test('an empty form names each missing field', async () => {
  const page = await (await newContext()).newPage()
  await page.goto('/sign-in')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
  const items = (await page.locator('.govuk-error-summary__list a').allTextContents()).map((s) => s.trim())
  assert.deepEqual(items, ['Enter your email address', 'Enter your password'])
  assert.equal(await page.locator('#email-error').count(), 1)
  assert.equal(await page.locator('#password-error').count(), 1)
})

test('contextAs reuses one signed-in session', async () => {
  const page = await (await contextAs('agency_editor')).newPage()
  await page.goto('/')
  await harness().expectSignedIn(page, 'agency_editor')
  const again = await (await contextAs('agency_editor', { javaScriptEnabled: false })).newPage()
  await again.goto('/')
  await harness().expectSignedIn(again, 'agency_editor')
})
