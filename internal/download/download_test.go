package download_test

import (
	"mime"
	"net/http"
	"testing"

	"github.com/casereview/casereview/internal/download"
)

// A name with quotes, a path and non-ASCII letters still comes back as the one file name, and
// the headers that keep the file from running are set.
func TestUploaded(t *testing.T) {
	h := http.Header{}
	download.Uploaded(h, `../Rapport "final" é.pdf`)
	_, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	if err != nil || params["filename"] != `../Rapport "final" é.pdf` {
		t.Errorf("Content-Disposition %q: %v %v", h.Get("Content-Disposition"), params, err)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") != "default-src 'none'; sandbox" {
		t.Errorf("headers %v", h)
	}
}
