// The explorer and the saved summaries (issue 12 item 1): a wide cross-tab scrolls sideways
// inside its own region while its heading stays put, the filters take several values with the
// search words, and the rename and delete pages of a saved summary; no axe-core violations at
// 1280 and 320 px, and no sideways scrolling of the page at 320 px.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkAxe, checkNoHorizontalScroll, contextAs, setup } from './harness.mjs'

setup()

const widths = [{ width: 1280, height: 900 }, { width: 320, height: 640 }]

async function check (page, name) {
  try {
    if (page.viewportSize().width === 320) await checkNoHorizontalScroll(page)
    await checkAxe(page)
  } catch (e) {
    e.message = `${name} at ${page.viewportSize().width} px: ${e.message}`
    throw e
  }
}

test('a wide cross-tab scrolls in its region and its heading stays put', async () => {
  const page = await (await contextAs('oversight', { viewport: widths[1] })).newPage()
  await page.goto('/explore?rows=theme&cols=oversight')
  const region = page.locator('.app-table-scroll:has(#crosstab)')
  const labelID = await region.getAttribute('aria-labelledby')
  assert.ok(labelID, 'the scrolling region is not labelled')
  const label = page.locator('#' + labelID)
  assert.match(await label.textContent(), /Recommendations by theme and oversight/)
  assert.equal(await region.locator('#' + labelID).count(), 0, 'the heading is inside the scrolling region')
  assert.equal(await page.locator('#crosstab').getAttribute('aria-labelledby'), labelID, 'the table is not named by the heading')
  const wide = await region.evaluate((el) => el.scrollWidth > el.clientWidth)
  assert.ok(wide, 'the cross-tab is not wider than the screen at 320 px')
  const before = await label.boundingBox()
  await region.evaluate((el) => { el.scrollLeft = el.scrollWidth })
  assert.ok(await region.evaluate((el) => el.scrollLeft > 0), 'the region did not scroll')
  const after = await label.boundingBox()
  assert.equal(after.x, before.x, 'the heading moved with the table')
  await check(page, 'explore cross-tab scrolled')
})

test('the explorer with several filters and words, and a saved summary renamed and deleted', async () => {
  for (const viewport of widths) {
    const page = await (await contextAs('oversight', { viewport })).newPage()
    await page.goto('/explore?rows=theme&cols=review_type&scope=local&scope=national&response=accepted&response=partially_accepted&q=training&flag=due_soon')
    assert.equal(await page.locator('input[name="scope"]:checked').count(), 2)
    assert.equal(await page.locator('#q').inputValue(), 'training')
    assert.ok(await page.locator('.moj-filter__selected a.moj-filter__tag').count() >= 6, 'the chosen filters are not tags')
    await check(page, 'explore with several filters')
    // Tick a second review type and apply: the address holds both, and the words.
    if (viewport.width === 1280) {
      const types = page.getByRole('group', { name: 'Review type', exact: true }).getByRole('checkbox')
      await types.nth(0).check()
      await types.nth(1).check()
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Apply filters' }).first().click()])
      assert.equal(new URL(page.url()).searchParams.getAll('type').length, 2, 'two review types are not in the address')
      assert.equal(new URL(page.url()).searchParams.get('q'), 'training')
    }

    await page.goto('/summaries/view?title=Training&section=headline&q=training')
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Save/ }).click()])
    const row = page.locator('#saved-summaries tr', { hasText: 'Training' }).first()
    await Promise.all([page.waitForNavigation(), row.getByRole('link', { name: /Rename/ }).click()])
    await check(page, 'rename a saved summary')
    await page.locator('#title').fill('')
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save the title' }).click()])
    await check(page, 'rename a saved summary with an error')
    await page.locator('#title').fill('Training for the board')
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save the title' }).click()])
    const renamed = page.locator('#saved-summaries tr', { hasText: 'Training for the board' }).first()
    await Promise.all([page.waitForNavigation(), renamed.getByRole('link', { name: /Delete/ }).click()])
    await check(page, 'delete a saved summary: confirm')
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Delete the summary' }).click()])
    assert.equal(await page.locator('#saved-summaries tr', { hasText: 'Training for the board' }).count(), 0)
    await check(page, 'saved summaries after deleting')
  }
})
