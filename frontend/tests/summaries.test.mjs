// An oversight officer builds a stalking summary for two periods, reads the comparison and
// downloads it in three formats: CSV, XLSX and a PDF printed on A4 (issue 12 item 1).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { contextAs, setup } from './harness.mjs'

setup()

function hasPdftotext () {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

test('an oversight officer builds a stalking summary for two periods and downloads it', async (t) => {
  const page = await (await contextAs('oversight')).newPage()
  await page.goto('/summaries/new')
  await page.getByLabel('Title').fill('Stalking: what reviews have told agencies')
  await page.getByLabel('Financial year').selectOption('2022')
  await page.getByLabel('Compare with the previous period of the same length').check()
  const themes = page.getByRole('group', { name: 'Theme', exact: true })
  const stalking = themes.getByRole('checkbox', { name: /stalking/i, includeHidden: true }).first()
  assert.equal(await stalking.count(), 1, 'no stalking theme to choose')
  if (!(await stalking.isVisible())) await themes.locator('details summary').click() // among "more"
  await stalking.check()
  await page.getByLabel('Key findings').fill('Agencies were asked to train staff to recognise stalking.\nMost of it is not yet verified.')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show the summary' }).click()])

  assert.equal(await page.locator('#summary-title').textContent(), 'Stalking: what reviews have told agencies')
  assert.match(await page.locator('#summary-period').textContent(), /financial year 2022 to 2023/)
  assert.match(await page.locator('#summary-previous').textContent(), /financial year 2021 to 2022/)
  const figure = async (id, col) => Number(await page.locator(`#compare-${id} td[data-period="${col}"]`).textContent())
  const thisYear = await figure('recommendations', 'this')
  const lastYear = await figure('recommendations', 'previous')
  assert.ok(thisYear + lastYear > 0, 'the demo data has no stalking recommendations in 2021-23')
  const change = await page.locator('#compare-recommendations td').last().textContent()
  assert.equal(change, thisYear > lastYear ? `up ${thisYear - lastYear}` : thisYear < lastYear ? `down ${lastYear - thisYear}` : 'no change')
  assert.match(await page.locator('#summary-findings').textContent(), /recognise stalking/)
  const listRows = await page.locator('table[data-table="Recommendations"] tbody tr').count()
  assert.equal(listRows, thisYear, 'the list has one row per recommendation of the period')

  const csv = await Promise.all([page.waitForEvent('download'), page.locator('#download-csv').click()]).then(([d]) => d)
  const csvText = readFileSync(await csv.path(), 'utf8')
  assert.match(csv.suggestedFilename(), /\.csv$/)
  assert.match(csvText, /Comparison/)
  assert.match(csvText, /Recommendation/)
  const xlsx = await Promise.all([page.waitForEvent('download'), page.locator('#download-xlsx').click()]).then(([d]) => d)
  const xlsxBytes = readFileSync(await xlsx.path())
  assert.match(xlsx.suggestedFilename(), /\.xlsx$/)
  assert.equal(xlsxBytes.subarray(0, 2).toString(), 'PK', 'the XLSX is not a zip workbook')

  await page.emulateMedia({ media: 'print' })
  assert.equal(await page.locator('#download-csv').isVisible(), false, 'the download links are printed')
  const pdf = await page.pdf({ format: 'A4' })
  assert.equal(pdf.subarray(0, 4).toString(), '%PDF')
  if (!hasPdftotext()) {
    assert.ok(!process.env.CASEREVIEW_REQUIRE_PDFTOTEXT, 'pdftotext is required here (CASEREVIEW_REQUIRE_PDFTOTEXT) and not installed')
    t.diagnostic('pdftotext is not installed: the check that the PDF shows every column of the list is skipped')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'summary-'))
  writeFileSync(join(dir, 's.pdf'), pdf)
  const text = execFileSync('pdftotext', ['-layout', join(dir, 's.pdf'), '-']).toString()
  for (const h of await page.locator('table[data-table="Recommendations"] thead th').allTextContents()) {
    assert.ok(text.includes(h.trim()), `the printed page cuts off the column "${h.trim()}"`)
  }
})
