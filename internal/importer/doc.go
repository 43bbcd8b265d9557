// Package importer gathers the importers: actionplan (action-plan spreadsheets), bulkjson (bulk
// JSON, a whole instance's state) and pfdimport (the coroners' prevention of future deaths
// corpus). Each turns its source into casereview.ReviewBundle values for the one import path
// (casereview.ImportService.ImportBundles, served by internal/store/imports), which matches,
// diffs, audits and journals them in one transaction. Jobs runs imports in the background for
// both front ends, bounded by a Gate.
package importer
