// Package importer gathers the importers: actionplan (action-plan spreadsheets), bulkjson (bulk
// JSON, a whole instance's state) and pfdimport (the coroners' prevention of future deaths
// corpus). Each turns its source into casereview.ReviewBundle values for the store's one import
// path (store.ImportBundles), which matches, diffs, audits and journals them in one transaction.
package importer
