// An admin resets a user's authenticator app in the browser (issue 12 item 3): the person is
// signed out at once and sets up a new app at their next sign-in.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { contextAs, harness, newContext, setup } from './harness.mjs'

setup()

test("an admin resets a user's MFA", async () => {
  const h = harness()
  // The oversight officer has set up an authenticator app and is signed in.
  const theirs = await (await contextAs('oversight')).newPage()
  await theirs.goto('/')
  await h.expectSignedIn(theirs, 'oversight')

  const page = await (await contextAs('admin')).newPage()
  await page.goto('/admin')
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Users' }).click()])
  await page.getByLabel('Email address or name').fill(h.credentials('oversight').email)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Find' }).click()])
  await Promise.all([page.waitForNavigation(), page.locator('#users tbody a').first().click()])
  assert.equal((await page.locator('#mfa-status').textContent()).trim(), 'Set up')
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Reset the authenticator app' }).click()])
  const confirm = page.getByRole('button', { name: 'Reset authenticator app' })
  assert.match(await confirm.getAttribute('class'), /govuk-button--warning/)
  await Promise.all([page.waitForNavigation(), confirm.click()])
  assert.match(await page.locator('.govuk-notification-banner').textContent(), /authenticator app has been reset/)
  assert.equal((await page.locator('#mfa-status').textContent()).trim(), 'Not set up')

  // Their session has ended; signing in again leads them to set up a new app.
  await theirs.goto('/')
  assert.equal(new URL(theirs.url()).pathname, '/sign-in')
  const fresh = await (await newContext()).newPage()
  await h.submitPassword(fresh, 'oversight')
  assert.equal(new URL(fresh.url()).pathname, '/account/authenticator')
  await h.enrol(fresh, 'oversight')
  await h.continueAfterCodes(fresh)
  await h.expectSignedIn(fresh, 'oversight')
})
