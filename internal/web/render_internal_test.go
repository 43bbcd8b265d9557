package web

import (
	"html/template"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

func pagesFS(second string) fstest.MapFS {
	return fstest.MapFS{
		"layout.html":         {Data: []byte(`{{define "layout"}}<main>{{template "content" .}}</main>{{end}}`)},
		"partials/hello.html": {Data: []byte(`{{define "hello"}}Hello {{.}}{{end}}`)},
		"pages/one.html":      {Data: []byte(`{{define "content"}}one: {{template "hello" .}}{{end}}`)},
		"pages/two.html":      {Data: []byte(second)},
	}
}

// Every page is checked when the set is made, but kept only once it is rendered: a clone of the
// layout and partials per page, made at start for every page, was a fixed 24 MB of heap.
func TestPagesParseOnFirstUse(t *testing.T) {
	s, err := parsePages(pagesFS(`{{define "content"}}two{{end}}`), template.FuncMap{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.parsed) != 0 {
		t.Fatalf("%d pages kept before any was rendered", len(s.parsed))
	}
	var wg sync.WaitGroup
	outs := make([]string, 8)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tmpl, ok, err := s.get("one")
			if err != nil || !ok {
				t.Errorf("one: %v %v", ok, err)
				return
			}
			var b strings.Builder
			if err := tmpl.ExecuteTemplate(&b, "layout", "<you>"); err != nil {
				t.Error(err)
			}
			outs[i] = b.String()
		}()
	}
	wg.Wait()
	for _, o := range outs {
		if o != "<main>one: Hello &lt;you&gt;</main>" {
			t.Errorf("rendered %q", o)
		}
	}
	if len(s.parsed) != 1 {
		t.Errorf("%d pages kept after one was rendered, want 1", len(s.parsed))
	}
	if _, ok, _ := s.get("three"); ok {
		t.Error("a page that does not exist was found")
	}
}

func TestABrokenPageStopsTheStart(t *testing.T) {
	if _, err := parsePages(pagesFS(`{{define "content"}}{{if}}{{end}}`), template.FuncMap{}); err == nil || !strings.Contains(err.Error(), "pages/two.html") {
		t.Errorf("err %v, want the broken page named", err)
	}
}
