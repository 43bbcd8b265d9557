// Package download marks the answer that sends back a file someone uploaded (evidence, a
// review's report) so that a browser saves it and never renders it: an uploaded file must not
// run in this origin. One place for the API and the web pages.
package download

import (
	"mime"
	"net/http"
)

// Uploaded sets h for a download of an uploaded file named filename: an attachment, its type
// not sniffed, and, should it be opened anyway, a sandbox with no rights to anything.
func Uploaded(h http.Header, filename string) {
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
}
