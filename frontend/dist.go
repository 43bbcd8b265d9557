// Package frontend holds the web UI's templates and, once `make` has run the npm build, its
// assets in dist/ (GOV.UK Frontend, MOJ Frontend and our own CSS and JS). Both are embedded in
// the binary, so a deployment is one file that asks no other host for anything.
package frontend

import (
	"embed"
	"io/fs"
	"sync"
)

// The pattern dist* matches this file as well as the built dist/ folder, so the package still
// compiles on a fresh clone before the assets have been built (the pages then come unstyled,
// and Assets reports Built false). `make run`, `make test` and `make build` build them first.
//
//go:embed templates dist*
var files embed.FS

// Templates is the templates folder: the same value on every call, so that what is parsed from
// it once can be found again by it (internal/web parses each folder once per process).
func Templates() fs.FS { return templates() }

var templates = sync.OnceValue(func() fs.FS { return sub("templates") })

// Assets is the built dist folder (empty when it has not been built), the same value on every
// call, as Templates is.
func Assets() fs.FS { return assets() }

var assets = sync.OnceValue(func() fs.FS { return sub("dist") })

// Built reports whether the assets were built into this binary.
func Built() bool {
	_, err := fs.Stat(files, "dist/govuk-frontend.min.css")
	return err == nil
}

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // fs.Sub fails only on an invalid path, and these are constants
	}
	return f
}
