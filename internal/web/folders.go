package web

import (
	"io/fs"
	"reflect"
	"sync"
)

// What is derived from an embedded folder (the parsed templates, the assets gzipped, their
// version) is worked out once per process and folder: a server makes one Handler, but the tests
// make hundreds, and parsing every page and gzipping every asset again was most of the cost of
// each. What is kept is only read afterwards (html/template executes in parallel safely).
// Only folders that are pointers are kept (frontend.Templates and frontend.Assets are); any
// other folder value, which might not be usable as a map key, is worked out each time.

type folderKey struct {
	folder fs.FS
	what   string
}

type derived[T any] struct {
	once sync.Once
	v    T
	err  error
}

var fromFolders sync.Map // folderKey -> *derived[T]

// onceFor returns make's result for folder and what, made on the first call only.
func onceFor[T any](folder fs.FS, what string, make func() (T, error)) (T, error) {
	if folder == nil || reflect.TypeOf(folder).Kind() != reflect.Pointer {
		return make()
	}
	v, _ := fromFolders.LoadOrStore(folderKey{folder, what}, &derived[T]{})
	d := v.(*derived[T])
	d.once.Do(func() { d.v, d.err = make() })
	return d.v, d.err
}
